package arcus.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.DType;
import arcus.core.UnaryOp;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The TornadoVM runtime is really used: kernels run on its device and a plan is compiled once per shape. */
class DeviceSmokeTest {
  static long residentBytes() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")))
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  void kernelsRunOnTheDeviceAndPlansAreReused() {
    TornadoBackend gpu = Device.GPU;
    assertEquals("tornadovm", gpu.executor().name());
    System.out.println("TornadoVM device: " + ((TornadoExecutor) gpu.executor()).device());
    SplittableRandom r = new SplittableRandom(1);
    for (DType dtype : DType.values()) {
      Pair x = Pair.of(gpu, dtype, Pair.uniform(r, 1000, -3, 3));
      Pair.assertAgree("exp", Pair.CPU.unary(UnaryOp.EXP, x.cpu), gpu.unary(UnaryOp.EXP, x.gpu), 0);
      int plans = gpu.executor().plans();
      long launches = gpu.executor().launches();
      Pair y = Pair.of(gpu, dtype, Pair.uniform(r, 777, -3, 3));
      Pair.assertAgree("exp of another shape", Pair.CPU.unary(UnaryOp.EXP, y.cpu), gpu.unary(UnaryOp.EXP, y.gpu), 0);
      Pair.assertAgree("exp again", Pair.CPU.unary(UnaryOp.EXP, x.cpu), gpu.unary(UnaryOp.EXP, x.gpu), 0);
      assertEquals(plans, gpu.executor().plans(), "a kernel compiles once, for every shape");
      assertEquals(launches + 2, gpu.executor().launches(), "both launches ran on the device");
    }
  }

  /** Index tables travel in the launch's meta array; one longer than it is refused with the property that raises it. */
  @Test
  void aLaunchWhoseMetaArrayDoesNotFitSaysWhichPropertyToRaise() {
    TornadoBackend gpu = Device.GPU;
    int n = 5000;
    var x = gpu.fill(DType.F32, n * 2, 1.0);
    var e = assertThrows(IllegalStateException.class, () -> gpu.takeAlong(x, arcus.core.Shape.of(n, 2), 1, new int[n]));
    assertTrue(e.getMessage().contains("-Darcus.tornado.metaInts"), e.getMessage());
  }

  @Test
  void closingTheBackendReleasesItsPlanAndDeviceMemory() {
    TornadoBackend gpu = (TornadoBackend) Backends.byName("tornado");
    float[] y = gpu.toFloatArray(gpu.fill(DType.F32, 5, 2.5));
    assertEquals(2.5f, y[4]);
    assertTrue(gpu.executor().plans() > 0);
    // PoCL's device memory is this process's memory: fill 300 MB of the float32 arena (384 MB in
    // the tests) so that its pages are resident; they leave the resident set when close frees it
    var big = gpu.fill(DType.F32, 75 << 20, 1.0);
    assertEquals(75 << 20, big.size());
    long before = residentBytes();
    gpu.close();
    long freed = before - residentBytes();
    System.out.printf("closing the backend released %.0f MB of resident memory%n", freed / 1e6);
    assertTrue(freed > 250L << 20, "close frees the device arenas: the resident set shrank by " + freed + " bytes only");
    var e = assertThrows(IllegalStateException.class, () -> gpu.fill(DType.F32, 5, 1));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }
}
