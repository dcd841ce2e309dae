package arcus.gpu;

import arcus.core.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The whole-network checks of {@link StepChecks} with the kernels run on the JVM executor. */
class NetworkOnJvmKernelsTest {
  @Test
  void everyLossRunsOnTheTornadoBackend() {
    TornadoBackend gpu = TornadoBackend.onJvm();
    for (DType dtype : DType.values()) StepChecks.everyLossAgrees(gpu, dtype);
  }

  @Test
  void aFullLSoftmaxMnistArcFaceStepEqualsTheCpuBackends() {
    StepChecks.lsoftmaxMnistArcFaceStepAgrees(TornadoBackend.onJvm(), 3);
  }

  /**
   * Device blocks are freed when their storage becomes unreachable, so a collection at the wrong
   * moment must never free a block a launch still uses: the same step 20 times while another
   * thread asks for a collection every 2 ms (the tests run with freed blocks filled with NaN, so a
   * use after free shows as NaN or a wrong number). It reproduced, now and then, the overlapping
   * blocks the arena gave out until 2026-11-28 (docs/gpu.md); about 1.5 minutes, so on demand:
   * {@code ARCUS_STRESS=1 ./bin/test -pl gpu -Dtest=NetworkOnJvmKernelsTest}.
   */
  @Test
  @EnabledIfEnvironmentVariable(named = "ARCUS_STRESS", matches = "1")
  void aStepStaysRightWhileGarbageIsCollectedUnderIt() throws InterruptedException {
    Thread collector = Thread.ofPlatform().daemon().start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    try {
      TornadoBackend gpu = TornadoBackend.onJvm();
      for (int i = 0; i < 20; i++) StepChecks.lsoftmaxMnistArcFaceStepAgrees(gpu, 3);
    } finally {
      collector.interrupt();
      collector.join();
    }
  }

  /** The resident design's transfer counts, on the JVM executor (no meta arrays: nothing to copy). */
  @Test
  void aTrainingStepTransfersOnlyTheBatchAndTheLoss() {
    StepChecks.assertLenetStepTransfers(TornadoBackend.onJvm(), 0);
  }
}
