package arcus.losses;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * Center loss (Wen et al. 2016, "A Discriminative Feature Learning Approach for Deep Face
 * Recognition", Eq. 2 and 4–6): an auxiliary term L_C = ½ Σ_i ‖x_i − c_{y_i}‖² / N added with
 * weight λ_C to a base softmax-type loss: L = L_base + λ_C L_C. The centers {@code "centers"} [C, d]
 * sit in the parameter tree beside the base loss's parameters.
 *
 * <p>Two ways to move the centers: {@code centerAlpha == null} — they are ordinary parameters and
 * the optimizer follows ∂L/∂c; {@code centerAlpha} set — the paper's rule: the loss sees the centers
 * as constants (no gradient) and the training loop calls {@link #updateCenters} after each step.
 */
public record CenterLoss(MarginLoss base, double centerWeight, Double centerAlpha) implements MarginLoss {
  public static final String CENTERS = "centers";

  public CenterLoss {
    if (base == null || base instanceof CenterLoss) throw new IllegalArgumentException("center: the base loss must be a non-center loss");
    Check.nonNegative("center", "center_weight", centerWeight);
    if (centerWeight > ParamRanges.MAX_TERM_WEIGHT)
      throw new IllegalArgumentException("center: center_weight must be in [0, 1000000], got " + centerWeight + " (the weighted center term would overflow)");
    if (centerAlpha != null && !(centerAlpha >= 0 && centerAlpha <= 1))
      throw new IllegalArgumentException("center: center_alpha must lie in [0, 1], got " + centerAlpha);
  }

  @Override
  public Tensor logits(Tensor x, Params p, int[] labels) {
    return base.logits(x, p, labels);
  }

  @Override
  public Tensor scores(Tensor x, Params p) {
    return base.scores(x, p);
  }

  @Override
  public Tensor loss(Tensor x, Params p, int[] labels) {
    Tensor centers = p.get(CENTERS);
    if (centerAlpha != null) centers = Autodiff.stopGradient(centers);
    return base.loss(x, p, labels).add(centerTerm(x, centers, labels).mul(centerWeight));
  }

  /** L_C = ½ Σ_i ‖x_i − c_{y_i}‖² / N. */
  public static Tensor centerTerm(Tensor x, Tensor centers, int[] labels) {
    return x.sub(centers.indexSelect(0, labels)).square().sum().mul(0.5 / x.dim(0));
  }

  /**
   * The paper's update (Eq. 4–6), as a pure function: Δc_j = Σ_{i: y_i = j} (c_j − x_i) / (1 + n_j),
   * c_j ← c_j − α Δc_j. Classes absent from the batch keep their centers.
   */
  public static Tensor updateCenters(Tensor centers, Tensor x, int[] labels, double alpha) {
    int c = centers.dim(0);
    Tensor cs = Autodiff.stopGradient(centers), xs = Autodiff.stopGradient(x);
    Tensor counts = x.constant(1.0, labels.length, 1).indexAdd(0, labels, c); // n_j, [C, 1]
    Tensor sums = xs.indexAdd(0, labels, c); // Σ_{i: y_i = j} x_i, [C, d]
    Tensor delta = cs.mul(counts).sub(sums).div(counts.add(1.0));
    return cs.sub(delta.mul(alpha));
  }

  @Override
  public Params init(Rng rng, DType dtype, int d, int c) {
    return base.init(rng, dtype, d, c).with(CENTERS, Tensor.zeros(dtype, c, d));
  }

  /** A bare tensor is the base loss's weights; the centers start at zero. */
  @Override
  public Params params(Tensor weights) {
    Params p = base.params(weights);
    int c = weights.dim(weights.rank() - 1), d = weights.dim(weights.rank() - 2);
    return p.with(CENTERS, Tensor.zeros(weights.dtype(), c, d));
  }
}
