package arcus.losses;

import arcus.core.DType;
import arcus.core.Fn;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * L2-constrained softmax (Ranjan et al. 2017, "L2-constrained Softmax Loss for Discriminative Face
 * Verification", Eq. 3): the feature is rescaled to norm {@code a} before the linear classifier,
 * f_j = w_jᵀ(a x/‖x‖) + b_j. Test scores are the same linear function (argmax equals argmax wᵀx
 * when there is no bias).
 */
public record L2Softmax(double a, boolean bias) implements Unmargined {
  public L2Softmax {
    Check.positive("l2softmax", "a", a);
  }

  @Override
  public Tensor scores(Tensor x, Params p) {
    Tensor f = Fn.normalize(x, 1, Geometry.NORM_EPS).mul(a).matmul(p.get("w"));
    return bias ? f.add(p.get("b")) : f;
  }

  @Override
  public Params init(Rng rng, DType dtype, int d, int c) {
    Params p = Params.of("w", Geometry.xavier(rng, dtype, d, c));
    return bias ? p.with("b", Tensor.zeros(dtype, c)) : p;
  }

  @Override
  public Params params(Tensor weights) {
    Params p = Params.of("w", weights);
    return bias ? p.with("b", Tensor.zeros(weights.dtype(), weights.dim(1))) : p;
  }
}
