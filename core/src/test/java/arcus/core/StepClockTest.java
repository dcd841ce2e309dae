package arcus.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepClockTest {
  private static final Rng RNG = new Rng(3);

  /** A loss through one convolution and one matmul, differentiated once. */
  private static double step() {
    Tensor x = RNG.normal(DType.F32, 0, 1, 4, 3, 9, 9), w = RNG.normal(DType.F32, 0, 1, 5, 3, 3, 3), v = RNG.normal(DType.F32, 0, 1, 5 * 81, 7);
    var r = Autodiff.valueAndGrad((List<Tensor> p) -> p.get(0).conv2d(p.get(1), Conv2dSpec.of(1, 1)).reshape(4, 5 * 81).matmul(p.get(2)).square().sum(),
        List.of(x, w, v));
    return r.value().item();
  }

  @Test
  void boundClockSplitsTheStepIntoPhasesAndKernels() {
    StepClock clock = new StepClock();
    double loss = clock.during(StepClockTest::step);
    assertTrue(Double.isFinite(loss));
    long fwd = clock.phaseNanos(StepClock.Phase.FORWARD), bwd = clock.phaseNanos(StepClock.Phase.BACKWARD);
    assertTrue(fwd > 0 && bwd > 0, fwd + " " + bwd);
    assertEquals(0, clock.phaseNanos(StepClock.Phase.UPDATE), "no optimizer ran");
    assertEquals(fwd + bwd, clock.totalNanos());
    // forward: one conv and one matmul; backward: two conv gradients and two matmuls
    long gemm = clock.kernelNanos(StepClock.Kernel.GEMM), conv = clock.kernelNanos(StepClock.Kernel.CONV);
    assertTrue(gemm > 0 && conv > 0, gemm + " " + conv);
    assertTrue(gemm + conv <= clock.totalNanos(), "kernels are part of the phases");
  }

  @Test
  void unboundTheHooksDoNothing() {
    assertNull(StepClock.current());
    step();
    StepClock.mark(StepClock.Phase.UPDATE); // no clock: ignored
    StepClock clock = new StepClock();
    assertEquals(0, clock.totalNanos());
  }
}
