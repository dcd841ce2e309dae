package arcus.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * An immutable tree of named tensors: names are dot-separated paths ("conv1.weight"), kept in
 * insertion order so iteration (and so checkpoints and optimizer state) is deterministic.
 */
public final class Params {
  private final Map<String, Tensor> map;

  private Params(Map<String, Tensor> map) {
    this.map = map;
  }

  public static Params empty() {
    return new Params(Collections.emptyMap());
  }

  public static Params of(Map<String, Tensor> entries) {
    LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
    entries.forEach((k, v) -> m.put(checkName(k), java.util.Objects.requireNonNull(v, k)));
    return new Params(Collections.unmodifiableMap(m));
  }

  public static Params of(List<String> names, List<Tensor> tensors) {
    if (names.size() != tensors.size()) throw new IllegalArgumentException(names.size() + " names for " + tensors.size() + " tensors");
    LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      if (m.put(checkName(names.get(i)), tensors.get(i)) != null) throw new IllegalArgumentException("duplicate parameter name '" + names.get(i) + "'");
    }
    return new Params(Collections.unmodifiableMap(m));
  }

  public static Params of(String name, Tensor t) {
    return empty().with(name, t);
  }

  private static String checkName(String k) {
    if (k == null || k.isEmpty()) throw new IllegalArgumentException("parameter names must be non-empty");
    return k;
  }

  public Tensor get(String name) {
    Tensor t = map.get(name);
    if (t == null) throw new IllegalArgumentException("no parameter '" + name + "' (have " + map.keySet() + ")");
    return t;
  }

  public boolean has(String name) {
    return map.containsKey(name);
  }

  public List<String> names() {
    return List.copyOf(map.keySet());
  }

  public List<Tensor> tensors() {
    return List.copyOf(map.values());
  }

  public Map<String, Tensor> asMap() {
    return map;
  }

  public int size() {
    return map.size();
  }

  /** Total number of scalar parameters. */
  public long count() {
    long n = 0;
    for (Tensor t : map.values()) n += t.size();
    return n;
  }

  /** A copy with one entry added or replaced. */
  public Params with(String name, Tensor t) {
    LinkedHashMap<String, Tensor> m = new LinkedHashMap<>(map);
    m.put(checkName(name), t);
    return new Params(Collections.unmodifiableMap(m));
  }

  /** The entries under {@code prefix + "."}, with that prefix removed. */
  public Params sub(String prefix) {
    String p = prefix + ".";
    LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (k.startsWith(p)) m.put(k.substring(p.length()), v);
    });
    return new Params(Collections.unmodifiableMap(m));
  }

  /** This tree with every name prefixed by {@code prefix + "."}. */
  public Params prefixed(String prefix) {
    LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
    map.forEach((k, v) -> m.put(prefix + "." + k, v));
    return new Params(Collections.unmodifiableMap(m));
  }

  /** Union of two trees with disjoint names. */
  public Params merge(Params other) {
    LinkedHashMap<String, Tensor> m = new LinkedHashMap<>(map);
    other.map.forEach((k, v) -> {
      if (m.put(k, v) != null) throw new IllegalArgumentException("merge: parameter '" + k + "' is in both trees");
    });
    return new Params(Collections.unmodifiableMap(m));
  }

  public Params map(UnaryOperator<Tensor> f) {
    LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
    map.forEach((k, v) -> m.put(k, f.apply(v)));
    return new Params(Collections.unmodifiableMap(m));
  }

  /** Applies f to matching entries of two trees with the same names and shapes. */
  public Params zip(Params other, BiFunction<Tensor, Tensor, Tensor> f) {
    checkSameStructure(other);
    LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
    map.forEach((k, v) -> m.put(k, f.apply(v, other.map.get(k))));
    return new Params(Collections.unmodifiableMap(m));
  }

  public void checkSameStructure(Params other) {
    if (!map.keySet().equals(other.map.keySet()))
      throw new IllegalArgumentException("parameter trees differ: " + map.keySet() + " vs " + other.map.keySet());
    map.forEach((k, v) -> {
      Tensor o = other.map.get(k);
      if (!v.shape().equals(o.shape())) throw new IllegalArgumentException("parameter '" + k + "' has shape " + v.shape() + " in one tree and " + o.shape() + " in the other");
    });
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    map.forEach((k, v) -> parts.add(k + v.shape()));
    return "Params" + parts;
  }
}
