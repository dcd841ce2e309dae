package arcus.nn.optim;

import arcus.core.Params;

/**
 * A gradient-based optimizer as a pair of pure functions, as in Optax: {@link #init} makes the
 * state for a parameter tree, {@link #update} returns new parameters and state. Both work on
 * plain tensors only, so an update never builds an autodiff graph.
 */
public interface Optimizer {
  record Update(Params params, OptState state) {}

  OptState init(Params params);

  /** One step with learning rate {@code lr}; {@code grads} has the same names and shapes as {@code params}. */
  Update update(Params grads, OptState state, Params params, double lr);

  /** The state tree for slot {@code slot} of every parameter, under {@code slot + "."}. */
  static Params slot(String slot, Params like) {
    return like.map(t -> t.constant(0.0, t.shape().dims())).prefixed(slot);
  }

  static void checkLr(String who, double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException(who + ": learning rate must be finite and >= 0, got " + lr);
  }
}
