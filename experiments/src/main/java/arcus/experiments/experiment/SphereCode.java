package arcus.experiments.experiment;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Fn;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * k unit vectors in R^d whose largest pairwise cosine is as small as possible (a spherical code),
 * found by gradient descent with Arcus's autodiff in float64 — the optimisation side of the
 * minimum-FC-units theorem of [W-Softmax] (docs/losses.md): the best value is −1/(k−1), the
 * regular simplex, exactly when d ≥ k − 1.
 *
 * <p>The max is smoothed as (1/β) log Σ_{i<j} exp(β cos_ij), which is never below the max and
 * at most (1/β) log(k(k−1)/2) above it. The sharpness β rises geometrically over the steps (the
 * temperature 1/β falls), so the early steps move every pair and the late ones the largest; the
 * step size is {@code lr / β}, since the curvature of the smooth max grows like β. The cosines are
 * taken of the normalised columns, so the gradient is tangent to the sphere, and the columns are
 * put back on the sphere after every step. For d ≥ k − 1 the simplex minimises the smooth max at
 * every β (Jensen: it is ≥ the mean cosine + (1/β) log #pairs, and both bounds are tight only when
 * all cosines are equal and the vectors sum to zero), so the descent can end on the bound itself.
 *
 * @param steps gradient steps per start
 * @param beta0 sharpness at the first step
 * @param beta1 sharpness at the last step
 * @param lr step size times β
 */
record SphereCode(int steps, double beta0, double beta1, double lr) {
  /**
   * The settings of {@code arcus experiment simplex}: 3000 steps, β from 1 to 10⁴, lr 0.5. Chosen
   * on k = 5 and 10, d = k − 3..k, five starts each: every start ends within 1e-14 of −1/(k−1) for
   * d ≥ k − 1 and within 1e-4 of the known optimum 0 below; starting at β = 10 left some k = 10
   * starts 0.01–0.08 above the bound, and lr 0.2 most of them.
   */
  static final SphereCode DEFAULT = new SphereCode(3000, 1, 1e4, 0.5);

  SphereCode {
    if (steps < 1) throw new IllegalArgumentException("sphere code: steps must be >= 1, got " + steps);
    if (!(beta0 > 0) || !(beta1 >= beta0)) throw new IllegalArgumentException("sphere code: need 0 < beta0 <= beta1, got " + beta0 + ", " + beta1);
    if (!(lr > 0)) throw new IllegalArgumentException("sphere code: lr must be > 0, got " + lr);
  }

  /**
   * The columns of one descent from a Gaussian start drawn with {@code seed}, as d rows of k
   * values. In R^1 the unit sphere is the two points ±1, where a gradient cannot move: the k
   * vectors are split as evenly as possible between them instead (the best split).
   */
  double[][] minimise(int k, int d, long seed) {
    if (k < 2 || d < 1) throw new IllegalArgumentException("sphere code: need k >= 2 vectors in d >= 1 dimensions, got k = " + k + ", d = " + d);
    if (d == 1) {
      double[][] v = new double[1][k];
      for (int j = 0; j < k; j++) v[0][j] = j % 2 == 0 ? 1 : -1;
      return v;
    }
    double[] pairs = new double[k * k], others = new double[k * k];
    for (int i = 0; i < k; i++)
      for (int j = 0; j < k; j++) {
        pairs[i * k + j] = i < j ? 1 : 0;
        others[i * k + j] = i < j ? 0 : -1e4; // exp(β (−10⁴)) = 0: the diagonal and each pair's mirror drop out
      }
    Tensor mask = Tensor.of(pairs, k, k), off = Tensor.of(others, k, k);
    Tensor v = Fn.normalize(new Rng(seed).normal(DType.F64, 0, 1, d, k), 0, 1e-12);
    for (int step = 0; step < steps; step++) {
      double beta = steps == 1 ? beta0 : beta0 * Math.pow(beta1 / beta0, (double) step / (steps - 1));
      Tensor g = Autodiff.grad((Tensor x) -> smoothMax(x, mask, off, beta), v);
      v = Fn.normalize(v.sub(g.mul(lr / beta)), 0, 1e-12);
    }
    return MeanAngle.rows(v.toDoubleArray(), d, k);
  }

  /** (1/β) log Σ_{i<j} exp(β cos_ij) of the columns of x [d, k]. */
  private static Tensor smoothMax(Tensor x, Tensor mask, Tensor off, double beta) {
    Tensor u = Fn.normalize(x, 0, 1e-12);
    Tensor cos = u.matmul(u, true, false).mul(mask).add(off);
    int k = x.dim(1);
    return cos.mul(beta).reshape(1, k * k).logSumExp(1, false).div(beta).sum();
  }

  /** The largest cosine between two of the k columns of w (d rows of k values). */
  static double maxCosine(double[][] w) {
    return java.util.Arrays.stream(MeanAngle.pairwiseCosines(w)).max().orElse(Double.NaN);
  }

  /** The theorem's bound −1/(k−1) on the largest pairwise cosine of k unit vectors. */
  static double bound(int k) {
    return -1.0 / (k - 1);
  }

  /**
   * The optimum where it is known, else NaN: −1/(k−1) for d ≥ k − 1 (the simplex); in R^1, −1
   * for two vectors and 1 beyond (two must coincide); in R^2 the regular k-gon, cos(2π/k); and 0
   * for k − 1 > d ≥ k/2 (Rankin: at most d + 1 vectors in R^d have pairwise negative cosines, and
   * k ≤ 2d of the ±e_i reach 0).
   */
  static double knownOptimum(int k, int d) {
    if (d >= k - 1) return bound(k);
    if (d == 1) return 1;
    if (d == 2) return Math.cos(2 * Math.PI / k);
    if (k <= 2 * d) return 0;
    return Double.NaN;
  }
}
