package arcus.nn;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/** [N, d1, d2, ...] → [N, d1·d2·...], row-major (C, then H, then W for images). */
public record Flatten() implements Layer {
  @Override
  public Params init(Rng rng, DType dtype) {
    return Params.empty();
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    if (x.rank() < 1) throw new IllegalArgumentException("Flatten: input must have a batch axis, got shape " + x.shape());
    return new Output(x.reshape(x.dim(0), x.size() / Math.max(1, x.dim(0))), state);
  }
}
