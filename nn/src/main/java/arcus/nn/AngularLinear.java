package arcus.nn;

import arcus.core.DType;
import arcus.core.Fn;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * Angular fully connected layer ([AngularNet], after [SphereConv]; docs/losses.md): output [N, out] with entry
 * g(θ_ij), θ_ij the angle between input row x_i and weight column w_j. Parameter {@code weight}
 * [in, out] (same layout as {@link Linear}); no bias, since the output depends on angles only.
 * Norms are ε-guarded (‖v‖ = √(Σv² + ε²)) so a zero input gives cos θ = 0, not NaN, with
 * ε = dtype.acosEpsilon(); g clamps cos θ before arccos (see {@link AngleFunction#fromCosine}).
 */
public record AngularLinear(int in, int out, AngleFunction g) implements Layer {
  public AngularLinear {
    Shapes.positive("AngularLinear", "in", in);
    Shapes.positive("AngularLinear", "out", out);
    if (g == null) throw new IllegalArgumentException("AngularLinear: angle function is null");
  }

  @Override
  public Params init(Rng rng, DType dtype) {
    return Params.of("weight", Init.xavierUniform(rng, dtype, in, out));
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    Shapes.requireRank(toString(), x, 2);
    Shapes.requireDim(toString(), x, 1, in, "features");
    return new Output(g.fromCosine(cosine(x, params.get("weight"))), state);
  }

  /** cos θ [N, out] between the rows of x [N, in] and the columns of w [in, out], ε-guarded. */
  public static Tensor cosine(Tensor x, Tensor w) {
    double eps = x.dtype().acosEpsilon();
    Tensor xn = Fn.norm(x, 1, true, eps);
    Tensor wn = Fn.norm(w, 0, true, eps);
    return x.matmul(w).div(xn.mul(wn));
  }

  @Override
  public String toString() {
    return "AngularLinear(" + in + "→" + out + ", " + g.spec() + ")";
  }
}
