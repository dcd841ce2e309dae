package arcus.losses;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * Multi-class hinge loss (Weston & Watkins 1999, "Support Vector Machines for Multi-Class Pattern
 * Recognition", the sum-of-violations form): on linear logits f = Wᵀx, L = (1/N) Σ_i Σ_{j≠y_i} max(0, δ + f_j − f_y)
 * (squared: the same terms squared). Training logits and test scores are f itself.
 */
public record Hinge(double delta, boolean squared) implements Unmargined {
  public Hinge {
    Check.nonNegative("hinge", "delta", delta);
  }

  public Hinge() {
    this(1.0, false);
  }

  @Override
  public Tensor scores(Tensor x, Params p) {
    return x.matmul(p.get("w"));
  }

  @Override
  public Tensor loss(Tensor x, Params p, int[] labels) {
    Tensor f = logits(x, p, labels);
    Tensor fy = f.takeAlong(1, labels).reshape(-1, 1);
    Tensor others = Tensor.oneHot(f.backend(), labels, f.dim(1), f.dtype()).rsub(1.0);
    Tensor violation = f.sub(fy).add(delta).relu().mul(others);
    if (squared) violation = violation.square();
    return violation.sum(1).mean();
  }

  @Override
  public Params init(Rng rng, DType dtype, int d, int c) {
    return Params.of("w", Geometry.xavier(rng, dtype, d, c));
  }
}
