package arcus.losses;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a loss from its name and a map of hyper-parameters (the names of docs/losses.md). Values
 * may be numbers, booleans or strings; softmax's {@code bias} may also be a length-C array of
 * numbers (a {@code double[]} or a {@code List} of numbers): the initial learned bias.
 * Unknown names and parameters are rejected with the valid ones listed. Defaults: docs/losses.md.
 */
public final class Losses {
  private Losses() {}

  /** Every loss name with its valid parameter names, in documentation order. */
  public static final Map<String, List<String>> PARAMETERS;

  static {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("softmax", List.of("bias"));
    m.put("normface", List.of("s"));
    m.put("l2softmax", List.of("a", "bias"));
    m.put("lsoftmax", List.of("m", "lambda"));
    m.put("sphereface", List.of("m", "lambda"));
    m.put("cosface", List.of("s", "m"));
    m.put("arcface", List.of("s", "m", "easy_margin"));
    m.put("combined", List.of("s", "m1", "m2", "m3"));
    m.put("wsoftmax", List.of("alpha"));
    m.put("emsoftmax", List.of("K", "m", "hsic_lambda", "combine"));
    m.put("pureangular", List.of("S", "m"));
    m.put("hinge", List.of("delta", "squared"));
    m.put("center", List.of("base", "center_weight", "center_alpha"));
    m.put("simplex", List.of("s"));
    PARAMETERS = java.util.Collections.unmodifiableMap(m);
  }

  public static Set<String> names() {
    return PARAMETERS.keySet();
  }

  public static MarginLoss create(String name, Map<String, ?> params) {
    return create(name, params, new LinkedHashMap<>());
  }

  /**
   * The defaults {@link #create} applies to the parameters of {@code name} when they are not given,
   * in the order it reads them (for --help); a parameter without a default (softmax's bias,
   * center's center_alpha) is absent. Found by creating the loss without parameters and recording
   * what it asked for, so the defaults live in one place: {@link #create}.
   */
  public static Map<String, Object> defaults(String name) {
    Map<String, Object> d = new LinkedHashMap<>();
    create(name, Map.of(), d);
    return d;
  }

  private static MarginLoss create(String name, Map<String, ?> params, Map<String, Object> defaults) {
    if (name == null || !PARAMETERS.containsKey(name))
      throw new IllegalArgumentException("unknown loss '" + name + "' (valid: " + String.join(", ", PARAMETERS.keySet()) + ")");
    Map<String, ?> ps = params == null ? Map.of() : params;
    if (name.equals("center")) return center(ps, defaults);
    checkKnown(name, ps.keySet(), PARAMETERS.get(name));
    P p = new P(name, ps, defaults);
    return switch (name) {
      case "softmax" -> softmax(p);
      case "normface" -> new NormFace(p.num("s", 30));
      case "l2softmax" -> new L2Softmax(p.num("a", 16), p.bool("bias", false));
      case "lsoftmax" -> new LSoftmax(p.integer("m", 4), p.num("lambda", 5));
      case "sphereface" -> new SphereFace(p.integer("m", 4), p.num("lambda", 5));
      case "cosface" -> new CosFace(p.num("s", 30), p.num("m", 0.35));
      case "arcface" -> new ArcFace(p.num("s", 64), p.num("m", 0.5), p.bool("easy_margin", false));
      case "combined" -> new CombinedMargin(p.num("s", 64), p.num("m1", 1), p.num("m2", 0.3), p.num("m3", 0.2));
      case "wsoftmax" -> new WSoftmax(p.num("alpha", 0.5));
      case "emsoftmax" -> new EmSoftmax(p.integer("K", 2), p.num("m", 0.3), p.num("hsic_lambda", 0.0), combine(p.str("combine", "mean")));
      case "pureangular" -> new PureAngular(p.num("S", 30), p.num("m", 0.3));
      case "hinge" -> new Hinge(p.num("delta", 1), p.bool("squared", false));
      case "simplex" -> new SimplexClassifier(p.num("s", 10));
      default -> throw new AssertionError(name);
    };
  }

  /** Center loss: its own parameters, every other parameter goes to the base loss. */
  private static MarginLoss center(Map<String, ?> ps, Map<String, Object> defaults) {
    Map<String, Object> baseParams = new LinkedHashMap<>();
    Map<String, Object> own = new LinkedHashMap<>();
    ps.forEach((k, v) -> (PARAMETERS.get("center").contains(k) ? own : baseParams).put(k, v));
    P p = new P("center", own, defaults);
    String baseName = p.str("base", "softmax");
    if (baseName.equals("center"))
      throw new IllegalArgumentException("center: base must be another loss, got '" + baseName + "'");
    MarginLoss base;
    try {
      base = create(baseName, baseParams);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("center (base " + baseName + "): " + e.getMessage(), e);
    }
    Object alpha = own.get("center_alpha");
    return new CenterLoss(base, p.num("center_weight", 0.003), alpha == null ? null : p.num("center_alpha", 0.5));
  }

  private static MarginLoss softmax(P p) {
    Object b = p.raw("bias");
    if (b == null) return new Softmax();
    if (b instanceof Boolean flag) return new Softmax(flag, null);
    return new Softmax(true, p.array("bias"));
  }

  private static EmSoftmax.Combine combine(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "mean" -> EmSoftmax.Combine.MEAN;
      case "sum" -> EmSoftmax.Combine.SUM;
      default -> throw new IllegalArgumentException("emsoftmax: combine must be 'mean' or 'sum', got '" + s + "'");
    };
  }

  private static void checkKnown(String loss, Set<String> given, List<String> valid) {
    Set<String> unknown = new TreeSet<>();
    for (String k : given) if (!valid.contains(k)) unknown.add(k);
    if (!unknown.isEmpty())
      throw new IllegalArgumentException(loss + ": unknown parameter" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
          + " (valid: " + (valid.isEmpty() ? "none" : String.join(", ", valid)) + ")");
  }

  /** Typed access to one loss's parameter map, with messages naming the loss and parameter. */
  private record P(String loss, Map<String, ?> map, Map<String, Object> defaults) {
    Object raw(String k) {
      return map.get(k);
    }

    double num(String k, double dflt) {
      defaults.putIfAbsent(k, dflt);
      Object v = map.get(k);
      if (v == null) return dflt;
      if (v instanceof Number n) {
        ParamRanges.check(loss, k, n.doubleValue());
        return n.doubleValue();
      }
      throw new IllegalArgumentException(loss + ": parameter " + k + " must be a number, got " + describe(v));
    }

    int integer(String k, int dflt) {
      defaults.putIfAbsent(k, dflt);
      Object v = map.get(k);
      if (v == null) return dflt;
      if (v instanceof Number n) ParamRanges.check(loss, k, n.doubleValue()); // before the integer test: m = 1e20 is out of range
      if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < Integer.MAX_VALUE) return n.intValue();
      throw new IllegalArgumentException(loss + ": parameter " + k + " must be an integer, got " + describe(v));
    }

    boolean bool(String k, boolean dflt) {
      defaults.putIfAbsent(k, dflt);
      Object v = map.get(k);
      if (v == null) return dflt;
      if (v instanceof Boolean b) return b;
      throw new IllegalArgumentException(loss + ": parameter " + k + " must be true or false, got " + describe(v));
    }

    String str(String k, String dflt) {
      defaults.putIfAbsent(k, dflt);
      Object v = map.get(k);
      if (v == null) return dflt;
      if (v instanceof String s) return s;
      throw new IllegalArgumentException(loss + ": parameter " + k + " must be a string, got " + describe(v));
    }

    double[] array(String k) {
      Object v = map.get(k); // elements bounded to [-1e6, 1e6]: an initial bias, far beyond any logit scale
      if (v instanceof double[] d) v = java.util.Arrays.stream(d).boxed().toList();
      if (v instanceof List<?> l) {
        List<Double> out = new ArrayList<>();
        for (Object o : l) {
          if (!(o instanceof Number n)) throw new IllegalArgumentException(loss + ": parameter " + k + " must be an array of numbers, got an element " + describe(o));
          if (!Double.isFinite(n.doubleValue()) || Math.abs(n.doubleValue()) > 1e6)
            throw new IllegalArgumentException(loss + ": parameter " + k + " element " + out.size() + " = " + n + " is out of range: must be a number in [-1e6, 1e6]");
          out.add(n.doubleValue());
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
      }
      throw new IllegalArgumentException(loss + ": parameter " + k + " must be a boolean or an array of numbers, got " + describe(v));
    }

    private static String describe(Object v) {
      return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }
  }
}
