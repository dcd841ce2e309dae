package arcus.nn;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Pool2dSpec;
import arcus.core.Rng;
import arcus.core.Tensor;

/** Max pooling on NCHW input; {@code ceilMode} rounds the output size up as Caffe does (28 → 14 → 7 → 4). */
public record MaxPool2d(int kernel, int stride, boolean ceilMode) implements Layer {
  public MaxPool2d {
    Shapes.positive("MaxPool2d", "kernel", kernel);
    Shapes.positive("MaxPool2d", "stride", stride);
  }

  @Override
  public Params init(Rng rng, DType dtype) {
    return Params.empty();
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    Shapes.requireRank(toString(), x, 4);
    return new Output(x.maxPool2d(Pool2dSpec.of(kernel, stride, ceilMode)), state);
  }

  @Override
  public String toString() {
    return "MaxPool2d(" + kernel + "x" + kernel + ", stride " + stride + (ceilMode ? ", ceil" : "") + ")";
  }
}
