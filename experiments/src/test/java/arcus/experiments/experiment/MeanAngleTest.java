package arcus.experiments.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Tensor;
import arcus.losses.Losses;
import arcus.losses.Simplex;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeanAngleTest {
  /** w_0 = e1, w_1 = e2 (columns of a 2×2 identity, scaled to show norms do not matter). */
  private static final double[][] W = {{3, 0}, {0, 0.5}};

  @Test
  void pairwiseCosinesOfTheRegularSimplexAreAllMinusOneOverKMinusOne() {
    for (int k : new int[] {3, 5, 10}) {
      double[][] w = MeanAngle.rows(Simplex.regular(k).toDoubleArray(), k - 1, k);
      assertEquals(-1.0 / (k - 1), MeanAngle.meanPairwiseCosine(w), 1e-12);
      assertEquals(-1.0 / (k - 1), SphereCode.maxCosine(w), 1e-12);
    }
    // two equal columns and an opposite one: cosines 1, -1, -1
    assertEquals(-1.0 / 3, MeanAngle.meanPairwiseCosine(new double[][] {{1, 2, -1}, {0, 0, 0}}), 1e-15);
  }

  @Test
  void knownAnglesPerClass() {
    double s = Math.sqrt(0.5);
    double[][] x = {
      {2, 0},          // class 0, 0°
      {s, s},          // class 0, 45°
      {0, -7},         // class 0, 90°
      {-1, 0},         // class 1, 90°
      {Math.cos(Math.toRadians(60)), Math.sin(Math.toRadians(60))}, // class 1, 30°
    };
    int[] y = {0, 0, 0, 1, 1};
    double[] a = MeanAngle.perClassDegrees(x, y, W);
    assertEquals(45.0, a[0], 1e-9);
    assertEquals(60.0, a[1], 1e-9);
    assertEquals(52.5, MeanAngle.average(a), 1e-9);
  }

  @Test
  void classWithoutSamplesIsNaNAndLeftOutOfTheAverage() {
    double[] a = MeanAngle.perClassDegrees(new double[][] {{-1, 0}}, new int[] {0}, W);
    assertEquals(180.0, a[0], 1e-9);
    assertTrue(Double.isNaN(a[1]));
    assertEquals(180.0, MeanAngle.average(a), 1e-9);
  }

  @Test
  void zeroFeatureCountsAsNinetyDegrees() {
    assertEquals(90.0, MeanAngle.perClassDegrees(new double[][] {{0, 0}}, new int[] {1}, W)[1], 1e-9);
  }

  @Test
  void classWeightsOfEachHeadKind() {
    // single classifier: "w"
    var soft = Losses.create("softmax", Map.of());
    Tensor w = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    double[][] got = MeanAngle.classWeights(soft, Params.of("w", w), 2, 3);
    assertEquals(6.0, got[1][2]);
    assertEquals(2.0, got[0][1]);
    // EM-Softmax: the sum of its classifiers
    var em = Losses.create("emsoftmax", Map.of("K", 2));
    Tensor w1 = Tensor.of(new double[] {10, 10, 10, 10, 10, 10}, 2, 3);
    Params two = Params.of(List.of("w0", "w1"), List.of(w, w1));
    assertEquals(16.0, MeanAngle.classWeights(em, two, 2, 3)[1][2], 1e-12);
    // fixed simplex head: the simplex columns, whatever the (empty) params
    var sx = Losses.create("simplex", Map.of());
    double[][] s = MeanAngle.classWeights(sx, Params.empty(), 2, 3);
    double[] ref = Simplex.regular(3, DType.F64).toDoubleArray();
    for (int r = 0; r < 2; r++) for (int c = 0; c < 3; c++) assertEquals(ref[r * 3 + c], s[r][c], 1e-12);
  }

  @Test
  void simplexFeaturesOnTheirVerticesHaveZeroAngle() {
    double[][] w = MeanAngle.classWeights(Losses.create("simplex", Map.of()), Params.empty(), 2, 3);
    double[][] x = {{w[0][0], w[1][0]}, {2 * w[0][1], 2 * w[1][1]}, {w[0][2], w[1][2]}};
    double[] a = MeanAngle.perClassDegrees(x, new int[] {0, 1, 2}, w);
    for (double v : a) assertEquals(0.0, v, 1e-4);
    // and a feature on the vertex of another class is at the simplex angle arccos(-1/2) = 120°
    assertEquals(120.0, MeanAngle.perClassDegrees(new double[][] {x[0]}, new int[] {1}, w)[1], 1e-4);
  }
}
