package arcus.experiments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
      m.put(k, value(v));
    }
    return m;
  }

  private static Object value(String v) {
    String l = v.toLowerCase(Locale.ROOT);
    if (l.equals("true") || l.equals("false")) return Boolean.parseBoolean(l);
    try {
      if (v.matches("[-+]?\\d+")) return Long.parseLong(v);
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return v;
    }
  }
}
