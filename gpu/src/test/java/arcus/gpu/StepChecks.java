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

  /** Element-wise within {@code tol} of the largest |expected| (plus 1e-3); a NaN on either side fails, it never passes a comparison. */
  static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
    double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
    assertEquals(e.length, a.length, what + ": size");
    double scale = 0;
    for (double v : e) scale = Math.max(scale, Math.abs(v));
    for (int i = 0; i < e.length; i++)
      if (!(Math.abs(e[i] - a[i]) <= tol * (scale + 1e-3))) throw new AssertionError(what + ": element " + i + " is " + a[i] + ", CPU backend " + e[i] + " (max |value| " + scale + ")");
  }

  /** Host transfers of one training step at steady state, by the executor's and the backend's counters. */
  record StepTransfers(long uploads, long downloads, long metaUploads, long launches, long backendUploads, long backendDownloads, int plans, double loss) {}

  /**
   * Trains LeNet with ArcFace (margin s = 8, m = 0.2; SGD with momentum) on a fixed batch of
   * {@code batch} random images for {@code steps} steps, moving the batch from the host to
   * {@code gpu} every step as a training loop does, and returns what each step transferred.
   * Parameters, batch-norm statistics and momentum are moved to the device once, before step 0.
   */
  static StepTransfers[] lenetTransfers(TornadoBackend gpu, int batch, int steps) {
    Model model = Models.create("lenet", 3);
    MarginLoss arc = Losses.create("arcface", Map.of("s", 8, "m", 0.2));
    Head head = (p, f, y) -> arc.loss(f, p, y);
    TrainStep ts = new TrainStep(model.features(), head, new Sgd(0.9, false, 0));
    Rng rng = new Rng(9);
    int[] in = model.inputShape();
    TrainStep.State s = ts.init(rng.split(), DType.F32, arc.init(rng.split(), DType.F32, model.featureDim(), 4)).to(gpu);
    Tensor x = rng.normal(DType.F32, 0, 1, batch, in[0], in[1], in[2]);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = i % 4;
    KernelExecutor ex = gpu.executor();
    StepTransfers[] r = new StepTransfers[steps];
    for (int step = 0; step < steps; step++) {
      long u = ex.hostToDevice(), d = ex.deviceToHost(), mu = ex.metaUploads(), l = ex.launches(), bu = gpu.uploads(), bd = gpu.downloads();
      TrainStep.Result res = ts.step(s, x.to(gpu), labels, 0.05, null);
      s = res.state();
      r[step] = new StepTransfers(ex.hostToDevice() - u, ex.deviceToHost() - d, ex.metaUploads() - mu, ex.launches() - l, gpu.uploads() - bu, gpu.downloads() - bd, ex.plans(), res.loss());
      assertTrue(Double.isFinite(res.loss()), "loss at step " + step + " is " + res.loss());
    }
    return r;
  }

  /**
   * The designed transfers of a LeNet training step at steady state (after step 0): two uploads,
   * the batch: its images and its labels (as the one-hot mask ArcFace builds with
   * {@code Tensor.oneHot} on the device backend; labels given to takeAlong-like ops travel in
   * launch meta arrays), and no parameter; one download (the loss the step returns), and on a device one meta array per execution
   * ({@code metaPerLaunch}: 1 on a device, 0 on the JVM executor) — and the loss falls.
   */
  static void assertLenetStepTransfers(TornadoBackend gpu, int metaPerLaunch) {
    StepTransfers[] r = lenetTransfers(gpu, 8, 12);
    System.out.println(gpu + ", LeNet step at steady state: " + r[1]);
    for (int step = 1; step < r.length; step++) {
      StepTransfers t = r[step];
      assertEquals(2, t.uploads(), "host-to-device copies of step " + step + " (the batch's images and labels only): " + t);
      assertEquals(1, t.downloads(), "device-to-host copies of step " + step + " (the loss only): " + t);
      assertEquals(2, t.backendUploads(), "uploads the backend was asked for, step " + step);
      assertEquals(1, t.backendDownloads(), "downloads the backend was asked for, step " + step);
      assertEquals(metaPerLaunch * (t.launches() + t.uploads() + t.downloads()), t.metaUploads(), "meta arrays, step " + step + ": " + t);
      assertEquals(r[1].launches(), t.launches(), "launches of step " + step);
      assertEquals(r[0].plans(), t.plans(), "step " + step + " compiles nothing");
    }
    assertTrue(r[r.length - 1].loss() < 0.7 * r[0].loss(), "loss " + r[0].loss() + " -> " + r[r.length - 1].loss());
    // the host reads an argmax when it asks for one: one more download, nothing else
    long d0 = gpu.executor().deviceToHost(), u0 = gpu.executor().hostToDevice();
    Tensor logits = Tensor.of(new float[] {0, 3, 1, 2, 5, 4}, 2, 3).to(gpu);
    assertEquals(1, gpu.executor().hostToDevice() - u0);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 1}, gpu.argmax(logits.storage(), logits.shape(), 1));
    assertEquals(1, gpu.executor().deviceToHost() - d0, "an argmax is one download");
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
    TrainStep.Result dev = ts.step(s.to(gpu), x.to(gpu), labels, 0.05, null);
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
