package arcus.nn.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.nn.Layer;
import arcus.nn.Mode;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How much a training step of the L-Softmax MNIST network keeps from its forward pass for its
 * reverse pass. Each conv unit (3×3 conv with bias → PReLU → batch norm) needs one activation
 * kept: the PReLU input; the PReLU and batch-norm outputs are recomputed from it. Keeping every
 * intermediate (conv, conv + bias, PReLU, batch norm: four per unit) made the batch-256 step hold
 * ~1.1 GB, more than the launcher's heap had room for once Winograd's buffers came on top.
 */
class TrainingMemoryTest {
  private static long usedAfterGc() {
    var mem = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    // a few full collections: the smallest reading is the live heap
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  @Test
  void theGraphOfATrainingStepKeepsAboutOneActivationPerConvUnit() {
    int batch = 32;
    Layer net = new LSoftmaxMnistNet().features();
    Params params = net.init(new Rng(1), DType.F32);
    Params state = net.initState(DType.F32);
    Tensor x = new Rng(2).normal(DType.F32, 0, 1, batch, 1, 28, 28);
    List<String> names = params.names();
    // warm up once, so classes and kernel tables are loaded before the measurement
    Autodiff.grad((List<Tensor> in) -> net.apply(Params.of(names, in), state, x, Mode.TRAIN, new Rng(3)).y().sum(), params.tensors());
    long before = usedAfterGc();
    Autodiff.VjpResult r = Autodiff.vjp((List<Tensor> in) -> net.apply(Params.of(names, in), state, x, Mode.TRAIN, new Rng(3)).y().sum(), params.tensors());
    long kept = usedAfterGc() - before;
    // one float activation per unit: 4 units at 28², 3 at 14², 3 at 7² (64 channels), plus the
    // pooled outputs, the FC's input and the graph's nodes; allow twice that
    long perUnit = 4L * batch * 64 * (4 * 28 * 28 + 3 * 14 * 14 + 3 * 7 * 7);
    assertTrue(kept < 2 * perUnit, "the graph keeps " + kept / 1e6 + " MB, more than twice the " + perUnit / 1e6 + " MB of one activation per conv unit");
    // and it still differentiates
    assertTrue(r.pullback().apply(r.value().constant(1.0)).size() == names.size());
  }
}
