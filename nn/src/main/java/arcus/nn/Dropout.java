package arcus.nn;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * Inverted dropout: in TRAIN each element is zeroed with probability p and the survivors scaled
 * by 1/(1 − p), so EVAL is the identity. The mask comes from the rng passed to apply, so the same
 * seed drops the same elements.
 */
public record Dropout(double p) implements Layer {
  public Dropout {
    if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
  }

  @Override
  public Params init(Rng rng, DType dtype) {
    return Params.empty();
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    if (mode == Mode.EVAL || p == 0) return new Output(x, state);
    if (rng == null) throw new IllegalArgumentException("Dropout(" + p + "): TRAIN mode needs an rng, got null");
    Tensor keep = rng.uniform(x.dtype(), 0, 1, x.shape().dims()).to(x.backend()).ge(p); // the mask is drawn on the host
    return new Output(x.mul(keep).mul(1 / (1 - p)), state);
  }
}
