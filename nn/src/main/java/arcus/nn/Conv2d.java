package arcus.nn;

import arcus.core.Conv2dSpec;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * 2-D convolution on NCHW input with square kernels. Parameters: {@code weight}
 * [outC, inC, k, k] (He normal, as Caffe's msra filler) and, if {@code bias}, {@code bias} [outC].
 */
public record Conv2d(int inC, int outC, int kernel, int stride, int padding, boolean bias) implements Layer {
  public Conv2d {
    Shapes.positive("Conv2d", "inC", inC);
    Shapes.positive("Conv2d", "outC", outC);
    Shapes.positive("Conv2d", "kernel", kernel);
    Shapes.positive("Conv2d", "stride", stride);
    if (padding < 0) throw new IllegalArgumentException("Conv2d: padding must be >= 0, got " + padding);
  }

  @Override
  public Params init(Rng rng, DType dtype) {
    Params p = Params.of("weight", Init.heNormal(rng, dtype, outC, inC, kernel, kernel));
    return bias ? p.with("bias", Init.zeros(dtype, outC)) : p;
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    checkInput(toString(), x, inC, kernel, padding);
    Conv2dSpec spec = Conv2dSpec.of(stride, padding);
    Tensor y = bias ? x.conv2d(params.get("weight"), params.get("bias"), spec) : x.conv2d(params.get("weight"), spec);
    return new Output(y, state);
  }

  static void checkInput(String layer, Tensor x, int inC, int kernel, int padding) {
    Shapes.requireRank(layer, x, 4);
    Shapes.requireDim(layer, x, 1, inC, "channels");
    if (x.dim(2) + 2 * padding < kernel || x.dim(3) + 2 * padding < kernel)
      throw new IllegalArgumentException(layer + ": input " + x.dim(2) + "x" + x.dim(3) + " is smaller than the kernel " + kernel + "x" + kernel + " with padding " + padding + ", shape " + x.shape());
  }

  @Override
  public String toString() {
    return "Conv2d(" + inC + "→" + outC + ", " + kernel + "x" + kernel + ", stride " + stride + ", pad " + padding + ")";
  }
}
