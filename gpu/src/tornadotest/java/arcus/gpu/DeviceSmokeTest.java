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
  @Test
  void kernelsRunOnTheDeviceAndPlansAreReused() {
    TornadoBackend gpu = Device.GPU;
    assertEquals("tornadovm", gpu.executor().name());
    System.out.println("TornadoVM device: " + ((TornadoExecutor) gpu.executor()).device());
    SplittableRandom r = new SplittableRandom(1);
    for (DType dtype : DType.values()) {
      Pair x = Pair.of(gpu, dtype, Pair.uniform(r, 1000, -3, 3));
      int plans = gpu.executor().plans();
      long launches = gpu.executor().launches();
      Pair.assertAgree("exp", Pair.CPU.unary(UnaryOp.EXP, x.cpu), gpu.unary(UnaryOp.EXP, x.gpu), 0);
      Pair.assertAgree("exp again", Pair.CPU.unary(UnaryOp.EXP, x.cpu), gpu.unary(UnaryOp.EXP, x.gpu), 0);
      assertEquals(plans + 1, gpu.executor().plans(), "the second launch of the same kernel and shape reuses its plan");
      assertEquals(launches + 2, gpu.executor().launches(), "both launches ran on the device");
    }
  }

  @Test
  void closingTheBackendReleasesItsPlans() {
    TornadoBackend gpu = (TornadoBackend) Backends.byName("tornado");
    float[] y = gpu.toFloatArray(gpu.fill(DType.F32, 5, 2.5));
    assertEquals(2.5f, y[4]);
    assertTrue(gpu.executor().plans() > 0);
    gpu.close();
    assertEquals(0, gpu.executor().plans(), "close frees every plan");
    var e = assertThrows(IllegalStateException.class, () -> gpu.fill(DType.F32, 5, 1));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }
}
