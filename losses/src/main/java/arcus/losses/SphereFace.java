package arcus.losses;

import arcus.core.Params;
import arcus.core.Tensor;

/**
 * SphereFace / A-Softmax (Liu et al. 2017, "SphereFace: Deep Hypersphere Embedding for Face
 * Recognition", Eq. 7, with the λ blending of its released training code): weights L2-normalised,
 * no bias, f_y = ‖x‖ (λ cos θ_y + ψ(θ_y)) / (1 + λ), f_j = ‖x‖ cos θ_j; ψ as in L-Softmax
 * ({@link MultiplicativeMargin}).
 */
public record SphereFace(int m, double lambda) implements CosineHead, MultiplicativeMargin {
  public SphereFace {
    Check.multiplicative("sphereface", m, lambda);
  }

  /** r_ij = ‖x_i‖. */
  @Override
  public Tensor scale(Tensor f, Tensor x, Params p) {
    return f.mul(Geometry.rowNorms(x).reshape(-1, 1));
  }

  @Override
  public SphereFace withLambda(double newLambda) {
    return new SphereFace(m, newLambda);
  }
}
