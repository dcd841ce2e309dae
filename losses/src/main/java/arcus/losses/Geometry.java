package arcus.losses;

import arcus.core.DType;
import arcus.core.Fn;
import arcus.core.Rng;
import arcus.core.Tensor;

/** Shared pieces of the angular losses: norms, cosines, the arccos clamp, target replacement. */
final class Geometry {
  private Geometry() {}

  /** Guard for norms of zero vectors (the gradient of ‖x‖ at 0 stays finite). */
  static final double NORM_EPS = 1e-12;

  /** ‖x_i‖ of the rows of x [N, d], shape [N]. */
  static Tensor rowNorms(Tensor x) {
    return Fn.norm(x, 1, false, NORM_EPS);
  }

  /** ‖w_j‖ of the columns of w [d, C], shape [C]. */
  static Tensor columnNorms(Tensor w) {
    return Fn.norm(w, 0, false, NORM_EPS);
  }

  /** Columns of w [d, C] scaled to unit length. */
  static Tensor unitColumns(Tensor w) {
    return Fn.normalize(w, 0, NORM_EPS);
  }

  /** cos θ_ij between row i of x [N, d] and column j of w [d, C]: [N, C]. */
  static Tensor cosine(Tensor x, Tensor w) {
    return Fn.cosine(x, w, NORM_EPS);
  }

  /**
   * cos θ clamped to [−1 + ε, 1 − ε] (ε = dtype.acosEpsilon()): used wherever arccos or its
   * derivative (through sin θ = √(1 − cos²θ)) is taken, so the gradient stays finite. Outside the
   * interval the function is flat.
   */
  static Tensor clampCos(Tensor cos) {
    double eps = cos.dtype().acosEpsilon();
    return cos.clamp(-1 + eps, 1 - eps);
  }

  /** θ = arccos(clamped cos θ) ∈ (0, π). */
  static Tensor angle(Tensor cos) {
    return clampCos(cos).acos();
  }

  /**
   * The logits [N, C] with entry (i, y_i) replaced by target[i] (target [N]). A select, not an
   * add-and-subtract, so the replaced entries are exact and the gradient is routed cleanly.
   */
  static Tensor withTarget(Tensor logits, Tensor target, int[] labels) {
    Tensor mask = Tensor.oneHot(logits.backend(), labels, logits.dim(1), logits.dtype());
    return Tensor.where(mask, target.reshape(-1, 1), logits);
  }

  /** Xavier-like initial classifier weights [d, C]: N(0, 2/(d + C)). */
  static Tensor xavier(Rng rng, DType dtype, int d, int c) {
    if (d < 1 || c < 2) throw new IllegalArgumentException("need featureDim ≥ 1 and classes ≥ 2, got d = " + d + ", C = " + c);
    return rng.normal(dtype, 0, Math.sqrt(2.0 / (d + c)), d, c);
  }
}
