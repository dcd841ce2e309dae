package arcus.nn;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Pool2dSpec;
import arcus.core.Rng;
import arcus.core.Tensor;

/** Average pooling on NCHW input; {@code ceilMode} rounds the output size up as Caffe does. */
public record AvgPool2d(int kernel, int stride, boolean ceilMode) implements Layer {
  public AvgPool2d {
    Shapes.positive("AvgPool2d", "kernel", kernel);
    Shapes.positive("AvgPool2d", "stride", stride);
  }

  @Override
  public Params init(Rng rng, DType dtype) {
    return Params.empty();
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    Shapes.requireRank(toString(), x, 4);
    return new Output(x.avgPool2d(Pool2dSpec.of(kernel, stride, ceilMode)), state);
  }

  @Override
  public String toString() {
    return "AvgPool2d(" + kernel + "x" + kernel + ", stride " + stride + (ceilMode ? ", ceil" : "") + ")";
  }
}
