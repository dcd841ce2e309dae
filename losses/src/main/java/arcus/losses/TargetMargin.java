package arcus.losses;

import arcus.core.Params;
import arcus.core.Tensor;

/**
 * The one hook of the angular-margin losses (pytorch-metric-learning's
 * {@code modify_cosine_of_target_classes} and {@code scale_logits}). A loss supplies its target
 * function ψ — the paper's margined replacement for cos θ_y — and its scale r; the training
 * logits are then, for every loss alike,
 *
 * <pre>
 *   f_ij = r_ij cos θ_ij   (j ≠ y_i),        f_iy = r_iy ψ(cos θ_iy),
 * </pre>
 *
 * with cos θ_ij between feature x_i and class weight w_j. r is s for the cosine margins
 * ({@link CosineMargin}), ‖x_i‖ for SphereFace and ‖x_i‖‖w_j‖ for L-Softmax (so that its
 * other logits are w_jᵀx).
 */
public sealed interface TargetMargin extends MarginLoss permits CosineMargin, MultiplicativeMargin {
  /** ψ(cos θ_y) [N] for the target cosines cos θ_y [N]: the margin, before scaling. */
  Tensor target(Tensor cosY);

  /** r ⊙ f for cosine logits f [N, C] whose targets ψ has already replaced. */
  Tensor scale(Tensor f, Tensor x, Params p);

  @Override
  default Tensor logits(Tensor x, Params p, int[] labels) {
    Tensor cos = Geometry.cosine(x, p.get("w"));
    return scale(Geometry.withTarget(cos, target(cos.takeAlong(1, labels)), labels), x, p);
  }
}
