package arcus.losses;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * A fixed simplex classifier head ([W-Softmax], Section 3): the class weights are frozen at the
 * regular simplex {@link Simplex#regular(int)} of C = d + 1 vertices in R^d, the minimum feature
 * dimension for C equally separated classes, and the training logits are f_j = s cos θ_j.
 *
 * <p>Design: the frozen weights are not parameters at all — they are a constant of the head,
 * rebuilt from the feature dimension — so {@link #init} returns an empty tree, optimizers never see
 * them, and there is no "frozen" flag to forget. {@link #params(Tensor)} ignores its argument.
 */
public record SimplexClassifier(double s) implements MarginLoss {
  public SimplexClassifier {
    Check.positive("simplex", "s", s);
  }

  /** The frozen [d, d + 1] weights for features of dimension d. */
  public static Tensor weights(int featureDim, DType dtype) {
    return Simplex.regular(featureDim + 1, dtype);
  }

  @Override
  public Tensor logits(Tensor x, Params p, int[] labels) {
    return scores(x, p).mul(s);
  }

  @Override
  public Tensor scores(Tensor x, Params p) {
    return Geometry.cosine(x, weights(x.dim(1), x.dtype()).to(x.backend())); // built on the host, used where x lives
  }

  @Override
  public Params init(Rng rng, DType dtype, int d, int c) {
    if (d != c - 1) throw new IllegalArgumentException("simplex: the fixed simplex head needs featureDim = classes − 1, got d = " + d + " for C = " + c);
    return Params.empty();
  }

  @Override
  public Params params(Tensor weights) {
    return Params.empty();
  }
}
