package arcus.losses;

import arcus.core.Params;
import arcus.core.Tensor;

/**
 * CosFace / AM-Softmax (Wang et al. 2018, "CosFace: Large Margin Cosine Loss", Eq. 4; "Additive
 * Margin Softmax", Eq. 3): f_y = s (cos θ_y − m), f_j = s cos θ_j.
 */
public record CosFace(double s, double m) implements CosineHead {
  public CosFace {
    Check.positive("cosface", "s", s);
    Check.finite("cosface", "m", m);
  }

  @Override
  public Tensor logits(Tensor x, Params p, int[] labels) {
    Tensor cos = scores(x, p);
    Tensor target = cos.takeAlong(1, labels).sub(m);
    return Geometry.withTarget(cos, target, labels).mul(s);
  }
}
