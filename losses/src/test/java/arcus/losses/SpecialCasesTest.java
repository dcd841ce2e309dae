package arcus.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Fn;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reductions of docs/losses.md: a margin loss with its margin switched off is its base form. */
class SpecialCasesTest {
  static final int N = 7, D = 5, C = 4;
  final Rng rng = new Rng(42);
  final Tensor x = rng.normal(DType.F64, 0, 1.5, N, D);
  final Tensor w = rng.normal(DType.F64, 0, 1, D, C);
  final int[] labels = {0, 1, 2, 3, 1, 2, 0};

  static void assertClose(Tensor expected, Tensor actual, double tol) {
    assertEquals(expected.shape(), actual.shape());
    double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
    for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], tol, "element " + i);
  }

  /** Loss value and gradients w.r.t. features and weights. */
  static List<Tensor> valueAndGrads(MarginLoss loss, Tensor x, Tensor w, int[] labels) {
    var vg = Autodiff.valueAndGrad((List<Tensor> in) -> loss.loss(in.get(0), in.get(1), labels), List.of(x, w));
    return List.of(vg.value(), vg.grad().get(0), vg.grad().get(1));
  }

  static void assertSameLoss(MarginLoss a, MarginLoss b, Tensor x, Tensor w, int[] labels) {
    List<Tensor> ra = valueAndGrads(a, x, w, labels), rb = valueAndGrads(b, x, w, labels);
    for (int i = 0; i < 3; i++) assertClose(ra.get(i), rb.get(i), 1e-9);
  }

  @Test
  void lSoftmaxWithM1AndLambda0IsSoftmax() {
    assertClose(new Softmax().logits(x, w, labels), new LSoftmax(1, 0).logits(x, w, labels), 1e-9);
    assertSameLoss(new Softmax(), new LSoftmax(1, 0), x, w, labels);
  }

  @Test
  void sphereFaceWithM1AndLambda0IsNormalisedWeightSoftmax() {
    Tensor expected = x.matmul(Fn.normalize(w, 0, 1e-12));
    assertClose(expected, new SphereFace(1, 0).logits(x, w, labels), 1e-9);
    assertSameLoss(new SphereFace(1, 0), new WSoftmax(0), x, w, labels);
  }

  @Test
  void arcFaceWithM0IsNormFaceIsCosFaceWithM0() {
    assertSameLoss(new ArcFace(30, 0), new NormFace(30), x, w, labels);
    assertSameLoss(new ArcFace(30, 0, true), new NormFace(30), x, w, labels);
    assertSameLoss(new CosFace(30, 0), new NormFace(30), x, w, labels);
    assertSameLoss(new CombinedMargin(30, 1, 0, 0), new NormFace(30), x, w, labels);
  }

  @Test
  void combinedWithM2IsArcFaceWithoutFallbackWhereCosAboveTh() {
    ArcFace arc = new ArcFace(8, 0.5);
    Tensor cosY = arc.scores(x, w).takeAlong(1, labels);
    int above = 0;
    Tensor a = arc.logits(x, w, labels), b = new CombinedMargin(8, 1, 0.5, 0).logits(x, w, labels);
    for (int i = 0; i < N; i++) {
      if (cosY.get(i) <= arc.th()) continue;
      above++;
      for (int j = 0; j < C; j++) assertEquals(a.get(i, j), b.get(i, j), 1e-9);
    }
    assertTrue(above >= N - 2, "too few samples above th: " + above);
  }

  @Test
  void wSoftmaxWithAlpha0IsSoftmaxOnNormalisedWeights() {
    assertClose(x.matmul(Fn.normalize(w, 0, 1e-12)), new WSoftmax(0).logits(x, w, labels), 1e-9);
  }

  @Test
  void wSoftmaxMatchesThePerSampleDefinition() {
    double alpha = 0.7;
    Tensor f = new WSoftmax(alpha).logits(x, w, labels);
    double[][] wHat = new double[C][D];
    for (int j = 0; j < C; j++) {
      double n = 0;
      for (int k = 0; k < D; k++) n += w.get(k, j) * w.get(k, j);
      for (int k = 0; k < D; k++) wHat[j][k] = w.get(k, j) / Math.sqrt(n);
    }
    for (int i = 0; i < N; i++)
      for (int j = 0; j < C; j++) {
        double[] wt = new double[D];
        double n = 0;
        for (int k = 0; k < D; k++) {
          wt[k] = j == labels[i] ? wHat[j][k] : wHat[j][k] + alpha * wHat[labels[i]][k];
          n += wt[k] * wt[k];
        }
        double dot = 0;
        for (int k = 0; k < D; k++) dot += wt[k] / Math.sqrt(n) * x.get(i, k);
        assertEquals(dot, f.get(i, j), 1e-12);
      }
  }

  @Test
  void emSoftmaxWithK1AndNoHsicIsSoftMarginSoftmax() {
    double m = 0.4;
    Tensor soft = x.matmul(w).sub(Tensor.oneHot(labels, C, DType.F64).mul(m));
    EmSoftmax em = new EmSoftmax(1, m, 0, EmSoftmax.Combine.MEAN);
    Tensor stacked = w.reshape(1, D, C);
    assertClose(Fn.crossEntropy(soft, labels), em.loss(x, stacked, labels), 1e-9);
    assertClose(soft, em.logits(x, stacked, labels), 1e-9);
  }

  @Test
  void hsicMatchesTheTraceDefinition() {
    Tensor a = rng.normal(DType.F64, 0, 1, D, C), b = rng.normal(DType.F64, 0, 1, D, C);
    Tensor h = Tensor.ones(DType.F64, C, C).mul(-1.0 / C).add(eye(C));
    Tensor ka = a.matmul(a, true, false), kb = b.matmul(b, true, false);
    Tensor prod = ka.matmul(h).matmul(kb).matmul(h);
    double trace = 0;
    for (int i = 0; i < C; i++) trace += prod.get(i, i);
    assertEquals(trace / ((C - 1.0) * (C - 1.0)), EmSoftmax.hsic(a, b).item(), 1e-9);
  }

  @Test
  void emSoftmaxCombineAndHsicWeight() {
    Tensor ws = rng.normal(DType.F64, 0, 1, 3, D, C);
    EmSoftmax mean = new EmSoftmax(3, 0.2, 0, EmSoftmax.Combine.MEAN), sum = new EmSoftmax(3, 0.2, 0, EmSoftmax.Combine.SUM);
    assertEquals(3 * mean.loss(x, ws, labels).item(), sum.loss(x, ws, labels).item(), 1e-9);
    Params p = mean.params(ws);
    double hsic = EmSoftmax.hsic(p.get("w0"), p.get("w1")).item() + EmSoftmax.hsic(p.get("w0"), p.get("w2")).item() + EmSoftmax.hsic(p.get("w1"), p.get("w2")).item();
    assertEquals(mean.loss(x, ws, labels).item() + 0.5 * hsic, new EmSoftmax(3, 0.2, 0.5, EmSoftmax.Combine.MEAN).loss(x, ws, labels).item(), 1e-9);
  }

  static Tensor eye(int n) {
    double[] d = new double[n * n];
    for (int i = 0; i < n; i++) d[i * n + i] = 1;
    return Tensor.of(d, n, n);
  }

  @Test
  void centerLossAddsHalfMeanSquaredDistance() {
    CenterLoss cl = new CenterLoss(new Softmax(), 0.25, null);
    Tensor centers = rng.normal(DType.F64, 0, 1, C, D);
    Params p = Params.of("w", w).with(CenterLoss.CENTERS, centers);
    double lc = 0;
    for (int i = 0; i < N; i++)
      for (int k = 0; k < D; k++) lc += 0.5 * Math.pow(x.get(i, k) - centers.get(labels[i], k), 2) / N;
    assertEquals(Fn.crossEntropy(x.matmul(w), labels).item() + 0.25 * lc, cl.loss(x, p, labels).item(), 1e-9);
  }

  @Test
  void centerUpdateFollowsTheMovingAverageRule() {
    Tensor centers = rng.normal(DType.F64, 0, 1, C + 1, D); // class C absent from the batch
    Tensor updated = CenterLoss.updateCenters(centers, x, labels, 0.5);
    for (int j = 0; j <= C; j++)
      for (int k = 0; k < D; k++) {
        double delta = 0;
        int n = 0;
        for (int i = 0; i < N; i++)
          if (labels[i] == j) {
            delta += centers.get(j, k) - x.get(i, k);
            n++;
          }
        delta /= 1 + n;
        assertEquals(centers.get(j, k) - 0.5 * delta, updated.get(j, k), 1e-12);
      }
  }

  @Test
  void movingAverageCentersGetNoGradient() {
    CenterLoss cl = new CenterLoss(new Softmax(), 1, 0.5);
    Params p = cl.init(rng, DType.F64, D, C).with(CenterLoss.CENTERS, rng.normal(DType.F64, 0, 1, C, D));
    Params g = Autodiff.grad(q -> cl.loss(x, q, labels), p);
    for (double v : g.get(CenterLoss.CENTERS).toDoubleArray()) assertEquals(0, v);
  }

  @Test
  void lambdaSchedulePresets() {
    assertEquals(1000, LambdaSchedule.LSOFTMAX.lambda(0), 1e-12);
    assertEquals(1000 * Math.pow(1 + 2.5e-5 * 1000, -35), LambdaSchedule.LSOFTMAX.lambda(1000), 1e-9);
    assertEquals(5, LambdaSchedule.SPHEREFACE.lambda(1_000_000), 1e-12);
    assertEquals(1000 / (1 + 0.12 * 10), LambdaSchedule.SPHEREFACE.lambda(10), 1e-9);
    assertEquals(3.0, new LSoftmax(4, 0).withLambda(3.0).lambda());
  }

  @Test
  void lambdaBlendsTowardsTheUnmarginedLogit() {
    // λ → ∞ recovers plain softmax
    assertClose(new Softmax().logits(x, w, labels), new LSoftmax(4, 1e12).logits(x, w, labels), 1e-9);
  }

  @Test
  void predictionIsTheArgmaxOfCosineForTheNormalisedFamily() {
    int[] byCos = Geometry.cosine(x, w).argmax(1);
    for (MarginLoss l : List.of(new NormFace(10), new CosFace(10, 0.3), new ArcFace(10, 0.5), new SphereFace(4, 0), new WSoftmax(1), new PureAngular(30, 0.3), new CombinedMargin(10, 1, 0.3, 0.2)))
      assertEquals(java.util.Arrays.toString(byCos), java.util.Arrays.toString(l.predict(x, w)), l.toString());
    int[] byDot = x.matmul(w).argmax(1);
    for (MarginLoss l : List.of(new Softmax(), new LSoftmax(4, 0), new Hinge(), new L2Softmax(10, false)))
      assertEquals(java.util.Arrays.toString(byDot), java.util.Arrays.toString(l.predict(x, w)), l.toString());
  }

  @Test
  void factoryRejectsUnknownNamesAndParameters() {
    var e = assertThrows(IllegalArgumentException.class, () -> Losses.create("arcfce", Map.of()));
    assertTrue(e.getMessage().contains("arcfce") && e.getMessage().contains("arcface"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Losses.create("arcface", Map.of("margin", 0.5)));
    assertTrue(e.getMessage().contains("margin") && e.getMessage().contains("easy_margin"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Losses.create("lsoftmax", Map.of("m", 1.5)));
    assertTrue(e.getMessage().contains("m"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Losses.create("center", Map.of("base", "cosface", "alpha", 1)));
    assertTrue(e.getMessage().contains("alpha"), e.getMessage());
    assertEquals(new ArcFace(64, 0.5, true), Losses.create("arcface", Map.of("easy_margin", true)));
    assertEquals(new CenterLoss(new CosFace(30, 0.2), 0.01, 0.5), Losses.create("center", Map.of("base", "cosface", "m", 0.2, "center_weight", 0.01, "center_alpha", 0.5)));
    Softmax sm = (Softmax) Losses.create("softmax", Map.of("bias", List.of(1, 2, 3, 4)));
    assertClose(Tensor.of(new double[] {1, 2, 3, 4}, 4), sm.params(w).get("b"), 0);
  }
}
