package arcus.gpu;

import static arcus.gpu.Device.GPU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.DType;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.losses.Losses;
import arcus.losses.MarginLoss;
import arcus.nn.Head;
import arcus.nn.TrainStep;
import arcus.nn.models.Model;
import arcus.nn.models.Models;
import arcus.nn.optim.Sgd;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whole networks on the TornadoVM device: every loss, a full training step, and training itself. */
class DeviceNetworkTest {
  @Test
  void everyLossRunsOnTheDevice() {
    StepChecks.everyLossAgrees(GPU, DType.F32);
  }

  @Test
  void aFullLSoftmaxMnistArcFaceStepEqualsTheCpuBackends() {
    StepChecks.lsoftmaxMnistArcFaceStepAgrees(GPU, 2);
  }

  /**
   * LeNet-style training with ArcFace on a fixed batch of random images: the loss falls, and
   * after the first step (which compiles each kernel once) no step compiles anything, every
   * launch makes exactly one device-to-host copy (its output), and every step makes the same
   * number of copies in each direction.
   */
  @Test
  void trainingOnTheDeviceLowersTheLossWithoutRecompiling() {
    Model model = Models.create("lenet", 3);
    MarginLoss arc = Losses.create("arcface", Map.of("s", 8, "m", 0.2));
    Head head = (p, f, y) -> arc.loss(f, p, y);
    TrainStep ts = new TrainStep(model.features(), head, new Sgd(0.9, false, 0));
    Rng rng = new Rng(9);
    int[] in = model.inputShape();
    int batch = 8;
    TrainStep.State s = StepChecks.moved(ts.init(rng.split(), DType.F32, arc.init(rng.split(), DType.F32, model.featureDim(), 4)), GPU);
    Tensor x = rng.normal(DType.F32, 0, 1, batch, in[0], in[1], in[2]).to(GPU);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = i % 4;
    KernelExecutor ex = GPU.executor();

    double first = Double.NaN, last = Double.NaN;
    long[] up = new long[12], down = new long[12], launches = new long[12];
    int plansAfterFirst = 0;
    for (int step = 0; step < 12; step++) {
      long u0 = ex.hostToDevice(), d0 = ex.deviceToHost(), l0 = ex.launches();
      TrainStep.Result r = ts.step(s, x, labels, 0.05, null);
      s = r.state();
      up[step] = ex.hostToDevice() - u0;
      down[step] = ex.deviceToHost() - d0;
      launches[step] = ex.launches() - l0;
      if (step == 0) {
        first = r.loss();
        plansAfterFirst = ex.plans();
      }
      last = r.loss();
      assertTrue(Double.isFinite(r.loss()), "loss at step " + step + " is " + r.loss());
    }
    System.out.printf("device training step: %d launches, %d host-to-device and %d device-to-host copies; loss %.4f -> %.4f%n", launches[1], up[1], down[1], first, last);
    assertTrue(last < 0.7 * first, "loss " + first + " -> " + last);
    assertEquals(plansAfterFirst, ex.plans(), "steps after the first compile no kernel");
    for (int step = 1; step < 12; step++) {
      assertEquals(launches[step], down[step], "one device-to-host copy per launch, step " + step);
      assertEquals(up[1], up[step], "host-to-device copies of step " + step);
      assertEquals(launches[1], launches[step], "launches of step " + step);
    }
  }
}
