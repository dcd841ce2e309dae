package arcus.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {
  @Test
  void constructorAndAccessorsCopy() {
    float[] data = {1, 2, 3};
    Tensor t = Tensor.of(data, 3);
    data[0] = 99;
    assertEquals(1, t.get(0));
    float[] out = t.toFloatArray();
    out[1] = 99;
    assertEquals(2, t.get(1));
  }

  @Test
  void opsReturnNewTensorsAndLeaveInputsAlone() {
    Tensor a = Tensor.of(new double[] {1, 2}, 2);
    Tensor b = a.add(1.0);
    assertArrayEquals(new double[] {1, 2}, a.toDoubleArray(), 0);
    assertArrayEquals(new double[] {2, 3}, b.toDoubleArray(), 0);
  }

  @Test
  void shapeMismatchNamesOpAndBothShapes() {
    Tensor a = Tensor.zeros(DType.F32, 2, 3), b = Tensor.zeros(DType.F32, 4, 3);
    var e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
    assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 3]"), e.getMessage());
    var m = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
    assertTrue(m.getMessage().contains("matmul") && m.getMessage().contains("[2, 3]") && m.getMessage().contains("[4, 3]"), m.getMessage());
  }

  @Test
  void badAxesAndSizesAreClearErrors() {
    Tensor a = Tensor.zeros(DType.F32, 2, 3);
    assertThrows(IllegalArgumentException.class, () -> a.sum(2));
    assertThrows(IllegalArgumentException.class, () -> a.reshape(4, 2));
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.F32, 2, -1));
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
    var e = assertThrows(IllegalArgumentException.class, () -> a.takeAlong(1, new int[] {0, 3}));
    assertTrue(e.getMessage().contains("3") && e.getMessage().contains("out of range"), e.getMessage());
    var d = assertThrows(IllegalArgumentException.class, () -> a.add(Tensor.zeros(DType.F64, 2, 3)));
    assertTrue(d.getMessage().contains("dtype"), d.getMessage());
  }

  @Test
  void knownValues() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(new double[] {5, 7, 9}, x.sum(0).toDoubleArray(), 0);
    assertArrayEquals(new double[] {3, 6}, x.max(1).toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, x.transpose().toDoubleArray(), 0);
    assertArrayEquals(new double[] {2, 4}, x.takeAlong(1, new int[] {1, 0}).toDoubleArray(), 0);
    assertArrayEquals(new double[] {4, 5, 6, 4, 5, 6}, x.indexSelect(0, new int[] {1, 1}).toDoubleArray(), 0);
    assertArrayEquals(new int[] {2, 2}, x.argmax(1));
    assertEquals(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), x.logSumExp(1, false).get(0), 1e-12);
    // logSumExp does not overflow
    assertEquals(1000 + Math.log(2), Tensor.of(new double[] {1000, 1000}, 1, 2).logSumExp(1, false).item(), 1e-9);
    Tensor w = Tensor.of(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);
    assertArrayEquals(new double[] {4, 5, 10, 11}, x.matmul(w).toDoubleArray(), 0);
  }

  @Test
  void convolutionKnownValue() {
    // 1 image, 1 channel 3x3, 2x2 ones kernel, no padding → sums of 2x2 windows
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    Tensor w = Tensor.ones(DType.F32, 1, 1, 2, 2);
    assertArrayEquals(new float[] {12, 16, 24, 28}, x.conv2d(w, Conv2dSpec.of(1, 0)).toFloatArray(), 0);
  }

  @Test
  void caffeCeilPoolingSizes() {
    Pool2dSpec p = Pool2dSpec.of(2, 2, true);
    assertEquals(14, p.outH(28));
    assertEquals(7, p.outH(14));
    assertEquals(4, p.outH(7));
    assertEquals(3, Pool2dSpec.of(2, 2, false).outH(7));
  }
}
