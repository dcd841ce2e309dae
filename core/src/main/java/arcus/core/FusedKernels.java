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

  /**
   * Evaluation-mode batch norm of x = PReLU(z) with given statistics, x never stored, with the
   * bits of {@link #prelu} then {@link #batchNormEval} (which this default runs in turn).
   */
  default Storage preluBatchNormEval(Storage z, Shape zs, Storage alpha, Storage gamma, Storage beta, Storage mean, Storage var, double eps) {
    return batchNormEval(prelu(z, zs, alpha), zs, gamma, beta, mean, var, eps);
  }

  /** {dx, dalpha} of PReLU. */
  Storage[] preluBackward(Storage x, Shape xs, Storage alpha, Storage g);

  /**
   * Training-mode batch norm of x = PReLU(z) (slope alpha[c]), x never stored: {y, batch mean,
   * biased batch variance, and whatever else {@link #preluBatchNormRecompute} needs}, with the
   * bits of {@link #prelu} then {@link #batchNormTrain}.
   */
  Storage[] preluBatchNormTrain(Storage z, Shape zs, Storage alpha, Storage gamma, Storage beta, double eps);

  /** y again, bit for bit, from z and {@link #preluBatchNormTrain}'s result r. */
  Storage preluBatchNormRecompute(Storage z, Shape zs, Storage alpha, Storage gamma, Storage beta, double eps, Storage[] r);

  /** {dz, dalpha, dgamma, dbeta}, with the bits of {@link #batchNormTrainBackward} then {@link #preluBackward}. */
  Storage[] preluBatchNormTrainBackward(Storage z, Shape zs, Storage alpha, Storage gamma, Storage mean, Storage var, double eps, Storage g);

  /**
   * One step of SGD with momentum μ (dampening 0, not Nesterov) and weight decay wd (0: none) on
   * a parameter p of n values: {p − lr·buf', buf' = μ·buf + (g + wd·p)}, every operation rounded
   * to the dtype as the elementwise ops would round it, in the same order.
   */
  Storage[] sgdMomentumStep(Storage p, Storage g, Storage buf, int n, double weightDecay, double momentum, double lr);
}
