package arcus.losses;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * L-Softmax (Liu et al. 2016, "Large-Margin Softmax Loss for Convolutional Neural Networks",
 * Eq. 4–6 with the λ blending of its training procedure): the target logit
 * f_y = ‖w_y‖‖x‖ (λ cos θ_y + ψ(θ_y)) / (1 + λ), the others f_j = ‖w_j‖‖x‖ cos θ_j = w_jᵀx;
 * weights not normalised ({@link MultiplicativeMargin}). Test scores: w_jᵀx.
 */
public record LSoftmax(int m, double lambda) implements MultiplicativeMargin {
  public LSoftmax {
    Check.multiplicative("lsoftmax", m, lambda);
  }

  /** r_ij = ‖x_i‖‖w_j‖. */
  @Override
  public Tensor scale(Tensor f, Tensor x, Params p) {
    return f.mul(Geometry.rowNorms(x).reshape(-1, 1)).mul(Geometry.columnNorms(p.get("w")));
  }

  @Override
  public LSoftmax withLambda(double newLambda) {
    return new LSoftmax(m, newLambda);
  }

  @Override
  public Tensor scores(Tensor x, Params p) {
    return x.matmul(p.get("w"));
  }

  @Override
  public Params init(Rng rng, DType dtype, int d, int c) {
    return Params.of("w", Geometry.xavier(rng, dtype, d, c));
  }
}
