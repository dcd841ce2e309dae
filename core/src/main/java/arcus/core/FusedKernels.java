package arcus.core;

/**
 * Optional fused kernels a backend may offer for the hot layers of a convolutional network.
 * {@link Fused} uses them when the tensors' backend implements this interface and falls back to
 * the composed primitives otherwise, so every backend computes the same function. Layout: x is
 * [N, C, ...] with per-channel parameters of shape [C].
 */
public interface FusedKernels {
  /** Training-mode batch norm: {y, batch mean [C], biased batch variance [C]}. */
  Storage[] batchNormTrain(Storage x, Shape xs, Storage gamma, Storage beta, double eps);

  /** {dx, dgamma, dbeta} of training-mode batch norm. */
  Storage[] batchNormTrainBackward(Storage x, Shape xs, Storage gamma, Storage mean, Storage var, double eps, Storage g);

  /** Evaluation-mode batch norm with given statistics: (x − mean[c])·γ[c]/√(var[c] + ε) + β[c]. */
  Storage batchNormEval(Storage x, Shape xs, Storage gamma, Storage beta, Storage mean, Storage var, double eps);

  /** PReLU with a per-channel slope: x > 0 ? x : alpha[c]·x. */
  Storage prelu(Storage x, Shape xs, Storage alpha);

  /** {dx, dalpha} of PReLU. */
  Storage[] preluBackward(Storage x, Shape xs, Storage alpha, Storage g);
}
