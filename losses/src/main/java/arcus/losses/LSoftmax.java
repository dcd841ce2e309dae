package arcus.losses;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * L-Softmax (Liu et al. 2016, "Large-Margin Softmax Loss for Convolutional Neural Networks",
 * Eq. 4–6 with the λ blending of its training procedure): the target logit
 * f_y = ‖w_y‖‖x‖ (λ cos θ_y + ψ(θ_y)) / (1 + λ), the others f_j = w_jᵀx; weights not normalised.
 * λ is annealed by the training loop ({@link LambdaSchedule}) and passed in with {@link #withLambda}.
 */
public record LSoftmax(int m, double lambda) implements MarginLoss {
  public LSoftmax {
    if (m < 1 || m > ParamRanges.MAX_PSI_M) throw new IllegalArgumentException("lsoftmax: m must be an integer in [1, " + ParamRanges.MAX_PSI_M + "], got " + m);
    Check.nonNegative("lsoftmax", "lambda", lambda);
  }

  public LSoftmax withLambda(double newLambda) {
    return new LSoftmax(m, newLambda);
  }

  @Override
  public Tensor logits(Tensor x, Params p, int[] labels) {
    Tensor w = p.get("w");
    Tensor f = x.matmul(w);
    Tensor wy = w.indexSelect(1, labels); // [d, N]: the true class's weight for each sample
    Tensor normW = Geometry.rowNorms(wy.transpose());
    Tensor normX = Geometry.rowNorms(x);
    Tensor scale = normW.mul(normX);
    Tensor cos = f.takeAlong(1, labels).div(scale);
    Tensor target = scale.mul(cos.mul(lambda).add(Psi.psi(cos, m))).div(1 + lambda);
    return Geometry.withTarget(f, target, labels);
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
