package arcus.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import arcus.nn.fuzz.FuzzTries;
import arcus.nn.fuzz.Within;
import arcus.losses.Losses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzing of {@code arcus loss-eval} (docs/robustness.md): cases are built valid, then mutated
 * structurally (extreme numbers, wrong types, deleted and unknown fields, deep nesting, long
 * arrays) and as text (flip, truncate, extend, splice), or are random text. Each ends within
 * {@link Within#LIMIT} with status 0 and a finite result, or status 2 and one {"error": ...}
 * line; status 1 (an internal error) fails the property. {@code -Darcus.fuzz.tries=10000} runs the full count.
 */
@AddLifecycleHook(FuzzTries.class)
class LossEvalFuzzProperties {
  private static final List<String> LOSSES = List.copyOf(Losses.names());
  private static final Object[] EXTREMES = {1e308, -1e308, 4.9e-324, 1e9, 1e8, 100000L, 2147483648L, -1L, 0L, 1e20, 17L, 33L,
      9223372036854775807L, -0.0, 1e-300, 0.5, "x", null, true, Map.of(), List.of(), "", "float16", "arcface"};

  @Provide
  Arbitrary<String> cases() {
    Arbitrary<String> built = Arbitraries.randomValue(LossEvalFuzzProperties::mutated);
    Arbitrary<String> random = Arbitraries.strings().withChars("{}[]\":,.-+eE0123456789 abcflmnstuw\\").ofMaxLength(200);
    return Arbitraries.frequencyOf(Tuple.of(9, built), Tuple.of(1, random));
  }

  static String mutated(Random r) {
    Map<String, Object> c = valid(r);
    int structural = r.nextInt(4);
    for (int i = 0; i < structural; i++) mutateTree(c, r);
    String text = write(c);
    if (r.nextInt(4) == 0) text = mutateText(text, write(valid(r)), r);
    return text;
  }

  /** A well-formed case of a random loss with small random shapes and parameters, mostly in range. */
  static Map<String, Object> valid(Random r) {
    String loss = LOSSES.get(r.nextInt(LOSSES.size()));
    int n = 1 + r.nextInt(4), d = 1 + r.nextInt(4), classes = 2 + r.nextInt(4), k = 1 + r.nextInt(3);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("loss", loss);
    c.put("features", matrix(r, n, d));
    Map<String, Object> params = new LinkedHashMap<>();
    String core = loss;
    if (loss.equals("center")) {
      core = List.of("softmax", "cosface", "arcface", "emsoftmax", "lsoftmax").get(r.nextInt(5));
      params.put("base", core);
      if (r.nextBoolean()) params.put("center_weight", r.nextDouble());
      if (r.nextBoolean()) params.put("center_alpha", r.nextDouble());
      if (r.nextBoolean()) c.put("centers", matrix(r, classes, d));
    }
    if (core.equals("simplex")) classes = d + 1;
    else if (core.equals("emsoftmax")) {
      List<Object> ws = new ArrayList<>();
      for (int v = 0; v < k; v++) ws.add(matrix(r, d, classes));
      c.put("weights", ws);
    } else c.put("weights", matrix(r, d, classes));
    for (String p : Losses.PARAMETERS.get(core)) {
      if (r.nextBoolean()) continue;
      Object v = switch (p) {
        case "m", "K" -> core.equals("emsoftmax") && p.equals("K") ? (Object) (long) k
            : core.equals("lsoftmax") || core.equals("sphereface") ? (Object) (long) (1 + r.nextInt(5)) : (Object) (r.nextDouble() * 0.5);
        case "bias", "easy_margin", "squared" -> r.nextBoolean();
        case "combine" -> r.nextBoolean() ? "mean" : "sum";
        default -> 0.5 + r.nextDouble() * 10;
      };
      params.put(p, v);
    }
    if (!params.isEmpty() || r.nextBoolean()) c.put("params", params);
    List<Object> labels = new ArrayList<>();
    for (int i = 0; i < n; i++) labels.add((long) r.nextInt(classes));
    c.put("labels", labels);
    if (r.nextBoolean()) c.put("dtype", r.nextBoolean() ? "float32" : "float64");
    return c;
  }

  static List<Object> matrix(Random r, int rows, int cols) {
    List<Object> m = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      List<Object> row = new ArrayList<>();
      for (int j = 0; j < cols; j++) row.add(Math.round((r.nextGaussian() * 2) * 1000) / 1000.0);
      m.add(row);
    }
    return m;
  }

  /** Replaces, deletes or adds one node somewhere in the tree, or grows an array. */
  @SuppressWarnings("unchecked")
  static void mutateTree(Map<String, Object> root, Random r) {
    Object node = root;
    Object parent = null;
    Object key = null;
    int depth = r.nextInt(5);
    for (int i = 0; i < depth; i++) {
      if (node instanceof Map<?, ?> m && !m.isEmpty()) {
        List<Object> keys = new ArrayList<>(m.keySet());
        key = keys.get(r.nextInt(keys.size()));
        parent = node;
        node = m.get(key);
      } else if (node instanceof List<?> l && !l.isEmpty()) {
        key = r.nextInt(l.size());
        parent = node;
        node = l.get((Integer) key);
      } else break;
    }
    int what = r.nextInt(7);
    if (what == 0 && node instanceof Map<?, ?> m) { // unknown field, or the huge margins
      ((Map<String, Object>) m).put(r.nextBoolean() ? "zz" : List.of("m", "K", "s", "lambda").get(r.nextInt(4)),
          mutable(r.nextBoolean() ? EXTREMES[r.nextInt(EXTREMES.length)] : (Object) (long) Math.pow(10, r.nextInt(12))));
      return;
    }
    if (what == 1 && node instanceof Map<?, ?> m && !m.isEmpty()) { // delete a field
      m.remove(new ArrayList<>(m.keySet()).get(r.nextInt(m.size())));
      return;
    }
    if (what == 2 && node instanceof List<?> l && !l.isEmpty()) { // grow: extra rows or elements
      List<Object> list = (List<Object>) l;
      int times = r.nextInt(3) == 0 ? 1 + r.nextInt(200) : 1;
      for (int i = 0; i < times; i++) list.add(list.get(r.nextInt(list.size())));
      return;
    }
    Object replacement = switch (r.nextInt(3)) {
      case 0 -> EXTREMES[r.nextInt(EXTREMES.length)];
      case 1 -> nested(r.nextInt(2) == 0 ? 1 + r.nextInt(8) : 400 + r.nextInt(400));
      default -> (Object) List.of(List.of(r.nextGaussian() * 1e6));
    };
    replacement = mutable(replacement);
    if (parent instanceof Map<?, ?> pm) ((Map<Object, Object>) pm).put(key, replacement);
    else if (parent instanceof List<?> pl) ((List<Object>) pl).set((Integer) key, replacement);
    else root.put("features", replacement);
  }

  /** A deep copy made of ArrayList and LinkedHashMap, so later mutations can change it. */
  static Object mutable(Object o) {
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object e : l) out.add(mutable(e));
      return out;
    }
    if (o instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, mutable(v)));
      return out;
    }
    return o;
  }

  static Object nested(int depth) {
    Object o = 1.0;
    for (int i = 0; i < depth; i++) o = List.of(o);
    return o;
  }

  static String mutateText(String t, String other, Random r) {
    if (t.isEmpty()) return t;
    return switch (r.nextInt(4)) {
      case 0 -> {
        char[] cs = t.toCharArray();
        for (int i = 0; i < 1 + r.nextInt(4); i++) cs[r.nextInt(cs.length)] = "{}[]\",:0-e.9 x".charAt(r.nextInt(14));
        yield new String(cs);
      }
      case 1 -> t.substring(0, r.nextInt(t.length()));
      case 2 -> t + t.substring(r.nextInt(t.length()));
      default -> t.substring(0, r.nextInt(t.length())) + other.substring(r.nextInt(other.length()));
    };
  }

  /** A minimal JSON writer, independent of the project's JSON library. */
  static String write(Object o) {
    StringBuilder sb = new StringBuilder();
    write(sb, o);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object o) {
    if (o == null) sb.append("null");
    else if (o instanceof String s) sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    else if (o instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) sb.append(", ");
        first = false;
        write(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue());
      }
      sb.append('}');
    } else if (o instanceof List<?> l) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) sb.append(", ");
        write(sb, l.get(i));
      }
      sb.append(']');
    } else sb.append(o);
  }

  @Property(tries = 300)
  void everyCaseGivesAFiniteResultOrOneErrorLine(@ForAll("cases") String text) {
    LossEvalCommandTest.Result res = Within.valueOrDocumented(() -> LossEvalCommandTest.run(text), List.of());
    String out = res.out().strip();
    assertFalse(out.contains("\n"), "one line: " + out);
    switch (res.status()) {
      case 0 -> {
        assertTrue(out.startsWith("{\"value\":"), out);
        assertFalse(out.contains("null") || out.contains("NaN") || out.contains("Infinity"), out);
      }
      case 2 -> assertTrue(out.startsWith("{\"error\":") && !out.contains("internal error"), out);
      default -> fail("status " + res.status() + " for " + text + ": " + out + res.err());
    }
    assertEquals("", res.err(), "nothing on standard error");
    net.jqwik.api.statistics.Statistics.collect(res.status() == 0 ? "value" : "error");
    // both outcomes must be reached, or the generators test only one side
    net.jqwik.api.statistics.Statistics.coverage(c -> {
      c.check("value").count(n -> n > 0);
      c.check("error").count(n -> n > 0);
    });
  }
}
