package arcus.losses;

import arcus.core.Tensor;

/**
 * The combined margin of InsightFace (Deng et al. 2019, ArcFace paper, Eq. 4):
 * f_y = s (cos(m1 θ_y + m2) − m3), f_j = s cos θ_j, θ_y = arccos(clamped cos θ_y). No fallback:
 * (1, 0, 0) is NormFace, (1, m, 0) ArcFace without its th/mm fallback, (1, 0, m) CosFace.
 */
public record CombinedMargin(double s, double m1, double m2, double m3) implements CosineMargin {
  public CombinedMargin {
    Check.positive("combined", "s", s);
    Check.finite("combined", "m1", m1);
    Check.finite("combined", "m2", m2);
    Check.finite("combined", "m3", m3);
  }

  /** ψ(cos θ_y) = cos(m1 θ_y + m2) − m3. */
  @Override
  public Tensor target(Tensor cosY) {
    return Geometry.angle(cosY).mul(m1).add(m2).cos().sub(m3);
  }
}
