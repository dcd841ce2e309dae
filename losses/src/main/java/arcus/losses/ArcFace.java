package arcus.losses;

import arcus.core.Tensor;

/**
 * ArcFace (Deng et al. 2019, "ArcFace: Additive Angular Margin Loss for Deep Face Recognition",
 * Eq. 3): f_y = s cos(θ_y + m), f_j = s cos θ_j, with cos(θ + m) = cos θ cos m − sin θ sin m and
 * sin θ = √(1 − cos²θ) taken on the clamped cos θ (so its true gradient is finite everywhere).
 *
 * <p>Fallback (the reference implementation's {@code th}/{@code mm}): where cos θ_y ≤ th = cos(π − m)
 * the target is cos θ_y − mm with mm = sin(π − m)·m, which keeps it monotone in θ. With
 * {@code easyMargin} the margin is applied only where cos θ_y > 0 and the target is cos θ_y elsewhere.
 */
public record ArcFace(double s, double m, boolean easyMargin) implements CosineMargin {
  public ArcFace {
    Check.positive("arcface", "s", s);
    Check.finite("arcface", "m", m);
  }

  public ArcFace(double s, double m) {
    this(s, m, false);
  }

  public double th() {
    return Math.cos(Math.PI - m);
  }

  public double mm() {
    return Math.sin(Math.PI - m) * m;
  }

  /** ψ(cos θ_y) = cos(θ_y + m), with the fallback or the easy margin described above. */
  @Override
  public Tensor target(Tensor cosY) {
    Tensor sinY = Geometry.clampCos(cosY).square().rsub(1.0).sqrt();
    Tensor phi = cosY.mul(Math.cos(m)).sub(sinY.mul(Math.sin(m))); // cos(θ_y + m)
    return easyMargin
        ? Tensor.where(cosY.gt(0.0), phi, cosY)
        : Tensor.where(cosY.gt(th()), phi, cosY.sub(mm()));
  }
}
