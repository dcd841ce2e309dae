package arcus.losses;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * A classification loss on a batch of features {@code x [N, d]} and integer labels, written with
 * core ops only so that autodiff gives every gradient (docs/losses.md is the specification).
 *
 * <p>The primary methods take the loss's own parameters as a {@link Params} tree, because some
 * losses own more than one tensor: {@code "w"} [d, C] (every loss but the fixed simplex head),
 * {@code "b"} [C] (softmax / L2-softmax with a bias), {@code "w0".."w{K-1}"} (EM-Softmax),
 * {@code "centers"} [C, d] (center loss, beside its base loss's parameters). The overloads that
 * take a single {@code Tensor weights} wrap it with {@link #params(Tensor)}.
 *
 * <p>The margin applies only at training time ({@link #logits}); {@link #scores} are the
 * test-time scores whose argmax is the prediction (cos θ for the normalised family, wᵀx for the
 * unnormalised ones).
 */
public sealed interface MarginLoss
    permits Unmargined, CosineHead, TargetMargin, EmSoftmax, CenterLoss, SimplexClassifier {

  /** Training logits f [N, C] (margins applied at the labels). */
  Tensor logits(Tensor features, Params params, int[] labels);

  /** Test-time scores [N, C]; their argmax is the prediction. */
  Tensor scores(Tensor features, Params params);

  /** The scalar loss: mean cross-entropy of the training logits unless the loss says otherwise. */
  default Tensor loss(Tensor features, Params params, int[] labels) {
    return CrossEntropy.mean(logits(features, params, labels), labels);
  }

  /** Fresh trainable parameters for {@code featureDim}-dimensional features and {@code classes} classes. */
  Params init(Rng rng, DType dtype, int featureDim, int classes);

  /** Wraps a single weight tensor as this loss's parameter tree (default: {@code "w"}). */
  default Params params(Tensor weights) {
    return Params.of("w", weights);
  }

  default int[] predict(Tensor features, Params params) {
    return scores(features, params).argmax(1);
  }

  default Tensor logits(Tensor features, Tensor weights, int[] labels) {
    return logits(features, params(weights), labels);
  }

  default Tensor loss(Tensor features, Tensor weights, int[] labels) {
    return loss(features, params(weights), labels);
  }

  default Tensor scores(Tensor features, Tensor weights) {
    return scores(features, params(weights));
  }

  default int[] predict(Tensor features, Tensor weights) {
    return predict(features, params(weights));
  }
}
