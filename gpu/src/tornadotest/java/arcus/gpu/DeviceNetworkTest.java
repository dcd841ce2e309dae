package arcus.gpu;

import static arcus.gpu.Device.GPU;

import arcus.core.DType;
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
   * Data stays on the device: a LeNet + ArcFace training step at steady state uploads only its
   * batch and downloads only its loss, plus one small meta array per execution; parameters are
   * not uploaded again; no step after the first compiles anything; the loss falls.
   */
  @Test
  void aTrainingStepTransfersOnlyTheBatchTheLossAndTheLaunchMeta() {
    StepChecks.assertLenetStepTransfers(GPU, 1);
  }
}
