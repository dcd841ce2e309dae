package arcus.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Fn;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The minimum-FC-units theorem of [W-Softmax], Section 3 (docs/losses.md), both directions. */
class SimplexProperties {
  static final double TOL = 1e-12;

  static double[][] gram(Tensor w) {
    int k = w.dim(1), d = w.dim(0);
    double[] a = w.toDoubleArray(); // Tensor.get per element would copy; read once
    double[][] g = new double[k][k];
    for (int i = 0; i < k; i++)
      for (int j = 0; j < k; j++) {
        double s = 0;
        for (int r = 0; r < d; r++) s += a[r * k + i] * a[r * k + j];
        g[i][j] = s;
      }
    return g;
  }

  @Property(tries = 40)
  void unitNormsEqualInnerProductsZeroSum(@ForAll @IntRange(min = 2, max = 64) int k) {
    Tensor w = Simplex.regular(k);
    assertEquals(Arrays.toString(new int[] {k - 1, k}), Arrays.toString(w.shape().dims()));
    assertEquals(DType.F64, w.dtype());
    double[][] g = gram(w);
    for (int i = 0; i < k; i++)
      for (int j = 0; j < k; j++) assertEquals(i == j ? 1 : -1.0 / (k - 1), g[i][j], TOL, "G[" + i + "][" + j + "]");
    double[] a = w.toDoubleArray();
    for (int r = 0; r < k - 1; r++) {
      double s = 0;
      for (int j = 0; j < k; j++) s += a[r * k + j];
      assertEquals(0, s, TOL, "row " + r + " of the column sum");
    }
  }

  @Property(tries = 20)
  void gramEigenvaluesAndRank(@ForAll @IntRange(min = 2, max = 64) int k) {
    double[] ev = Jacobi.eigenvalues(gram(Simplex.regular(k)));
    Arrays.sort(ev);
    assertEquals(0, ev[0], 1e-9, "one zero eigenvalue");
    for (int i = 1; i < k; i++) assertEquals(k / (k - 1.0), ev[i], 1e-9, "eigenvalue " + i);
    int rank = 0;
    for (double e : ev) if (Math.abs(e) > 1e-9) rank++;
    assertEquals(k - 1, rank);
  }

  @Property(tries = 20)
  void invariantUnderRotations(@ForAll @IntRange(min = 2, max = 64) int k, @ForAll long seed) {
    int d = k - 1;
    Tensor q = randomOrthogonal(d, new Rng(seed));
    Tensor rotated = q.matmul(Simplex.regular(k));
    double[][] g = gram(rotated);
    for (int i = 0; i < k; i++)
      for (int j = 0; j < k; j++) assertEquals(i == j ? 1 : -1.0 / (k - 1), g[i][j], 1e-10);
    double[] a = rotated.toDoubleArray();
    for (int r = 0; r < d; r++) {
      double s = 0;
      for (int j = 0; j < k; j++) s += a[r * k + j];
      assertEquals(0, s, 1e-10);
    }
  }

  /** Gram–Schmidt on a Gaussian matrix: a random orthogonal [n, n]. */
  static Tensor randomOrthogonal(int n, Rng rng) {
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) v[i][j] = rng.nextGaussian();
      for (int p = 0; p < i; p++) {
        double dot = 0;
        for (int j = 0; j < n; j++) dot += v[i][j] * v[p][j];
        for (int j = 0; j < n; j++) v[i][j] -= dot * v[p][j];
      }
      double norm = 0;
      for (int j = 0; j < n; j++) norm += v[i][j] * v[i][j];
      for (int j = 0; j < n; j++) v[i][j] /= Math.sqrt(norm);
    }
    double[] flat = new double[n * n];
    for (int i = 0; i < n; i++) System.arraycopy(v[i], 0, flat, i * n, n);
    return Tensor.of(flat, n, n);
  }

  // ------------------------------------------------------------------ the impossibility side

  /** Largest pairwise cosine of the columns of v [d, k]. */
  static double maxCos(Tensor v) {
    Tensor u = Fn.normalize(v, 0, 1e-12);
    double[][] g = gram(u);
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < g.length; i++)
      for (int j = i + 1; j < g.length; j++) m = Math.max(m, g[i][j]);
    return m;
  }

  /**
   * Gradient descent on k vectors in R^d, normalised inside the objective, minimising the smooth
   * maximum τ·log Σ_{i<j} exp(cos_ij / τ) of the pairwise cosines; two restarts, the best kept.
   */
  static double optimise(int k, int d, long seed) {
    double best = Double.POSITIVE_INFINITY;
    double[] pairMask = new double[k * k];
    for (int i = 0; i < k; i++)
      for (int j = i + 1; j < k; j++) pairMask[i * k + j] = 1;
    Tensor upper = Tensor.of(pairMask, k, k);
    Tensor lower = upper.rsub(1.0).mul(-1e4); // exp(−1e4/τ) = 0: only the pairs i < j count
    Rng rng = new Rng(seed);
    double tau = 0.05, lr = 0.02; // lr · (curvature ≈ 1/τ) well below 2: stable descent
    for (int restart = 0; restart < 2; restart++) {
      Tensor v = rng.normal(DType.F64, 0, 1, d, k);
      for (int step = 0; step < 800; step++) {
        Tensor g = Autodiff.grad((Tensor x) -> {
          Tensor u = Fn.normalize(x, 0, 1e-12);
          Tensor cos = u.matmul(u, true, false).mul(upper).add(lower);
          return cos.div(tau).reshape(1, k * k).logSumExp(1, false).mul(tau).sum();
        }, v);
        v = Fn.normalize(v.sub(g.mul(lr)), 0, 1e-12); // unit columns, so the step size means the same thing throughout
      }
      best = Math.min(best, maxCos(v));
    }
    return best;
  }

  @Test
  void kUnitVectorsReachTheSimplexBoundOnlyInKMinus1Dimensions() {
    for (int k = 3; k <= 6; k++) {
      double bound = -1.0 / (k - 1);
      double enough = optimise(k, k - 1, 17 + k);
      assertEquals(bound, enough, 1e-3, "k = " + k + ", d = k − 1 should reach −1/(k−1)");
      double tooFew = optimise(k, k - 2, 31 + k);
      assertTrue(tooFew > bound + 1e-3, "k = " + k + ", d = k − 2 reached " + tooFew + ", at or below the bound " + bound);
      assertTrue(enough >= bound - 1e-9, "no configuration beats the bound");
    }
  }

  @Test
  void fixedSimplexHeadHasNoTrainableWeights() {
    SimplexClassifier head = new SimplexClassifier(10);
    Params p = head.init(new Rng(1), DType.F64, 4, 5);
    assertEquals(0, p.size());
    Tensor x = new Rng(2).normal(DType.F64, 0, 1, 3, 4);
    Tensor cos = head.scores(x, p);
    Tensor expected = Fn.cosine(x, Simplex.regular(5), 1e-12);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 5; j++) assertEquals(expected.get(i, j), cos.get(i, j), 1e-12);
    // a feature along vertex j is classified j
    Tensor vertices = Simplex.regular(5).transpose();
    assertEquals("[0, 1, 2, 3, 4]", Arrays.toString(head.predict(vertices, p)));
  }
}
