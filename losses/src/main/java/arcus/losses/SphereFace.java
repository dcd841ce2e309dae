package arcus.losses;

import arcus.core.Params;
import arcus.core.Tensor;

/**
 * SphereFace / A-Softmax (Liu et al. 2017, "SphereFace: Deep Hypersphere Embedding for Face
 * Recognition", Eq. 7, with the λ blending of its released training code): weights L2-normalised,
 * no bias, f_y = ‖x‖ (λ cos θ_y + ψ(θ_y)) / (1 + λ), f_j = ‖x‖ cos θ_j; ψ as in L-Softmax.
 */
public record SphereFace(int m, double lambda) implements CosineHead {
  public SphereFace {
    if (m < 1 || m > ParamRanges.MAX_PSI_M) throw new IllegalArgumentException("sphereface: m must be an integer in [1, " + ParamRanges.MAX_PSI_M + "], got " + m);
    Check.nonNegative("sphereface", "lambda", lambda);
  }

  public SphereFace withLambda(double newLambda) {
    return new SphereFace(m, newLambda);
  }

  @Override
  public Tensor logits(Tensor x, Params p, int[] labels) {
    Tensor normX = Geometry.rowNorms(x);
    Tensor cos = Geometry.cosine(x, p.get("w"));
    Tensor f = cos.mul(normX.reshape(-1, 1));
    Tensor cosY = cos.takeAlong(1, labels);
    Tensor target = normX.mul(cosY.mul(lambda).add(Psi.psi(cosY, m))).div(1 + lambda);
    return Geometry.withTarget(f, target, labels);
  }
}
