package arcus.nn;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * Fully connected layer y = x·W + b. The weight is stored as [in, out] (column j maps the input
 * to output j, matching the classifier layout [d, C] of docs/losses.md), so no transpose is needed;
 * this is the transpose of PyTorch's [out, in]. Parameters: {@code weight} [in, out] (Xavier
 * uniform) and, if {@code bias}, {@code bias} [out] (zeros). Input [N, in].
 */
public record Linear(int in, int out, boolean bias) implements Layer {
  public Linear {
    Shapes.positive("Linear", "in", in);
    Shapes.positive("Linear", "out", out);
  }

  public Linear(int in, int out) {
    this(in, out, true);
  }

  @Override
  public Params init(Rng rng, DType dtype) {
    Params p = Params.of("weight", Init.xavierUniform(rng, dtype, in, out));
    return bias ? p.with("bias", Init.zeros(dtype, out)) : p;
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    Shapes.requireRank(toString(), x, 2);
    Shapes.requireDim(toString(), x, 1, in, "features");
    Tensor y = x.matmul(params.get("weight"));
    if (bias) y = y.add(params.get("bias"));
    return new Output(y, state);
  }

  @Override
  public String toString() {
    return "Linear(" + in + "→" + out + ")";
  }
}
