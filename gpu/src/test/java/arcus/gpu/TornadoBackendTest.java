package arcus.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Autodiff;
import arcus.core.Backend;
import arcus.core.DType;
import arcus.core.Shape;
import arcus.core.Tensor;
import arcus.core.UnaryOp;
import arcus.core.cpu.CpuBackend;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TornadoBackendTest {
  private static float[] normal(SplittableRandom r, int n, double scale) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) f[i] = (float) (r.nextGaussian() * scale);
    return f;
  }

  /** Softmax cross-entropy of a two-layer MLP: exercises matmul, broadcasting, relu, reductions and indexing with their VJPs. */
  private static Function<List<Tensor>, Tensor> mlpLoss(Tensor x, int[] labels) {
    return ps -> {
      Tensor h = x.matmul(ps.get(0)).add(ps.get(1)).relu();
      Tensor logits = h.matmul(ps.get(2)).add(ps.get(3));
      Tensor logp = logits.sub(logits.logSumExp(1, true));
      return logp.takeAlong(1, labels).neg().mean();
    };
  }

  @Test
  void mlpLossAndGradientMatchTheCpuBackend() {
    for (DType dtype : DType.values()) {
      SplittableRandom r = new SplittableRandom(7);
      int batch = 6, in = 5, hidden = 8, classes = 4;
      Tensor x = Tensor.of(normal(r, batch * in, 1), batch, in).to(dtype);
      List<Tensor> params = List.of(
          Tensor.of(normal(r, in * hidden, 0.5), in, hidden).to(dtype),
          Tensor.of(normal(r, hidden, 0.1), hidden).to(dtype),
          Tensor.of(normal(r, hidden * classes, 0.5), hidden, classes).to(dtype),
          Tensor.of(normal(r, classes, 0.1), classes).to(dtype));
      int[] labels = {0, 1, 2, 3, 1, 2};

      var cpu = Autodiff.valueAndGrad(mlpLoss(x, labels), params);
      TornadoBackend gpu = TornadoBackend.onJvm();
      var dev = Autodiff.valueAndGrad(mlpLoss(x.to(gpu), labels), params.stream().map(p -> p.to(gpu)).toList());

      double tol = dtype == DType.F64 ? 1e-12 : 1e-5;
      assertSame(gpu, dev.value().backend());
      assertEquals(cpu.value().item(), dev.value().item(), tol, dtype + " loss");
      for (int i = 0; i < params.size(); i++) {
        assertSame(gpu, dev.grad().get(i).backend(), "gradients stay on the device");
        assertArrayEquals(cpu.grad().get(i).toDoubleArray(), dev.grad().get(i).toDoubleArray(), tol, dtype + " gradient of parameter " + i);
      }
    }
  }

  @Test
  void aChainOfOpsMovesNothingToTheHostUntilTheResultIsRead() {
    TornadoBackend gpu = TornadoBackend.onJvm();
    SplittableRandom r = new SplittableRandom(3);
    Tensor a = Tensor.of(gpu, normal(r, 12, 1), 3, 4);
    Tensor w = Tensor.of(gpu, normal(r, 20, 1), 4, 5);
    assertEquals(2, gpu.uploads());
    assertEquals(0, gpu.downloads());

    Tensor y = a.matmul(w).tanh().mul(a.sum(1, true)).permute(1, 0).slice(0, 1, 4).pad(new int[] {1, 0}, new int[] {0, 2}).exp().sum(0);
    var g = Autodiff.grad(t -> t.matmul(w).sigmoid().sum(), a);
    assertEquals(2, gpu.transfers(), "no transfer while computing");
    assertInstanceOf(DeviceStorage.class, y.storage());
    assertTrue(((DeviceStorage) y.storage()).hostStale());

    float[] host = y.toFloatArray();
    assertEquals(1, gpu.downloads(), "reading the result is the one device-to-host transfer");
    assertFalse(((DeviceStorage) y.storage()).hostStale());
    y.toDoubleArray();
    assertEquals(1, gpu.downloads(), "a second read uses the host copy");
    assertEquals(5, host.length);
    g.toFloatArray();
    assertEquals(2, gpu.downloads());
  }

  @Test
  void storagesOfAnotherBackendAreRefusedNamingBoth() {
    TornadoBackend gpu = TornadoBackend.onJvm();
    var cpuStorage = CpuBackend.INSTANCE.fromHost(new float[] {1, 2});
    var e = assertThrows(IllegalArgumentException.class, () -> gpu.unary(UnaryOp.EXP, cpuStorage));
    assertTrue(e.getMessage().contains("tornado") && e.getMessage().contains("'cpu'"), e.getMessage());

    var e2 = assertThrows(IllegalArgumentException.class, () -> CpuBackend.INSTANCE.unary(UnaryOp.EXP, gpu.fromHost(new float[] {1})));
    assertTrue(e2.getMessage().contains("tornado"), e2.getMessage());

    TornadoBackend other = TornadoBackend.onJvm();
    var e3 = assertThrows(IllegalArgumentException.class, () -> gpu.toFloatArray(other.fromHost(new float[] {1})));
    assertTrue(e3.getMessage().contains("another tornado backend"), e3.getMessage());

    Tensor onCpu = Tensor.of(new float[] {1, 2}, 2), onGpu = onCpu.to(gpu);
    var e4 = assertThrows(IllegalArgumentException.class, () -> onCpu.add(onGpu));
    assertTrue(e4.getMessage().contains("cpu") && e4.getMessage().contains("tornado"), e4.getMessage());
    assertArrayEquals(new float[] {2, 4}, onGpu.add(onGpu).toFloatArray());
    assertEquals(Shape.of(2), onGpu.shape());
  }

  @Test
  void backendsAreChosenByName() {
    assertSame(CpuBackend.INSTANCE, Backends.byName("cpu"));
    Backend sim = Backends.byName("jvm-kernels");
    assertInstanceOf(TornadoBackend.class, sim);
    assertEquals("jvm", ((TornadoBackend) sim).executor().name(), "jvm-kernels runs the kernels as Java loops");
    var e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("cuda"));
    assertTrue(e.getMessage().contains("cpu, tornado or jvm-kernels"), e.getMessage());
  }

  @Test
  void tornadoWithoutItsRuntimeIsAnErrorNotASilentFallBack() {
    if (Backends.tornadoAvailable()) {
      try (TornadoBackend t = (TornadoBackend) Backends.byName("tornado")) {
        assertEquals("tornadovm", t.executor().name());
      }
      return;
    }
    // this JVM has no TornadoVM runtime: asking for it names what is missing
    var e = assertThrows(IllegalStateException.class, () -> Backends.byName("tornado"));
    assertTrue(e.getMessage().contains("TORNADOVM_HOME") || e.getMessage().contains("tornado-argfile") || e.getMessage().contains("executor"), e.getMessage());
    assertTrue(e.getMessage().contains("jvm-kernels"), e.getMessage());
  }
}
