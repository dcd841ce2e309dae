package arcus.nn;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/** Mean over the spatial axes: [N, C, H, W] → [N, C]. */
public record GlobalAvgPool() implements Layer {
  @Override
  public Params init(Rng rng, DType dtype) {
    return Params.empty();
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    Shapes.requireRank("GlobalAvgPool", x, 4);
    return new Output(x.mean(new int[] {2, 3}, false), state);
  }
}
