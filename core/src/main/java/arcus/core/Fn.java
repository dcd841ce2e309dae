package arcus.core;

/**
 * Composite functions built from the primitives (so their gradients come from the engine):
 * the softmax family, cross-entropy with the log-sum-exp shift, L2 normalisation, cosine.
 */
public final class Fn {
  private Fn() {}

  public static Tensor softmax(Tensor x, int axis) {
    Tensor m = Autodiff.stopGradient(x.max(axis, true));
    Tensor e = x.sub(m).exp();
    return e.div(e.sum(axis, true));
  }

  public static Tensor logSoftmax(Tensor x, int axis) {
    return x.sub(x.logSumExp(axis, true));
  }

  /**
   * Mean cross-entropy of logits [N, C] against integer labels: (1/N) Σ −f_y + log Σ exp f_j.
   */
  public static Tensor crossEntropy(Tensor logits, int[] labels) {
    checkLabels("crossEntropy", logits, labels);
    Tensor lse = logits.logSumExp(1, false);
    Tensor target = logits.takeAlong(1, labels);
    return lse.sub(target).mean();
  }

  public static void checkLabels(String op, Tensor logits, int[] labels) {
    if (logits.rank() != 2) throw new IllegalArgumentException(op + ": logits must be [N, C], got " + logits.shape());
    if (labels.length != logits.dim(0))
      throw new IllegalArgumentException(op + ": " + labels.length + " labels for " + logits.dim(0) + " rows of logits " + logits.shape());
    int c = logits.dim(1);
    for (int i = 0; i < labels.length; i++)
      if (labels[i] < 0 || labels[i] >= c) throw new IllegalArgumentException(op + ": label " + labels[i] + " at position " + i + " is out of range [0, " + c + ")");
  }

  /** Euclidean norm along an axis, guarded by ε so the gradient at zero is finite. */
  public static Tensor norm(Tensor x, int axis, boolean keepDims, double eps) {
    return x.square().sum(axis, keepDims).add(eps * eps).sqrt();
  }

  /** x / ‖x‖ along an axis (ε-guarded). */
  public static Tensor normalize(Tensor x, int axis, double eps) {
    return x.div(norm(x, axis, true, eps));
  }

  /** cos θ between rows of x [N, d] and columns of w [d, C]: shape [N, C]. */
  public static Tensor cosine(Tensor x, Tensor w, double eps) {
    return normalize(x, 1, eps).matmul(normalize(w, 0, eps));
  }

  /** Fraction of rows whose argmax equals the label. */
  public static double accuracy(Tensor scores, int[] labels) {
    int[] p = scores.argmax(1);
    int ok = 0;
    for (int i = 0; i < p.length; i++) if (p[i] == labels[i]) ok++;
    return p.length == 0 ? 0 : (double) ok / p.length;
  }
}
