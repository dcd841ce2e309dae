package arcus.losses;

/** Hyper-parameter validation with messages that name the loss and the parameter. */
final class Check {
  private Check() {}

  static void positive(String loss, String name, double v) {
    if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(loss + ": " + name + " must be a positive finite number, got " + v);
  }

  static void nonNegative(String loss, String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(loss + ": " + name + " must be a finite number ≥ 0, got " + v);
  }

  /** L-Softmax and SphereFace: an integer angular multiplier m ≥ 1 and a blending weight λ ≥ 0. */
  static void multiplicative(String loss, int m, double lambda) {
    if (m < 1 || m > ParamRanges.MAX_PSI_M)
      throw new IllegalArgumentException(loss + ": m must be an integer in [1, " + ParamRanges.MAX_PSI_M + "], got " + m);
    nonNegative(loss, "lambda", lambda);
  }

  static void finite(String loss, String name, double v) {
    if (!Double.isFinite(v)) throw new IllegalArgumentException(loss + ": " + name + " must be finite, got " + v);
  }
}
