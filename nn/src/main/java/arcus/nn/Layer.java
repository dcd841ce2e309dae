package arcus.nn;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * A layer as a pure function of its parameters, in the style of Flax and Equinox. The layer
 * object is an immutable record of hyper-parameters; the trainable parameters and the
 * non-trainable state (batch-norm running statistics) are {@link Params} trees that the caller
 * owns, passes in and gets back. Nothing is hidden in the layer, so a step is reproducible from
 * (params, state, input, rng) alone.
 *
 * <p>State is a {@code Params} tree too: the same immutable name → tensor map, which checkpoints
 * already know how to store. New state tensors are always detached from the autodiff graph.
 */
public interface Layer {
  /** Fresh trainable parameters; the layer takes its own streams from {@code rng}. */
  Params init(Rng rng, DType dtype);

  /** Fresh non-trainable state; empty for layers without any. */
  default Params initState(DType dtype) {
    return Params.empty();
  }

  /**
   * Runs the layer. {@code rng} is only read in {@link Mode#TRAIN} by stochastic layers
   * (dropout) and may be null otherwise.
   */
  Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng);

  /** Evaluation-mode output with explicit state (e.g. trained batch-norm statistics). */
  default Tensor forward(Params params, Params state, Tensor x) {
    return apply(params, state, x, Mode.EVAL, null).y();
  }

  /**
   * Evaluation-mode output of a stateless layer. Refuses layers that carry state, since silently
   * using freshly initialised running statistics would give wrong answers.
   */
  default Tensor forward(Params params, Tensor x) {
    Params s = initState(x.dtype());
    if (s.size() != 0)
      throw new IllegalStateException(this + " has state " + s.names() + "; use forward(params, state, x)");
    return forward(params, s, x);
  }
}
