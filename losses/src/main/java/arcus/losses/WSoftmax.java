package arcus.losses;

import arcus.core.Params;
import arcus.core.Tensor;

/**
 * W-Softmax ([W-Softmax], "Learning Discriminative Features via Weights-biased Softmax Loss",
 * Eq. 1 and 11–13): with ŵ = w/‖w‖ and unnormalised features, f_y = ŵ_yᵀx and, for j ≠ y,
 * f_j = w̃_jᵀx with w̃_j = (ŵ_j + α ŵ_y) / ‖ŵ_j + α ŵ_y‖ — each other class's weight is biased
 * towards the sample's own class, which moves the training boundary into class y's region.
 *
 * <p>w̃ depends on the label of the sample, but only through inner products, so the [N, C]
 * algebraic form is used instead of a [N, d, C] batch: ‖ŵ_j + α ŵ_y‖² = 1 + α² + 2α ŵ_jᵀŵ_y and
 * w̃_jᵀx = (ŵ_jᵀx + α ŵ_yᵀx) / ‖ŵ_j + α ŵ_y‖. At j = y the formula gives ŵ_yᵀx as well.
 * Test-time scores: cos θ_j.
 */
public record WSoftmax(double alpha) implements CosineHead {
  public WSoftmax {
    Check.nonNegative("wsoftmax", "alpha", alpha);
  }

  @Override
  public Tensor logits(Tensor x, Params p, int[] labels) {
    Tensor wHat = Geometry.unitColumns(p.get("w"));
    Tensor z = x.matmul(wHat); // ŵ_jᵀx, [N, C]
    Tensor zy = z.takeAlong(1, labels).reshape(-1, 1); // ŵ_yᵀx, [N, 1]
    Tensor gram = wHat.matmul(wHat, true, false).indexSelect(0, labels); // ŵ_y_iᵀŵ_j, [N, C]
    Tensor norm = gram.mul(2 * alpha).add(1 + alpha * alpha).add(Geometry.NORM_EPS * Geometry.NORM_EPS).sqrt();
    Tensor biased = z.add(zy.mul(alpha)).div(norm);
    return Geometry.withTarget(biased, zy.reshape(-1), labels);
  }
}
