package arcus.losses;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * The normalised family: one weight matrix {@code "w"} [d, C], test-time scores cos θ_j between
 * each feature and each class weight, and only the training logits differ from loss to loss.
 */
public sealed interface CosineHead extends MarginLoss permits NormFace, CosineMargin, SphereFace, WSoftmax {
  @Override
  default Tensor scores(Tensor x, Params p) {
    return Geometry.cosine(x, p.get("w"));
  }

  @Override
  default Params init(Rng rng, DType dtype, int d, int c) {
    return Params.of("w", Geometry.xavier(rng, dtype, d, c));
  }
}
