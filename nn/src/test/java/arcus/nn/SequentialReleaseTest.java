package arcus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import arcus.core.DType;
import arcus.core.Fn;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.nn.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sequential hands an activation passed between two of the library's layers back for reuse once
 * the graph no longer needs it ({@code Autodiff.releaseConsumed}). The tests run with
 * {@code -Darcus.recycle.poison=true} (the build's test setting): every array taken from the
 * pool is filled with NaN first, so an activation released while something could still read it
 * turns a loss, a parameter or an output into NaN or changes its bits.
 */
class SequentialReleaseTest {
  /** A research prototype's layer that keeps the tensor it reads (for a plot, say) and passes it on. */
  private static final class Keeper implements Layer {
    final List<Tensor> kept = new ArrayList<>();
    final List<double[]> valuesWhenKept = new ArrayList<>();

    @Override
    public Params init(Rng rng, DType dtype) {
      return Params.empty();
    }

    @Override
    public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
      kept.add(x);
      valuesWhenKept.add(x.toDoubleArray());
      return new Output(x, state);
    }
  }

  /**
   * Conv units (conv, PReLU, batch norm) into a convolution and a pooling (released in training:
   * their rules recompute what they read), a ReLU into a pooling and a batch norm into a linear
   * layer (whose rules keep what they read: not released), a flatten (a view).
   */
  private static Layer net(Layer middle) {
    List<Layer> layers = new ArrayList<>(List.of(new Conv2d(2, 8, 3, 1, 1, true), new PReLU(8), new BatchNorm(8)));
    if (middle != null) layers.add(middle);
    layers.addAll(List.of(new Conv2d(8, 8, 3, 1, 1, true), new PReLU(8), new BatchNorm(8), new MaxPool2d(2, 2, true),
        new Conv2d(8, 4, 3, 1, 1, false), new ReLU(), new AvgPool2d(2, 2, true), new Flatten(), new Linear(4 * 4 * 4, 6, true),
        new PReLU(6), new BatchNorm(6), new Linear(6, 6, false)));
    return new Sequential(layers);
  }

  private record Run(List<Double> losses, Params params, Params modelState, double[] eval) {}

  private static Run train(boolean release, DType dt, Layer middle, Tensor[] input) {
    boolean was = Sequential.releaseActivations;
    Sequential.releaseActivations = release;
    try {
      Layer net = net(middle);
      Head head = (p, f, y) -> Fn.crossEntropy(f.matmul(p.get("w")), y);
      TrainStep ts = new TrainStep(net, head, new Sgd(0.9, false, 5e-4));
      Rng rng = new Rng(11);
      TrainStep.State s = ts.init(rng, dt, Params.of("w", Init.xavierUniform(rng, dt, 6, 3)));
      Tensor x = input != null && input[0] != null ? input[0] : rng.normal(dt, 0, 1, 5, 2, 13, 13);
      int[] labels = {0, 1, 2, 0, 1};
      List<Double> losses = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        TrainStep.Result r = ts.step(s, x, labels, 0.05, rng.split());
        losses.add(r.loss());
        s = r.state();
      }
      double[] eval = net.forward(s.modelParams(), s.modelState(), x).toDoubleArray();
      return new Run(losses, s.params(), s.modelState(), eval);
    } finally {
      Sequential.releaseActivations = was;
    }
  }

  private static void assertSameRun(Run want, Run got, String what) {
    assertEquals(want.losses(), got.losses(), what + ": losses");
    for (double l : got.losses()) assertFalse(Double.isNaN(l), what + ": a NaN loss (a released array was read)");
    for (int k = 0; k < 2; k++) {
      Params a = k == 0 ? want.params() : want.modelState(), b = k == 0 ? got.params() : got.modelState();
      assertEquals(a.names(), b.names());
      for (String name : a.names()) assertArrayEquals(a.get(name).toDoubleArray(), b.get(name).toDoubleArray(), 0.0, what + ": " + name);
    }
    assertArrayEquals(want.eval(), got.eval(), 0.0, what + ": evaluation output");
  }

  @Test
  void releasingActivationsBetweenLibraryLayersChangesNoBit() {
    for (DType dt : DType.values()) assertSameRun(train(false, dt, null, null), train(true, dt, null, null), dt.toString());
  }

  @Test
  void anActivationAUserLayerKeepsIsNeverReleased() {
    Keeper keeper = new Keeper();
    Run got = train(true, DType.F32, keeper, null);
    // later steps computed into every array released: what the layer kept must still read as it did
    assertEquals(5, keeper.kept.size()); // four training steps and the evaluation
    for (int i = 0; i < keeper.kept.size(); i++) {
      assertArrayEquals(keeper.valuesWhenKept.get(i), keeper.kept.get(i).toDoubleArray(), 0.0, "kept activation " + i);
    }
    // the same training without the releases
    assertSameRun(train(false, DType.F32, new Keeper(), null), got, "with a keeping layer");
  }

  @Test
  void theCallersInputIsNeverReleased() {
    Tensor x = new Rng(5).normal(DType.F32, 0, 1, 5, 2, 13, 13);
    double[] before = x.toDoubleArray();
    train(true, DType.F32, null, new Tensor[] {x});
    // an op whose result has x's size takes an array of that size from the pool, were x's there
    x.mul(2.0);
    assertArrayEquals(before, x.toDoubleArray(), 0.0);
    train(true, DType.F32, null, null);
    x.mul(2.0);
    assertArrayEquals(before, x.toDoubleArray(), 0.0);
  }
}
