package arcus.nn;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/** max(0, x), elementwise; no parameters. */
public record ReLU() implements Layer {
  @Override
  public Params init(Rng rng, DType dtype) {
    return Params.empty();
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    return new Output(x.relu(), state);
  }
}
