package arcus.nn.io;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The content of a checkpoint: which model it belongs to, the training step, free-form metadata
 * (e.g. the run configuration) and the arrays, in a stable order.
 */
public record CheckpointData(
    String model, long step, Map<String, String> meta, List<NamedArray> arrays) {
  public CheckpointData {
    if (model == null) {
      throw new IllegalArgumentException("checkpoint model name is null");
    }
    // Insertion order is kept so that a written file is byte-for-byte reproducible.
    meta = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(meta));
    arrays = List.copyOf(arrays);
    Set<String> names = new HashSet<>();
    for (NamedArray a : arrays) {
      if (!names.add(a.name())) {
        throw new IllegalArgumentException("checkpoint has two arrays named '" + a.name() + "'");
      }
    }
  }

  /** The array called {@code name}, or null. */
  public NamedArray array(String name) {
    for (NamedArray a : arrays) {
      if (a.name().equals(name)) {
        return a;
      }
    }
    return null;
  }

  public List<String> names() {
    List<String> out = new ArrayList<>();
    for (NamedArray a : arrays) {
      out.add(a.name());
    }
    return out;
  }
}
