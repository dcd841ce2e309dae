package arcus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import arcus.core.DType;
import arcus.core.Fn;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.nn.optim.Sgd;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sequential trains a PReLU → BatchNorm pair as one fused op; the parameters, running statistics
 * and loss after three SGD steps are those of the two layers one after the other, bit for bit.
 */
class FusedUnitTest {
  private static List<Object> train(boolean fuse, DType dt) {
    boolean was = Sequential.fusePreluBatchNorm;
    Sequential.fusePreluBatchNorm = fuse;
    try {
      Layer net = Sequential.of(new Conv2d(2, 8, 3, 1, 1, true), new PReLU(8), new BatchNorm(8), new MaxPool2d(2, 2, true),
          new Conv2d(8, 8, 3, 1, 1, true), new PReLU(8), new BatchNorm(8), new PReLU(1), new Flatten());
      Head head = (p, f, y) -> Fn.crossEntropy(f.matmul(p.get("w")), y);
      TrainStep ts = new TrainStep(net, head, new Sgd(0.9, false, 5e-4));
      Rng rng = new Rng(7);
      TrainStep.State s = ts.init(rng, dt, Params.of("w", Init.xavierUniform(rng, dt, 8 * 7 * 7, 3)));
      Tensor x = rng.normal(dt, 0, 1, 6, 2, 13, 13);
      int[] labels = {0, 1, 2, 0, 1, 2};
      double loss = 0;
      for (int i = 0; i < 3; i++) {
        TrainStep.Result r = ts.step(s, x, labels, 0.05, rng.split());
        loss = r.loss();
        s = r.state();
      }
      return List.of(loss, s.params(), s.modelState());
    } finally {
      Sequential.fusePreluBatchNorm = was;
    }
  }

  /** The trained network of {@link #train} evaluated (EVAL mode, nothing recorded), the pairs fused or not. */
  private static Tensor evaluate(boolean fuse, DType dt) {
    boolean was = Sequential.fusePreluBatchNorm;
    try {
      Layer net = Sequential.of(new Conv2d(2, 8, 3, 1, 1, true), new PReLU(8), new BatchNorm(8), new MaxPool2d(2, 2, true),
          new Conv2d(8, 8, 3, 1, 1, true), new PReLU(8), new BatchNorm(8), new PReLU(1), new Flatten());
      Sequential.fusePreluBatchNorm = true;
      List<Object> trained = train(true, dt);
      Sequential.fusePreluBatchNorm = fuse;
      Tensor x = new Rng(11).normal(dt, 0, 1, 5, 2, 13, 13);
      return net.apply(((Params) trained.get(1)).sub("model"), (Params) trained.get(2), x, Mode.EVAL, null).y();
    } finally {
      Sequential.fusePreluBatchNorm = was;
    }
  }

  @Test
  void fusedPairEvaluatesAsTheTwoLayersBitForBit() {
    for (DType dt : DType.values()) {
      assertArrayEquals(evaluate(false, dt).toDoubleArray(), evaluate(true, dt).toDoubleArray(), 0.0, "evaluation " + dt);
    }
  }

  @Test
  void fusedPairTrainsAsTheTwoLayersBitForBit() {
    for (DType dt : DType.values()) {
      List<Object> fused = train(true, dt), plain = train(false, dt);
      assertEquals((double) plain.get(0), (double) fused.get(0), 0.0, "loss " + dt);
      for (int k = 1; k < 3; k++) {
        Params a = (Params) plain.get(k), b = (Params) fused.get(k);
        assertEquals(a.names(), b.names());
        for (String name : a.names()) {
          assertArrayEquals(a.get(name).toDoubleArray(), b.get(name).toDoubleArray(), 0.0, name + " " + dt);
        }
      }
    }
  }
}
