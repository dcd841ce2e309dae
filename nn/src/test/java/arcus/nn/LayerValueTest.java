package arcus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import org.junit.jupiter.api.Test;

/** Layers on hand-computed values. */
class LayerValueTest {
  @Test
  void linearOnHandValues() {
    Linear l = new Linear(2, 3, true);
    Params p = Params.of("weight", Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3)).with("bias", Tensor.of(new double[] {0.5, -1, 0}, 3));
    Tensor y = l.forward(p, Tensor.of(new double[] {1, -1, 2, 0.5}, 2, 2));
    // row 1: (1·1 − 1·4, 1·2 − 1·5, 1·3 − 1·6) + b; row 2: (2 + 2, 4 + 2.5, 6 + 3) + b
    Checks.close(new double[] {-2.5, -4, -3, 4.5, 5.5, 9}, y, 1e-12);
  }

  @Test
  void linearNamesTheShapeProblem() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Linear(784, 256).forward(new Linear(784, 256).init(new Rng(1), DType.F32), Tensor.zeros(DType.F32, 32, 100)));
    assertEquals("Linear(784→256): input has 100 features, expected 784, shape [32, 100]", e.getMessage());
  }

  @Test
  void conv2dAgainstHandComputation() {
    // one 3×3 input, one 2×2 filter, stride 1, no padding, bias 1
    Conv2d c = new Conv2d(1, 1, 2, 1, 0, true);
    Params p = Params.of("weight", Tensor.of(new double[] {1, 0, -1, 2}, 1, 1, 2, 2)).with("bias", Tensor.of(new double[] {1}, 1));
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    Tensor y = c.forward(p, x);
    assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape().dims());
    // y[i][j] = x[i][j] − x[i+1][j] + 2·x[i+1][j+1] + 1
    Checks.close(new double[] {1 - 4 + 10 + 1, 2 - 5 + 12 + 1, 4 - 7 + 16 + 1, 5 - 8 + 18 + 1}, y, 1e-12);
  }

  @Test
  void conv2dPaddingAndStrideShapes() {
    Conv2d c = new Conv2d(2, 3, 3, 2, 1, false);
    Tensor y = c.forward(c.init(new Rng(3), DType.F64), Checks.randn(4, 2, 2, 5, 5));
    assertArrayEquals(new int[] {2, 3, 3, 3}, y.shape().dims());
  }

  @Test
  void batchNormTrainNormalisesPerChannel() {
    BatchNorm bn = new BatchNorm(3);
    Tensor x = new Rng(5).normal(DType.F64, 4, 3, 8, 3, 2, 2);
    Output o = bn.apply(bn.init(new Rng(1), DType.F64), bn.initState(DType.F64), x, Mode.TRAIN, null);
    Tensor mean = o.y().mean(new int[] {0, 2, 3}, false);
    Tensor var = o.y().square().mean(new int[] {0, 2, 3}, false);
    Checks.close(new double[] {0, 0, 0}, mean, 1e-10);
    // biased variance of the output is var/(var+eps)
    Checks.close(new double[] {1, 1, 1}, var, 1e-5);
  }

  @Test
  void batchNormRunningStatsMoveByMomentumWithUnbiasedVariance() {
    BatchNorm bn = new BatchNorm(1, 1e-5, 0.1);
    Tensor x = Tensor.of(new double[] {1, 2, 3, 6}, 4, 1);
    Output o = bn.apply(bn.init(new Rng(1), DType.F64), bn.initState(DType.F64), x, Mode.TRAIN, null);
    // batch mean 3, biased var 3.5, unbiased 14/3
    Checks.close(new double[] {0.9 * 0 + 0.1 * 3}, o.state().get("runningMean"), 1e-12);
    Checks.close(new double[] {0.9 * 1 + 0.1 * 14.0 / 3}, o.state().get("runningVar"), 1e-12);
    Checks.close(new double[] {(1 - 3) / Math.sqrt(3.5 + 1e-5)}, o.y().slice(0, 0, 1).reshape(1), 1e-12);
    // a second step moves from the first step's statistics
    Output o2 = bn.apply(bn.init(new Rng(1), DType.F64), o.state(), x, Mode.TRAIN, null);
    Checks.close(new double[] {0.9 * 0.3 + 0.1 * 3}, o2.state().get("runningMean"), 1e-12);
  }

  @Test
  void batchNormEvalUsesRunningStats() {
    BatchNorm bn = new BatchNorm(2);
    Params p = Params.of("gamma", Tensor.of(new double[] {2, 1}, 2)).with("beta", Tensor.of(new double[] {0, 1}, 2));
    Params s = Params.of("runningMean", Tensor.of(new double[] {1, -1}, 2)).with("runningVar", Tensor.of(new double[] {4, 1}, 2));
    Output o = bn.apply(p, s, Tensor.of(new double[] {3, 0}, 1, 2), Mode.EVAL, null);
    Checks.close(new double[] {2 * (3 - 1) / Math.sqrt(4 + 1e-5), (0 + 1) / Math.sqrt(1 + 1e-5) + 1}, o.y(), 1e-12);
    assertEquals(s, o.state(), "EVAL leaves the state unchanged");
  }

  @Test
  void batchNormStateIsDetachedInsideDifferentiation() {
    BatchNorm bn = new BatchNorm(2);
    Params p = bn.init(new Rng(1), DType.F64);
    Tensor x = Checks.randn(2, 3, 2);
    var r = Autodiff.valueAndGradAux(q -> {
      Output o = bn.apply(q, bn.initState(DType.F64), x, Mode.TRAIN, null);
      return new Autodiff.WithAux<>(o.y().square().sum(), o.state());
    }, p);
    for (Tensor t : r.aux().tensors()) assertFalse(t.isTraced());
  }

  @Test
  void statefulLayerRefusesStatelessForward() {
    BatchNorm bn = new BatchNorm(2);
    assertThrows(IllegalStateException.class, () -> bn.forward(bn.init(new Rng(1), DType.F64), Checks.randn(1, 2, 2)));
  }

  @Test
  void preluNegativeSideAndSlopeGradient() {
    PReLU pr = new PReLU(2);
    Params p = Params.of("slope", Tensor.of(new double[] {0.25, 0.5}, 2));
    Tensor x = Tensor.of(new double[] {-2, 3, 4, -1}, 2, 2);
    Checks.close(new double[] {-0.5, 3, 4, -0.5}, pr.forward(p, x), 1e-12);
    // d(sum y)/d a_c = sum of the negative inputs of channel c
    Params g = Autodiff.grad(q -> pr.forward(q, x).sum(), p);
    Checks.close(new double[] {-2, -1}, g.get("slope"), 1e-12);
  }

  @Test
  void maxPoolCeilModeGoesTwentyEightFourteenSevenFour() {
    MaxPool2d pool = new MaxPool2d(2, 2, true);
    Tensor x = Tensor.zeros(DType.F32, 1, 1, 28, 28);
    int[] sides = new int[3];
    for (int i = 0; i < 3; i++) {
      x = pool.forward(Params.empty(), x);
      sides[i] = x.dim(2);
    }
    assertArrayEquals(new int[] {14, 7, 4}, sides);
    assertEquals(3, new MaxPool2d(2, 2, false).forward(Params.empty(), Tensor.zeros(DType.F32, 1, 1, 7, 7)).dim(2));
  }

  @Test
  void maxPoolCeilModeLastWindowSeesOnlyTheEdge() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    Checks.close(new double[] {5, 6, 8, 9}, new MaxPool2d(2, 2, true).forward(Params.empty(), x), 0);
  }

  @Test
  void globalAvgPoolAndFlatten() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
    Checks.close(new double[] {2.5, 25}, new GlobalAvgPool().forward(Params.empty(), x), 1e-12);
    assertArrayEquals(new int[] {1, 8}, new Flatten().forward(Params.empty(), x).shape().dims());
  }

  @Test
  void dropoutIsDeterministicPerSeedAndIdentityInEval() {
    Dropout d = new Dropout(0.5);
    Tensor x = Tensor.ones(DType.F64, 4, 50);
    Tensor a = d.apply(Params.empty(), Params.empty(), x, Mode.TRAIN, new Rng(9)).y();
    Tensor b = d.apply(Params.empty(), Params.empty(), x, Mode.TRAIN, new Rng(9)).y();
    Tensor c = d.apply(Params.empty(), Params.empty(), x, Mode.TRAIN, new Rng(10)).y();
    assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
    assertFalse(java.util.Arrays.equals(a.toDoubleArray(), c.toDoubleArray()));
    for (double v : a.toDoubleArray()) assertTrue(v == 0 || v == 2, "kept values are scaled by 1/(1-p): " + v);
    assertEquals(x, d.apply(Params.empty(), Params.empty(), x, Mode.EVAL, null).y());
  }

  @Test
  void dropoutGradientIsTheScaledMask() {
    Dropout d = new Dropout(0.25);
    Tensor x = Checks.randn(1, 3, 7);
    Tensor y = d.apply(Params.empty(), Params.empty(), x, Mode.TRAIN, new Rng(4)).y();
    Tensor g = Autodiff.grad(t -> d.apply(Params.empty(), Params.empty(), t, Mode.TRAIN, new Rng(4)).y().sum(), x);
    double[] yv = y.toDoubleArray(), gv = g.toDoubleArray(), xv = x.toDoubleArray();
    for (int i = 0; i < gv.length; i++) assertEquals(yv[i] == 0 ? 0 : 1 / 0.75, gv[i], 1e-12);
    for (int i = 0; i < gv.length; i++) assertEquals(xv[i] * gv[i], yv[i], 1e-12);
  }

  @Test
  void sequentialPrefixesChildrenAndThreadsState() {
    Sequential s = Sequential.of(new Linear(3, 4), new BatchNorm(4), new ReLU(), new Linear(4, 2, false));
    Params p = s.init(new Rng(1), DType.F64);
    assertEquals(java.util.List.of("0.weight", "0.bias", "1.gamma", "1.beta", "3.weight"), p.names());
    assertEquals(java.util.List.of("1.runningMean", "1.runningVar"), s.initState(DType.F64).names());
    Output o = s.apply(p, s.initState(DType.F64), Checks.randn(2, 5, 3), Mode.TRAIN, new Rng(3));
    assertArrayEquals(new int[] {5, 2}, o.y().shape().dims());
    assertNotEquals(s.initState(DType.F64).get("1.runningMean").toDoubleArray()[0], o.state().get("1.runningMean").toDoubleArray()[0]);
  }

  @Test
  void sequentialErrorNamesTheChild() {
    Sequential s = Sequential.builder().add("fc", new Linear(3, 4)).build();
    var e = assertThrows(IllegalArgumentException.class, () -> s.forward(s.init(new Rng(1), DType.F64), Checks.randn(1, 2, 5)));
    assertTrue(e.getMessage().startsWith("layer 'fc': Linear(3→4)"), e.getMessage());
  }

  @Test
  void initialisersUseTheRightFans() {
    assertEquals(new Init.Fans(3 * 9, 8 * 9), Init.fans(8, 3, 3, 3));
    assertEquals(new Init.Fans(784, 256), Init.fans(784, 256));
    double[] w = Init.heNormal(new Rng(1), DType.F64, 64, 32, 3, 3).toDoubleArray();
    double ss = 0;
    for (double v : w) ss += v * v;
    assertEquals(2.0 / (32 * 9), ss / w.length, 0.1 * 2.0 / (32 * 9));
    double bound = Math.sqrt(6.0 / (20 + 30));
    for (double v : Init.xavierUniform(new Rng(2), DType.F64, 20, 30).toDoubleArray()) assertTrue(Math.abs(v) <= bound);
    assertArrayEquals(Init.heUniform(new Rng(4), DType.F64, 5, 6).toDoubleArray(), Init.heUniform(new Rng(4), DType.F64, 5, 6).toDoubleArray());
    Checks.close(new double[] {0.25, 0.25}, Init.constant(DType.F64, 0.25, 2), 0);
  }
}
