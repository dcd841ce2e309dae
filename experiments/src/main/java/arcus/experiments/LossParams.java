package arcus.experiments;

import arcus.experiments.experiment.LossSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses repeated {@code --loss-param k=v}: numbers, true/false, otherwise strings. */
final class LossParams {
  private LossParams() {}

  static Map<String, Object> parse(List<String> kvs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String kv : kvs) {
      int eq = kv.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("--loss-param must look like name=value, got '" + kv + "'");
      String k = kv.substring(0, eq).trim(), v = kv.substring(eq + 1).trim();
      if (m.containsKey(k)) throw new IllegalArgumentException("--loss-param " + k + " given twice");
      m.put(k, LossSpec.value(v));
    }
    return m;
  }
}
