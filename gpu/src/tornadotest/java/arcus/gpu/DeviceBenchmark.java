package arcus.gpu;

import arcus.core.Backend;
import arcus.core.BinaryOp;
import arcus.core.Conv2dSpec;
import arcus.core.DType;
import arcus.core.MatmulSpec;
import arcus.core.Pool2dSpec;
import arcus.core.PoolKind;
import arcus.core.ReduceOp;
import arcus.core.Rng;
import arcus.core.Shape;
import arcus.core.Storage;
import arcus.core.Tensor;
import arcus.core.UnaryOp;
import arcus.core.cpu.CpuBackend;
import arcus.losses.Losses;
import arcus.losses.MarginLoss;
import arcus.nn.Head;
import arcus.nn.TrainStep;
import arcus.nn.models.Model;
import arcus.nn.models.Models;
import arcus.nn.optim.Sgd;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Measurements for docs/gpu.md, not a test: its name matches none of Surefire's includes, so it
 * runs only when asked for, e.g.
 * {@code mvn -pl gpu -am verify -Dtest=DeviceBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dtornado.test.flags=-Darcus.tornado.profile=true}
 * (TORNADOVM_HOME set). Prints per-kernel times on the CPU backend and on the TornadoVM device
 * (median of 5 steady launches, after one launch that compiles), and a training step of LeNet.
 */
class DeviceBenchmark {
  static double medianMs(Runnable r, int reps) {
    r.run();
    double[] t = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      r.run();
      t[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(t);
    return t[reps / 2];
  }

  static Storage rand(Backend b, Rng rng, int n) {
    return b.fromHost(rng.normal(DType.F32, 0, 1, n).toFloatArray());
  }

  static void row(String what, Function<Backend, Runnable> op) {
    TornadoBackend gpu = Device.GPU;
    TornadoExecutor ex = (TornadoExecutor) gpu.executor();
    double cpu = medianMs(op.apply(CpuBackend.INSTANCE), 5);
    Runnable dev = op.apply(gpu);
    dev.run();
    long[] t0 = ex.times();
    long l0 = ex.launches();
    double d = medianMs(dev, 5);
    long[] t1 = ex.times();
    double launches = (ex.launches() - l0) / 6.0;
    double copy = (t1[0] - t0[0]) / 6e6, exec = (t1[1] - t0[1]) / 6e6, xfer = (t1[2] - t0[2]) / 6e6, kern = (t1[3] - t0[3]) / 6e6;
    System.out.printf("| %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %.2f |%n", what, cpu, d, launches, copy, exec, xfer, kern);
  }

  @Test
  void kernels() {
    Rng rng = new Rng(1);
    System.out.println("| op (float32) | CPU backend ms | TornadoVM ms | launches | host copies ms | execute ms | of it transfers ms | of it kernels ms |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    int m = 256;
    row("matmul 256x256x256", b -> {
      Storage a = rand(b, rng, m * m), c = rand(b, rng, m * m);
      MatmulSpec s = new MatmulSpec(1, true, true, m, m, m, false, false);
      return () -> b.toFloatArray(b.matmul(a, c, s));
    });
    Shape xs = Shape.of(16, 32, 14, 14), ws = Shape.of(32, 32, 3, 3);
    Conv2dSpec cs = new Conv2dSpec(1, 1, 1, 1, 1, 1);
    Shape ys = Shape.of(16, 32, 14, 14);
    row("conv2d fwd x[16,32,14,14] w[32,32,3,3]", b -> {
      Storage x = rand(b, rng, xs.size()), w = rand(b, rng, ws.size());
      return () -> b.toFloatArray(b.conv2d(x, xs, w, ws, cs));
    });
    row("conv2d bwd input", b -> {
      Storage gy = rand(b, rng, ys.size()), w = rand(b, rng, ws.size());
      return () -> b.toFloatArray(b.conv2dBackwardInput(gy, ys, w, ws, xs, cs));
    });
    row("conv2d bwd weight", b -> {
      Storage x = rand(b, rng, xs.size()), gy = rand(b, rng, ys.size());
      return () -> b.toFloatArray(b.conv2dBackwardWeight(x, xs, gy, ys, ws, cs));
    });
    row("exp 1M", b -> {
      Storage x = rand(b, rng, 1 << 20);
      return () -> b.toFloatArray(b.unary(UnaryOp.EXP, x));
    });
    Shape as = Shape.of(256, 1024), bs = Shape.of(1024);
    row("add [256,1024]+[1024]", b -> {
      Storage x = rand(b, rng, as.size()), y = rand(b, rng, bs.size());
      return () -> b.toFloatArray(b.binary(BinaryOp.ADD, x, as, y, bs, as));
    });
    row("sum over axis 1 of [256,1024]", b -> {
      Storage x = rand(b, rng, as.size());
      return () -> b.toFloatArray(b.reduce(ReduceOp.SUM, x, as, new boolean[] {false, true}));
    });
    Shape ps = Shape.of(16, 32, 28, 28);
    Pool2dSpec pool = new Pool2dSpec(2, 2, 2, 2, 0, 0, false);
    row("max pool 2x2 of [16,32,28,28]", b -> {
      Storage x = rand(b, rng, ps.size());
      return () -> b.toFloatArray(b.pool2d(PoolKind.MAX, x, ps, pool));
    });
  }

  @Test
  void lenetTrainingStep() {
    int batch = 32;
    Model model = Models.create("lenet", 3);
    MarginLoss arc = Losses.create("arcface", Map.of());
    Head head = (p, f, y) -> arc.loss(f, p, y);
    TrainStep ts = new TrainStep(model.features(), head, new Sgd(0.9, false, 5e-4));
    Rng rng = new Rng(2);
    int[] in = model.inputShape();
    TrainStep.State s0 = ts.init(rng.split(), DType.F32, arc.init(rng.split(), DType.F32, model.featureDim(), 10));
    Tensor x = rng.normal(DType.F32, 0, 1, batch, in[0], in[1], in[2]);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = i % 10;
    TrainStep.State[] cpu = {s0};
    double cpuMs = medianMs(() -> cpu[0] = ts.step(cpu[0], x, labels, 0.01, null).state(), 5);
    TrainStep.State[] dev = {s0.to(Device.GPU)};
    Tensor xd = x.to(Device.GPU);
    TornadoExecutor ex = (TornadoExecutor) Device.GPU.executor();
    long f0 = System.nanoTime();
    dev[0] = ts.step(dev[0], xd, labels, 0.01, null).state();
    System.out.printf("first device step (compiles its kernels): %.0f ms, %d plans/graphs compiled%n", (System.nanoTime() - f0) / 1e6, ex.plans());
    long[] t0 = ex.times();
    long u0 = ex.hostToDevice(), d0 = ex.deviceToHost(), l0 = ex.launches();
    long w0 = System.nanoTime();
    double devMs = medianMs(() -> dev[0] = ts.step(dev[0], xd, labels, 0.01, null).state(), 5);
    double wall = (System.nanoTime() - w0) / 6e6;
    long[] t1 = ex.times();
    System.out.printf("LeNet + ArcFace training step, batch %d: CPU backend %.1f ms (%.0f images/s); TornadoVM %.1f ms (%.1f images/s)%n", batch, cpuMs, batch / cpuMs * 1e3, devMs, batch / devMs * 1e3);
    System.out.printf("per device step: %d launches, %d host-to-device and %d device-to-host array copies; host copies %.1f ms, TornadoVM execute %.1f ms (of it transfers %.1f ms, kernels %.1f ms) of %.1f ms%n",
        (ex.launches() - l0) / 6, (ex.hostToDevice() - u0) / 6, (ex.deviceToHost() - d0) / 6,
        (t1[0] - t0[0]) / 6e6, (t1[1] - t0[1]) / 6e6, (t1[2] - t0[2]) / 6e6, (t1[3] - t0[3]) / 6e6, wall);
  }

  /** LeNet training steps with the tiled and the @Parallel GEMM, interleaved so machine load hits both alike. */
  @Test
  void tiledAgainstParallelGemmInTraining() {
    int batch = 32;
    Model model = Models.create("lenet", 3);
    MarginLoss arc = Losses.create("arcface", Map.of());
    Head head = (p, f, y) -> arc.loss(f, p, y);
    TrainStep ts = new TrainStep(model.features(), head, new Sgd(0.9, false, 5e-4));
    Rng rng = new Rng(2);
    int[] in = model.inputShape();
    TrainStep.State s0 = ts.init(rng.split(), DType.F32, arc.init(rng.split(), DType.F32, model.featureDim(), 10)).to(Device.GPU);
    Tensor x = rng.normal(DType.F32, 0, 1, batch, in[0], in[1], in[2]).to(Device.GPU);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = i % 10;
    double[][] ms = new double[2][4];
    for (int rep = -1; rep < 4; rep++) {
      for (int tiled = 0; tiled < 2; tiled++) {
        System.setProperty("arcus.tornado.tiledGemm", tiled == 1 ? "true" : "false");
        long t0 = System.nanoTime();
        ts.step(s0, x, labels, 0.01, null).state().params().get("head.w").toFloatArray();
        if (rep >= 0) ms[tiled][rep] = (System.nanoTime() - t0) / 1e6;
      }
    }
    System.clearProperty("arcus.tornado.tiledGemm");
    for (double[] m : ms) Arrays.sort(m);
    System.out.printf("LeNet step, batch %d, interleaved medians: @Parallel GEMM %.1f ms, tiled GEMM %.1f ms (runs %s / %s)%n", batch, (ms[0][1] + ms[0][2]) / 2, (ms[1][1] + ms[1][2]) / 2, Arrays.toString(ms[0]), Arrays.toString(ms[1]));
  }
}
