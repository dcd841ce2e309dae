package arcus.losses;

import arcus.core.Params;
import arcus.core.Tensor;

/**
 * The additive cosine and angular margins (CosFace, ArcFace, the combined margin): a normalised
 * head whose logits are f_j = s cos θ_j and f_y = s ψ(cos θ_y); each loss supplies only s and ψ.
 */
public sealed interface CosineMargin extends CosineHead, TargetMargin permits CosFace, ArcFace, CombinedMargin {
  /** The scale s of every logit. */
  double s();

  @Override
  default Tensor scale(Tensor f, Tensor x, Params p) {
    return f.mul(s());
  }
}
