package arcus.losses;

import arcus.core.Fn;
import arcus.core.Tensor;

/** CE(f, y) = −f_y + log Σ_j exp f_j, averaged over the batch, with the log-sum-exp shift. */
final class CrossEntropy {
  private CrossEntropy() {}

  static Tensor mean(Tensor logits, int[] labels) {
    return Fn.crossEntropy(logits, labels);
  }
}
