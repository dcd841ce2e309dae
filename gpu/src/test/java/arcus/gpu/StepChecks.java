package arcus.gpu;

import arcus.core.cpu.Kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Backend;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.losses.Losses;
import arcus.losses.MarginLoss;
import arcus.nn.Head;
import arcus.nn.TrainStep;
import arcus.nn.models.Model;
import arcus.nn.models.Models;
import arcus.nn.optim.OptState;
import arcus.nn.optim.Sgd;
import java.util.List;
import java.util.Map;

/**
 * Whole-network checks shared by the JVM-executor tests and the TornadoVM device tests: every
 * loss, and a full training step of the L-Softmax paper's MNIST network, give the CPU backend's
 * values on a {@link TornadoBackend}.
 */
final class StepChecks {
  private StepChecks() {}

  /** Relative float32 tolerance for whole-network values (sums over thousands of products). */
  static final double F32_TOL = 2e-3;

  static TrainStep.State moved(TrainStep.State s, Backend b) {
    return new TrainStep.State(s.params().map(t -> t.to(b)), s.modelState().map(t -> t.to(b)),
        new OptState(s.optState().step(), s.optState().slots().map(t -> t.to(b))));
  }

  static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
    double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
    assertEquals(e.length, a.length, what + ": size");
    double scale = 0;
    for (double v : e) scale = Math.max(scale, Math.abs(v));
    for (int i = 0; i < e.length; i++)
      if (Math.abs(e[i] - a[i]) > tol * (scale + 1e-3)) throw new AssertionError(what + ": element " + i + " is " + a[i] + ", CPU backend " + e[i] + " (max |value| " + scale + ")");
  }

  /** Every loss of the project, its value and its gradients in features and weights, on {@code gpu} equal the CPU's. */
  static void everyLossAgrees(TornadoBackend gpu, DType dtype) {
    Rng rng = new Rng(11);
    int n = 6, d = 5, c = 4;
    int[] labels = {0, 1, 2, 3, 1, 2};
    Tensor x = rng.normal(dtype, 0, 1, n, d);
    double tol = dtype == DType.F64 ? 1e-9 : F32_TOL;
    for (String name : Losses.names()) {
      int dim = name.equals("simplex") ? c - 1 : d;
      Tensor features = dim == d ? x : x.slice(1, 0, dim);
      MarginLoss loss = Losses.create(name, Map.of());
      Params p = loss.init(new Rng(3), dtype, dim, c);
      var cpu = arcus.core.Autodiff.valueAndGrad((List<Tensor> in) -> loss.loss(in.get(0), p.map(t -> t), labels), List.of(features));
      Params pg = p.map(t -> t.to(gpu));
      Tensor fg = features.to(gpu);
      arcus.core.Autodiff.ValueAndGrad<List<Tensor>> dev;
      try {
        dev = arcus.core.Autodiff.valueAndGrad((List<Tensor> in) -> loss.loss(in.get(0), pg, labels), List.of(fg));
      } catch (RuntimeException e) {
        throw new AssertionError("loss " + name + " (" + dtype + ") fails on " + gpu + ": " + e.getMessage(), e);
      }
      assertSame(gpu, dev.value().backend(), name + " computes on the device backend");
      assertClose(name + " loss (" + dtype + ")", cpu.value(), dev.value(), tol);
      assertClose(name + " gradient in the features (" + dtype + ")", cpu.grad().get(0), dev.grad().get(0), tol);
    }
  }

  /**
   * One forward + backward + SGD update of the L-Softmax MNIST network with ArcFace on a batch
   * of {@code batch} random images: the loss and every updated parameter and batch-norm
   * statistic equal the CPU backend's (float32 tolerance). Returns the device state.
   */
  static TrainStep.State lsoftmaxMnistArcFaceStepAgrees(TornadoBackend gpu, int batch) {
    Model model = Models.create("lsoftmax-mnist", 3);
    MarginLoss arc = Losses.create("arcface", Map.of());
    Head head = (p, f, y) -> arc.loss(f, p, y);
    TrainStep ts = new TrainStep(model.features(), head, new Sgd(0.9, false, 5e-4));
    Rng rng = new Rng(5);
    TrainStep.State s = ts.init(rng.split(), DType.F32, arc.init(rng.split(), DType.F32, model.featureDim(), 10));
    Tensor x = rng.normal(DType.F32, 0, 1, batch, 1, 28, 28);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = i % 10;

    // The device kernels convolve directly; the CPU backend would take Winograd F(4x4, 3x3) for the
    // 64-channel layers, whose float32 rounding (about 2e-6 relative, WinogradProperties) this stiff
    // step (ArcFace s = 64 over batch norm of 3 images) amplifies past F32_TOL. Compare like with like.
    TrainStep.Result cpu;
    Kernels.convWinograd("off");
    try {
      cpu = ts.step(s, x, labels, 0.05, null);
    } finally {
      Kernels.convWinograd(System.getProperty("arcus.conv.winograd", "auto"));
    }
    TrainStep.Result dev = ts.step(moved(s, gpu), x.to(gpu), labels, 0.05, null);
    assertTrue(Double.isFinite(dev.loss()), "device loss " + dev.loss());
    assertEquals(cpu.loss(), dev.loss(), F32_TOL * Math.abs(cpu.loss()), "loss of the step");
    for (String name : cpu.state().params().names()) {
      assertSame(gpu, dev.state().params().get(name).backend(), name + " stays on the device backend");
      assertClose("updated " + name, cpu.state().params().get(name), dev.state().params().get(name), F32_TOL);
    }
    for (String name : cpu.state().modelState().names())
      assertClose("batch-norm state " + name, cpu.state().modelState().get(name), dev.state().modelState().get(name), F32_TOL);
    return dev.state();
  }
}
