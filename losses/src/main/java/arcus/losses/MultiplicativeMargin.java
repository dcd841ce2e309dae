package arcus.losses;

import arcus.core.Tensor;

/**
 * The multiplicative angular margin of L-Softmax and SphereFace, with the λ blending of their
 * training code: ψ(cos θ_y) = (λ cos θ_y + ψ_m(θ_y)) / (1 + λ), ψ_m(θ) = (−1)^k cos(mθ) − 2k
 * ({@link Psi}). λ is annealed by the training loop ({@link LambdaSchedule}) and passed in with
 * {@code withLambda}; the two losses differ only in their scale.
 */
public sealed interface MultiplicativeMargin extends TargetMargin permits LSoftmax, SphereFace {
  /** The integer angular multiplier m ≥ 1. */
  int m();

  /** The blending weight λ ≥ 0 (λ → ∞ removes the margin). */
  double lambda();

  /** The same loss with another λ. */
  MultiplicativeMargin withLambda(double newLambda);

  @Override
  default Tensor target(Tensor cosY) {
    return cosY.mul(lambda()).add(Psi.psi(cosY, m())).div(1 + lambda());
  }
}
