package arcus.losses;

import arcus.core.Params;
import arcus.core.Tensor;

/**
 * NormFace (Wang et al. 2017, "NormFace: L2 Hypersphere Embedding for Face Verification", Eq. 5):
 * features and weights L2-normalised, f_j = s cos θ_j.
 */
public record NormFace(double s) implements CosineHead {
  public NormFace {
    Check.positive("normface", "s", s);
  }

  @Override
  public Tensor logits(Tensor x, Params p, int[] labels) {
    return scores(x, p).mul(s);
  }
}
