package arcus.losses;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The documented valid range of every numeric loss hyper-parameter (docs/robustness.md), checked
 * by {@link Losses#create} before a loss is built, so a value out of range is refused where it
 * enters — {@code --loss-param}, loss-eval's {@code params}, a run's summary.json — with one message
 * naming the loss, the parameter, the value and the range.
 *
 * <p>Two limits bound a cost rather than a meaning:
 * <ul>
 *   <li>{@link #MAX_PSI_M}: L-Softmax/SphereFace build ψ from m − 1 comparisons and the binomial
 *       polynomial of cos(mθ) in cos θ (about m²/2 tensor multiplications), so the work grows with
 *       m; the polynomial's terms reach 2^{m/2} in magnitude, so its float32 rounding error is about
 *       2^{m/2}·6e-8 (1.5e-5 at m = 16, 4e-3 at m = 32). The papers use m ≤ 4.</li>
 *   <li>{@link #MAX_EM_K}: EM-Softmax holds K classifiers (K·d·C weights) and its HSIC term sums
 *       K(K − 1)/2 [d, d] products; K = 32 is 496 of them. The paper uses K ≤ 10.</li>
 * </ul>
 */
public final class ParamRanges {
  private ParamRanges() {}

  /** Largest L-Softmax/SphereFace margin m (see the class comment for why). */
  public static final int MAX_PSI_M = 16;

  /** Largest number of EM-Softmax classifiers K (see the class comment for why). */
  public static final int MAX_EM_K = 32;

  /**
   * Largest scale s (normface, cosface, arcface, combined, simplex), a (l2softmax), S (pureangular):
   * the papers use 16–64 and the cross-check 256; beyond 10⁴ a float32 softmax over s·cos θ is a hard
   * arg-max for any cosine gap above 10⁻², and s·cos no longer trains.
   */
  public static final double MAX_SCALE = 1e4;

  /**
   * Largest weight of an added term (EM-Softmax's hsic_lambda, the center loss's center_weight):
   * the papers use 0.003–1. With inputs bounded by 10⁶ the weighted term stays finite up to here;
   * hsic_lambda = 10³⁰⁸ made a fuzzed loss-eval case's loss infinite.
   */
  public static final double MAX_TERM_WEIGHT = 1e6;

  /** An interval of real numbers, or of integers when {@code integer}. */
  public record Range(double min, boolean minOpen, double max, boolean integer) {
    boolean contains(double v) {
      return Double.isFinite(v) && (minOpen ? v > min : v >= min) && v <= max && (!integer || v == Math.rint(v));
    }

    @Override
    public String toString() {
      String hi = max == Double.MAX_VALUE ? "any finite value" : fmt(max);
      return (integer ? "an integer in " : "a number in ") + (minOpen ? "(" : "[") + fmt(min) + ", " + hi + "]";
    }

    private static String fmt(double v) {
      if (v == Math.PI) return "π";
      if (v == -Math.PI) return "−π";
      return v == Math.rint(v) && Math.abs(v) < 1e7 ? Long.toString((long) v) : String.format(Locale.ROOT, "%g", v).replaceAll("\\.?0+e", "e");
    }
  }

  private static final double ANY = Double.MAX_VALUE;

  /** Loss name → parameter → range; parameters that are not numbers (bias, combine, base, booleans) are absent. */
  public static final Map<String, Map<String, Range>> RANGES;

  static {
    Map<String, Map<String, Range>> r = new LinkedHashMap<>();
    Range scale = new Range(0, true, MAX_SCALE, false);
    Range lambda = new Range(0, false, ANY, false);
    Range termWeight = new Range(0, false, MAX_TERM_WEIGHT, false);
    r.put("normface", Map.of("s", scale));
    r.put("l2softmax", Map.of("a", scale));
    r.put("lsoftmax", Map.of("m", new Range(1, false, MAX_PSI_M, true), "lambda", lambda));
    r.put("sphereface", Map.of("m", new Range(1, false, MAX_PSI_M, true), "lambda", lambda));
    r.put("cosface", Map.of("s", scale, "m", new Range(-1, false, 2, false)));
    r.put("arcface", Map.of("s", scale, "m", new Range(-Math.PI, false, Math.PI, false)));
    r.put("combined", Map.of("s", scale, "m1", new Range(0, true, 16, false), "m2", new Range(-Math.PI, false, Math.PI, false),
        "m3", new Range(-2, false, 2, false)));
    r.put("wsoftmax", Map.of("alpha", new Range(0, false, 1e3, false)));
    r.put("emsoftmax", Map.of("K", new Range(1, false, MAX_EM_K, true), "m", new Range(-1e3, false, 1e3, false),
        "hsic_lambda", termWeight));
    r.put("pureangular", Map.of("S", scale, "m", new Range(0, false, Math.PI, false)));
    r.put("hinge", Map.of("delta", new Range(0, false, 1e6, false)));
    r.put("center", Map.of("center_weight", termWeight, "center_alpha", new Range(0, false, 1, false)));
    r.put("simplex", Map.of("s", scale));
    RANGES = java.util.Collections.unmodifiableMap(r);
  }

  /** The range of {@code loss}'s numeric parameter {@code param}, or null if it has none. */
  public static Range of(String loss, String param) {
    Map<String, Range> m = RANGES.get(loss);
    return m == null ? null : m.get(param);
  }

  /** Checks a value that has already been read as a number. */
  static void check(String loss, String param, double v) {
    Range r = of(loss, param);
    if (r != null && !r.contains(v))
      throw new IllegalArgumentException(loss + ": parameter " + param + " = " + num(v) + " is out of range: must be " + r);
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
