package arcus.gpu;

import arcus.core.DType;
import org.junit.jupiter.api.Test;

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

  /** The resident design's transfer counts, on the JVM executor (no meta arrays: nothing to copy). */
  @Test
  void aTrainingStepTransfersOnlyTheBatchAndTheLoss() {
    StepChecks.assertLenetStepTransfers(TornadoBackend.onJvm(), 0);
  }
}
