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
 *
 * <p>Every kernel works in the device arena: {@code a} is the whole arena of its element type
 * and {@code m} the launch's meta array, {@code m[0]} items from item {@code m[1]} (0 on the
 * device, a chunk start on the JVM executor), then the kernel's offsets, op code and index
 * tables as listed on each method (see {@link TornadoBackend}).
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

  /** m = {n, from, xOff, yOff}. */
  static void castToDouble(float[] x, double[] y, int[] m) {
    int from = m[1], xo = m[2], yo = m[3];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      y[yo + i] = x[xo + i];
    }
  }

  /** m = {n, from, xOff, yOff}. */
  static void castToFloat(double[] x, float[] y, int[] m) {
    int from = m[1], xo = m[2], yo = m[3];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      y[yo + i] = (float) x[xo + i];
    }
  }

  /** m = {n, from, yOff}; the value is s[0]. */
  static void fill(float[] a, float[] s, int[] m) {
    int from = m[1], yo = m[2];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      a[yo + i] = s[0];
    }
  }

  /** m = {n, from, op, xOff, yOff}. */
  static void unary(float[] a, int[] m) {
    int from = m[1], op = m[2], xo = m[3], yo = m[4];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      a[yo + i] = unaryOpF(op, a[xo + i]);
    }
  }

  /** m = {n, from, op, rank, aOff, bOff, yOff, aStrides[rank], bStrides[rank], dims[rank]}. */
  static void binary(float[] a, int[] m) {
    int from = m[1], op = m[2], r = m[3], ao0 = m[4], bo0 = m[5], yo = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      int rem = i;
      int ao = ao0;
      int bo = bo0;
      for (int d = r - 1; d >= 0; d--) {
        int c = rem % m[7 + 2 * r + d];
        rem = rem / m[7 + 2 * r + d];
        ao += c * m[7 + d];
        bo += c * m[7 + r + d];
      }
      a[yo + i] = binaryOpF(op, a[ao], a[bo]);
    }
  }

  /** m = {n, from, rank, cOff, aOff, bOff, yOff, cStrides[rank], aStrides[rank], bStrides[rank], dims[rank]}. */
  static void where(float[] a, int[] m) {
    int from = m[1], r = m[2], co0 = m[3], ao0 = m[4], bo0 = m[5], yo = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      int rem = i;
      int co = co0;
      int ao = ao0;
      int bo = bo0;
      for (int d = r - 1; d >= 0; d--) {
        int k = rem % m[7 + 3 * r + d];
        rem = rem / m[7 + 3 * r + d];
        co += k * m[7 + d];
        ao += k * m[7 + r + d];
        bo += k * m[7 + 2 * r + d];
      }
      a[yo + i] = a[co] != 0 ? a[ao] : a[bo];
    }
  }

  /** m = {n, from, yOff}; the value is s[0]. */
  static void fill(double[] a, double[] s, int[] m) {
    int from = m[1], yo = m[2];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      a[yo + i] = s[0];
    }
  }

  /** m = {n, from, op, xOff, yOff}. */
  static void unary(double[] a, int[] m) {
    int from = m[1], op = m[2], xo = m[3], yo = m[4];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      a[yo + i] = unaryOp(op, a[xo + i]);
    }
  }

  /** m = {n, from, op, rank, aOff, bOff, yOff, aStrides[rank], bStrides[rank], dims[rank]}. */
  static void binary(double[] a, int[] m) {
    int from = m[1], op = m[2], r = m[3], ao0 = m[4], bo0 = m[5], yo = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      int rem = i;
      int ao = ao0;
      int bo = bo0;
      for (int d = r - 1; d >= 0; d--) {
        int c = rem % m[7 + 2 * r + d];
        rem = rem / m[7 + 2 * r + d];
        ao += c * m[7 + d];
        bo += c * m[7 + r + d];
      }
      a[yo + i] = binaryOp(op, a[ao], a[bo]);
    }
  }

  /** m = {n, from, rank, cOff, aOff, bOff, yOff, cStrides[rank], aStrides[rank], bStrides[rank], dims[rank]}. */
  static void where(double[] a, int[] m) {
    int from = m[1], r = m[2], co0 = m[3], ao0 = m[4], bo0 = m[5], yo = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      int rem = i;
      int co = co0;
      int ao = ao0;
      int bo = bo0;
      for (int d = r - 1; d >= 0; d--) {
        int k = rem % m[7 + 3 * r + d];
        rem = rem / m[7 + 3 * r + d];
        co += k * m[7 + d];
        ao += k * m[7 + r + d];
        bo += k * m[7 + 2 * r + d];
      }
      a[yo + i] = a[co] != 0 ? a[ao] : a[bo];
    }
  }
}
