package arcus.nn;

import arcus.core.Conv2dSpec;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * Angular convolution ([SphereConv], [AngularNet]; docs/losses.md): each output is g(θ) where θ is the angle between
 * a k×k×C_in input patch (zero padding included) and a filter. No im2col: wᵀx is the ordinary
 * convolution, and the squared patch norms are the convolution of x² with an all-ones
 * [1, C_in, k, k] kernel. Norms are ε-guarded (√(Σ + ε²), ε = dtype.acosEpsilon()) so a zero
 * patch gives cos θ = 0 rather than 0/0; g clamps cos θ to [−1 + ε, 1 − ε] before arccos.
 * Parameter {@code weight} [outC, inC, k, k]; no bias.
 */
public record AngularConv2d(int inC, int outC, int kernel, int stride, int padding, AngleFunction g) implements Layer {
  public AngularConv2d {
    Shapes.positive("AngularConv2d", "inC", inC);
    Shapes.positive("AngularConv2d", "outC", outC);
    Shapes.positive("AngularConv2d", "kernel", kernel);
    Shapes.positive("AngularConv2d", "stride", stride);
    if (padding < 0) throw new IllegalArgumentException("AngularConv2d: padding must be >= 0, got " + padding);
    if (g == null) throw new IllegalArgumentException("AngularConv2d: angle function is null");
  }

  @Override
  public Params init(Rng rng, DType dtype) {
    return Params.of("weight", Init.heNormal(rng, dtype, outC, inC, kernel, kernel));
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    Conv2d.checkInput(toString(), x, inC, kernel, padding);
    return new Output(g.fromCosine(cosine(x, params.get("weight"))), state);
  }

  /** cos θ [N, outC, H', W'] between every patch of x and every filter of w. */
  Tensor cosine(Tensor x, Tensor w) {
    double eps2 = x.dtype().acosEpsilon() * x.dtype().acosEpsilon();
    Conv2dSpec spec = Conv2dSpec.of(stride, padding);
    Tensor dot = x.conv2d(w, spec);
    Tensor ones = x.constant(1.0, 1, inC, kernel, kernel);
    Tensor patchNorm = x.square().conv2d(ones, spec).add(eps2).sqrt(); // [N, 1, H', W']
    Tensor filterNorm = w.square().sum(new int[] {1, 2, 3}, false).add(eps2).sqrt().reshape(1, outC, 1, 1);
    return dot.div(patchNorm.mul(filterNorm));
  }

  @Override
  public String toString() {
    return "AngularConv2d(" + inC + "→" + outC + ", " + kernel + "x" + kernel + ", stride " + stride + ", pad " + padding + ", " + g.spec() + ")";
  }
}
