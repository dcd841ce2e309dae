package arcus.nn;

import arcus.core.DType;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * Weight initialisers. Fans follow this project's layouts: a rank-2 shape is a {@link Linear}
 * weight [in, out] (note: the transpose of PyTorch's [out, in]); a rank-4 shape is a convolution
 * weight [out, in, kh, kw], whose fans count the receptive field (fanIn = in·kh·kw,
 * fanOut = out·kh·kw). Rank 1 is treated as fanIn = fanOut = size.
 */
public final class Init {
  private Init() {}

  public record Fans(int in, int out) {}

  public static Fans fans(int... shape) {
    return switch (shape.length) {
      case 1 -> new Fans(shape[0], shape[0]);
      case 2 -> new Fans(shape[0], shape[1]);
      case 4 -> {
        int rf = shape[2] * shape[3];
        yield new Fans(shape[1] * rf, shape[0] * rf);
      }
      default -> throw new IllegalArgumentException("Init: cannot compute fans for a rank-" + shape.length + " shape " + java.util.Arrays.toString(shape));
    };
  }

  /** Glorot & Bengio 2010: U(−a, a), a = √(6 / (fanIn + fanOut)). */
  public static Tensor xavierUniform(Rng rng, DType dtype, int... shape) {
    Fans f = fans(shape);
    double a = Math.sqrt(6.0 / (f.in() + f.out()));
    return rng.uniform(dtype, -a, a, shape);
  }

  /** He et al. 2015 (fan-in, ReLU gain): U(−a, a), a = √(6 / fanIn). */
  public static Tensor heUniform(Rng rng, DType dtype, int... shape) {
    double a = Math.sqrt(6.0 / fans(shape).in());
    return rng.uniform(dtype, -a, a, shape);
  }

  /** He et al. 2015 (fan-in, ReLU gain): N(0, 2 / fanIn); Caffe's "msra" filler. */
  public static Tensor heNormal(Rng rng, DType dtype, int... shape) {
    return rng.normal(dtype, 0, Math.sqrt(2.0 / fans(shape).in()), shape);
  }

  public static Tensor zeros(DType dtype, int... shape) {
    return Tensor.zeros(dtype, shape);
  }

  public static Tensor constant(DType dtype, double value, int... shape) {
    return Tensor.full(dtype, value, shape);
  }
}
