package arcus.losses;

import arcus.core.DType;
import arcus.core.Tensor;

/**
 * The regular simplex of [W-Softmax] (Section 3, Eq. 3; docs/losses.md): k unit vectors in R^{k−1} with pairwise
 * inner products −1/(k−1), the largest equal angle k vectors can have. Their Gram matrix
 * (k/(k−1)) I − (1/(k−1)) 11ᵀ has rank k−1, so no such vectors exist in fewer than k−1 dimensions:
 * a classifier over k classes needs at least k−1 feature units.
 *
 * <p>Construction by induction: W_2 = [1, −1] in R^1, and
 * W_{k+1} = [[√(1 − 1/k²)·W_k, 0], [−1/k·1ᵀ, 1]] — scale the k old vectors, give them the new
 * last coordinate −1/k, and add the new vector e_k.
 */
public final class Simplex {
  private Simplex() {}

  /** The [k−1, k] float64 tensor whose columns are the k simplex vertices, k ≥ 2. */
  public static Tensor regular(int k) {
    return Tensor.of(matrix(k), k - 1, k);
  }

  public static Tensor regular(int k, DType dtype) {
    return Tensor.of(dtype, matrix(k), k - 1, k);
  }

  /** Row-major [k−1, k] values of W_k. */
  static double[] matrix(int k) {
    if (k < 2) throw new IllegalArgumentException("simplex: need k ≥ 2 classes, got " + k);
    double[][] w = {{1, -1}}; // W_2
    for (int n = 2; n < k; n++) { // W_n [n−1, n] → W_{n+1} [n, n+1]
      double scale = Math.sqrt(1 - 1.0 / ((double) n * n));
      double[][] next = new double[n][n + 1];
      for (int r = 0; r < n - 1; r++)
        for (int c = 0; c < n; c++) next[r][c] = scale * w[r][c];
      for (int c = 0; c < n; c++) next[n - 1][c] = -1.0 / n;
      next[n - 1][n] = 1;
      w = next;
    }
    double[] flat = new double[(k - 1) * k];
    for (int r = 0; r < k - 1; r++) System.arraycopy(w[r], 0, flat, r * k, k);
    return flat;
  }
}
