package arcus.gpu;

import static arcus.gpu.Device.GPU;

import arcus.core.BinaryOp;
import arcus.core.DType;
import arcus.core.PoolKind;
import arcus.core.ReduceOp;
import arcus.core.UnaryOp;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Every kernel, compiled by TornadoVM and run on its device, agrees with the CPU backend: the
 * checks of {@link KernelAgreementProperties} and {@link MatmulConvPoolAgreementProperties} on
 * random shapes (small odd sizes, so never a multiple of the work-group size), in both dtypes
 * and for every op code. Each kernel compiles once, for every shape (the arena design), but a
 * launch still costs about a millisecond of dispatch on PoCL, so tries are few; the
 * JVM-executor properties cover many more shapes of the same code.
 */
class DeviceAgreementProperties {
  @Property(tries = 2)
  void elementwise(@ForAll long seed) {
    for (DType dtype : DType.values()) {
      KernelAgreementProperties.hostRoundTripAndCast(GPU, seed, dtype);
      KernelAgreementProperties.fill(GPU, seed, dtype);
      for (UnaryOp op : UnaryOp.values()) KernelAgreementProperties.unary(GPU, seed, dtype, op);
      for (BinaryOp op : BinaryOp.values()) KernelAgreementProperties.binaryWithBroadcasting(GPU, seed, dtype, op);
      for (DType condType : DType.values()) KernelAgreementProperties.where(GPU, seed, dtype, condType);
    }
  }

  @Property(tries = 2)
  void reductions(@ForAll long seed) {
    for (DType dtype : DType.values()) {
      for (ReduceOp op : ReduceOp.values()) KernelAgreementProperties.reduce(GPU, seed, dtype, op);
      KernelAgreementProperties.argmax(GPU, seed, dtype);
    }
  }

  @Property(tries = 2)
  void layout(@ForAll long seed) {
    for (DType dtype : DType.values()) {
      KernelAgreementProperties.permute(GPU, seed, dtype);
      KernelAgreementProperties.broadcastTo(GPU, seed, dtype);
      KernelAgreementProperties.sliceAndPad(GPU, seed, dtype);
      KernelAgreementProperties.concat(GPU, seed, dtype);
      KernelAgreementProperties.takeAlongAndScatterAlong(GPU, seed, dtype);
      KernelAgreementProperties.indexSelectAndIndexAdd(GPU, seed, dtype);
    }
  }

  @Property(tries = 2)
  void matmulConvPool(@ForAll long seed) {
    for (DType dtype : DType.values()) {
      MatmulConvPoolAgreementProperties.matmul(GPU, seed, dtype);
      MatmulConvPoolAgreementProperties.conv2dForwardAndBackward(GPU, seed, dtype);
      for (PoolKind kind : PoolKind.values()) MatmulConvPoolAgreementProperties.pool2dForwardBackwardAndGather(GPU, seed, dtype, kind);
    }
  }
}
