package arcus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.DType;
import arcus.core.Fn;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.nn.optim.Adam;
import arcus.nn.optim.Sgd;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** End to end: a small MLP trained with TrainStep on a linearly separable problem. */
class TrainStepProperties {
  /** Points labelled by the side of a random hyperplane through the origin. */
  record Problem(Tensor x, int[] labels) {
    static Problem generate(long seed, int n, int d) {
      Rng rng = new Rng(seed);
      double[] w = rng.normal(DType.F64, 0, 1, d).toDoubleArray();
      double[] x = rng.normal(DType.F64, 0, 1, n, d).toDoubleArray();
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) s += w[j] * x[i * d + j];
        y[i] = s > 0 ? 1 : 0;
      }
      return new Problem(Tensor.of(DType.F32, x, n, d), y);
    }
  }

  static final Head SOFTMAX = (p, f, y) -> Fn.crossEntropy(f.matmul(p.get("w")), y);

  @Property(tries = 3)
  void mlpLossGoesDown(@ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int d) {
    Problem pr = Problem.generate(seed, 64, d);
    Layer mlp = Sequential.of(new Linear(d, 16), new BatchNorm(16), new ReLU(), new Linear(16, 8));
    TrainStep ts = new TrainStep(mlp, SOFTMAX, new Sgd(0.9, false, 0));
    Rng rng = new Rng(seed);
    TrainStep.State s = ts.init(rng, DType.F32, Params.of("w", Init.xavierUniform(rng, DType.F32, 8, 2)));
    double first = Double.NaN, last = Double.NaN;
    for (int i = 0; i < 40; i++) {
      TrainStep.Result r = ts.step(s, pr.x(), pr.labels(), 0.1, rng.split());
      if (i == 0) first = r.loss();
      last = r.loss();
      s = r.state();
    }
    assertTrue(last < 0.5 * first, "loss " + first + " → " + last);
    Tensor f = TrainStep.features(mlp, s.modelParams(), s.modelState(), pr.x(), 24);
    double acc = Fn.accuracy(f.matmul(s.headParams().get("w")), pr.labels());
    assertTrue(acc >= 0.9, "train accuracy " + acc);
  }

  @Test
  void stateCarriesModelAndHeadAndOptimizer() {
    Problem pr = Problem.generate(1, 16, 3);
    Layer mlp = Sequential.of(new Linear(3, 4), new BatchNorm(4));
    TrainStep ts = new TrainStep(mlp, SOFTMAX, Adam.defaults());
    Rng rng = new Rng(2);
    TrainStep.State s = ts.init(rng, DType.F32, Params.of("w", Init.xavierUniform(rng, DType.F32, 4, 2)));
    assertEquals(java.util.List.of("model.0.weight", "model.0.bias", "model.1.gamma", "model.1.beta", "head.w"), s.params().names());
    TrainStep.State next = ts.step(s, pr.x(), pr.labels(), 1e-2, null).state();
    assertEquals(1, next.optState().step());
    assertEquals(s.modelState().names(), next.modelState().names());
    for (Tensor t : next.modelState().tensors()) assertTrue(!t.isTraced());
    // features in batches equal features in one go
    Tensor all = TrainStep.features(mlp, next.modelParams(), next.modelState(), pr.x(), 16);
    Tensor batched = TrainStep.features(mlp, next.modelParams(), next.modelState(), pr.x(), 5);
    assertArrayEquals(all.toFloatArray(), batched.toFloatArray(), 1e-6f);
  }
}
