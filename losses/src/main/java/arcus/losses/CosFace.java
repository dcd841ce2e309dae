package arcus.losses;

import arcus.core.Tensor;

/**
 * CosFace / AM-Softmax (Wang et al. 2018, "CosFace: Large Margin Cosine Loss", Eq. 4; "Additive
 * Margin Softmax", Eq. 3): f_y = s (cos θ_y − m), f_j = s cos θ_j.
 */
public record CosFace(double s, double m) implements CosineMargin {
  public CosFace {
    Check.positive("cosface", "s", s);
    Check.finite("cosface", "m", m);
  }

  /** ψ(cos θ_y) = cos θ_y − m. */
  @Override
  public Tensor target(Tensor cosY) {
    return cosY.sub(m);
  }
}
