package arcus.experiments.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A loss with its hyper-parameters, written {@code name[:k=v[:k=v...]]} on the command line, e.g.
 * {@code wsoftmax:alpha=1} or {@code emsoftmax:K=2:m=0.3}; a list separates losses by commas.
 * Values are read as in {@code --loss-param}: true/false, integers, decimals, otherwise strings.
 */
public record LossSpec(String name, Map<String, Object> params) {
  public LossSpec {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("a loss name is empty");
    params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  public static LossSpec parse(String spec) {
    String[] parts = spec.trim().split(":");
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String kv = parts[i];
      int eq = kv.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("loss spec '" + spec + "': '" + kv + "' must look like name=value");
      String k = kv.substring(0, eq).trim();
      if (m.containsKey(k)) throw new IllegalArgumentException("loss spec '" + spec + "': " + k + " given twice");
      m.put(k, value(kv.substring(eq + 1).trim()));
    }
    return new LossSpec(parts[0].trim().toLowerCase(Locale.ROOT), m);
  }

  /** Comma-separated specs. */
  public static List<LossSpec> parseList(String specs) {
    List<LossSpec> out = new ArrayList<>();
    for (String s : specs.split(",")) if (!s.isBlank()) out.add(parse(s));
    if (out.isEmpty()) throw new IllegalArgumentException("no loss given in '" + specs + "'");
    return out;
  }

  /** A parameter value as typed: true/false, an integer, a decimal, otherwise the string. */
  public static Object value(String v) {
    String l = v.toLowerCase(Locale.ROOT);
    if (l.equals("true") || l.equals("false")) return Boolean.parseBoolean(l);
    try {
      if (v.matches("[-+]?\\d+")) return Long.parseLong(v);
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return v;
    }
  }

  /** A short label: the name, then the parameters, e.g. {@code wsoftmax(alpha=1)}. */
  public String label() {
    if (params.isEmpty()) return name;
    StringBuilder sb = new StringBuilder(name).append('(');
    params.forEach((k, v) -> sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : ",").append(k).append('=').append(v));
    return sb.append(')').toString();
  }

  /** The label as a folder-name fragment. */
  public String slug() {
    return label().replaceAll("[^A-Za-z0-9.=_-]+", "_").replaceAll("_+$", "");
  }
}
