package arcus.gpu;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;

/**
 * Elementwise kernels, written the TornadoVM way: static methods over flat primitive arrays, no
 * objects, no lambdas, no exceptions. Each method's {@code @Parallel} loop starts at the constant
 * 0 (TornadoVM refuses any other start) and covers the {@code to - from} indices from
 * {@code from}: a TornadoVM task launches it once with [0, n), the JVM executor over chunks on
 * several threads. float32 kernels compute in float32 ({@code TornadoMath}'s float builtins),
 * float64 kernels in float64. Op codes are the ordinals of {@link arcus.core.UnaryOp} and
 * {@link arcus.core.BinaryOp} (enums are objects, which a device kernel cannot take).
 *
 * <p>Broadcasting is expressed with per-operand strides over the output's dimensions (stride 0
 * along a broadcast axis), so every output cell computes its own operand offsets.
 */
final class ElementwiseKernels {
  private ElementwiseKernels() {}

  static double unaryOp(int op, double v) {
    switch (op) {
      case 0: return -v;
      case 1: return TornadoMath.exp(v);
      case 2: return TornadoMath.log(v);
      case 3: return TornadoMath.sqrt(v);
      case 4: return TornadoMath.abs(v);
      case 5: return TornadoMath.sin(v);
      case 6: return TornadoMath.cos(v);
      case 7: return TornadoMath.acos(v);
      case 8: return TornadoMath.tanh(v);
      case 9: return v >= 0 ? 1.0 / (1.0 + TornadoMath.exp(-v)) : TornadoMath.exp(v) / (1.0 + TornadoMath.exp(v));
      case 10: return v > 0 ? v : 0.0;
      default: return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0);
    }
  }

  static double binaryOp(int op, double x, double y) {
    switch (op) {
      case 0: return x + y;
      case 1: return x - y;
      case 2: return x * y;
      case 3: return x / y;
      case 4: return TornadoMath.pow(x, y);
      case 5: return TornadoMath.max(x, y);
      case 6: return TornadoMath.min(x, y);
      case 7: return x > y ? 1.0 : 0.0;
      case 8: return x >= y ? 1.0 : 0.0;
      case 9: return x < y ? 1.0 : 0.0;
      case 10: return x <= y ? 1.0 : 0.0;
      case 11: return x == y ? 1.0 : 0.0;
      default: return x != y ? 1.0 : 0.0;
    }
  }

  static float unaryOpF(int op, float v) {
    switch (op) {
      case 0: return -v;
      case 1: return TornadoMath.exp(v);
      case 2: return TornadoMath.log(v);
      case 3: return TornadoMath.sqrt(v);
      case 4: return TornadoMath.abs(v);
      case 5: return TornadoMath.sin(v);
      case 6: return TornadoMath.cos(v);
      case 7: return TornadoMath.acos(v);
      case 8: return TornadoMath.tanh(v);
      case 9: return v >= 0 ? 1.0f / (1.0f + TornadoMath.exp(-v)) : TornadoMath.exp(v) / (1.0f + TornadoMath.exp(v));
      case 10: return v > 0 ? v : 0.0f;
      default: return v > 0 ? 1.0f : (v < 0 ? -1.0f : 0.0f);
    }
  }

  static float binaryOpF(int op, float x, float y) {
    switch (op) {
      case 0: return x + y;
      case 1: return x - y;
      case 2: return x * y;
      case 3: return x / y;
      case 4: return TornadoMath.pow(x, y);
      case 5: return TornadoMath.max(x, y);
      case 6: return TornadoMath.min(x, y);
      case 7: return x > y ? 1.0f : 0.0f;
      case 8: return x >= y ? 1.0f : 0.0f;
      case 9: return x < y ? 1.0f : 0.0f;
      case 10: return x <= y ? 1.0f : 0.0f;
      case 11: return x == y ? 1.0f : 0.0f;
      default: return x != y ? 1.0f : 0.0f;
    }
  }

  static void castToDouble(float[] x, double[] y, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      y[i] = x[i];
    }
  }

  static void castToFloat(double[] x, float[] y, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      y[i] = (float) x[i];
    }
  }
  static void fill(float[] y, float value, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      y[i] = value;
    }
  }

  static void unary(int op, float[] x, float[] y, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      y[i] = unaryOpF(op, x[i]);
    }
  }

  static void binary(int op, float[] a, int[] aStrides, float[] b, int[] bStrides, int[] dims, float[] out, int from, int to) {
    int r = dims.length;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      int rem = i;
      int ao = 0;
      int bo = 0;
      for (int d = r - 1; d >= 0; d--) {
        int c = rem % dims[d];
        rem = rem / dims[d];
        ao += c * aStrides[d];
        bo += c * bStrides[d];
      }
      out[i] = binaryOpF(op, a[ao], b[bo]);
    }
  }

  static void where(float[] c, int[] cStrides, float[] a, int[] aStrides, float[] b, int[] bStrides, int[] dims, float[] out, int from, int to) {
    int r = dims.length;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      int rem = i;
      int co = 0;
      int ao = 0;
      int bo = 0;
      for (int d = r - 1; d >= 0; d--) {
        int k = rem % dims[d];
        rem = rem / dims[d];
        co += k * cStrides[d];
        ao += k * aStrides[d];
        bo += k * bStrides[d];
      }
      out[i] = c[co] != 0 ? a[ao] : b[bo];
    }
  }

  static void fill(double[] y, double value, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      y[i] = value;
    }
  }

  static void unary(int op, double[] x, double[] y, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      y[i] = unaryOp(op, x[i]);
    }
  }

  static void binary(int op, double[] a, int[] aStrides, double[] b, int[] bStrides, int[] dims, double[] out, int from, int to) {
    int r = dims.length;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      int rem = i;
      int ao = 0;
      int bo = 0;
      for (int d = r - 1; d >= 0; d--) {
        int c = rem % dims[d];
        rem = rem / dims[d];
        ao += c * aStrides[d];
        bo += c * bStrides[d];
      }
      out[i] = binaryOp(op, a[ao], b[bo]);
    }
  }

  static void where(double[] c, int[] cStrides, double[] a, int[] aStrides, double[] b, int[] bStrides, int[] dims, double[] out, int from, int to) {
    int r = dims.length;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      int rem = i;
      int co = 0;
      int ao = 0;
      int bo = 0;
      for (int d = r - 1; d >= 0; d--) {
        int k = rem % dims[d];
        rem = rem / dims[d];
        co += k * cStrides[d];
        ao += k * aStrides[d];
        bo += k * bStrides[d];
      }
      out[i] = c[co] != 0 ? a[ao] : b[bo];
    }
  }
}
