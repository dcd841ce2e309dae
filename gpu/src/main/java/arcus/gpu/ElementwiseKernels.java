package arcus.gpu;

/**
 * Elementwise kernels, written the TornadoVM way: static methods over flat primitive arrays, no
 * objects, no lambdas, no exceptions. Each method runs its {@code // @Parallel} loop over
 * [from, to); a TornadoVM task launches it once over the whole index space, the JVM executor
 * over chunks on several threads. Op codes are the ordinals of {@link arcus.core.UnaryOp} and
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
      case 1: return Math.exp(v);
      case 2: return Math.log(v);
      case 3: return Math.sqrt(v);
      case 4: return Math.abs(v);
      case 5: return Math.sin(v);
      case 6: return Math.cos(v);
      case 7: return Math.acos(v);
      case 8: return Math.tanh(v);
      case 9: return v >= 0 ? 1.0 / (1.0 + Math.exp(-v)) : Math.exp(v) / (1.0 + Math.exp(v));
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
      case 4: return Math.pow(x, y);
      case 5: return Math.max(x, y);
      case 6: return Math.min(x, y);
      case 7: return x > y ? 1 : 0;
      case 8: return x >= y ? 1 : 0;
      case 9: return x < y ? 1 : 0;
      case 10: return x <= y ? 1 : 0;
      case 11: return x == y ? 1 : 0;
      default: return x != y ? 1 : 0;
    }
  }

  static void castToDouble(float[] x, double[] y, int from, int to) {
    for (int i = from; i < to; i++) { // @Parallel
      y[i] = x[i];
    }
  }

  static void castToFloat(double[] x, float[] y, int from, int to) {
    for (int i = from; i < to; i++) { // @Parallel
      y[i] = (float) x[i];
    }
  }
  static void fill(float[] y, float value, int from, int to) {
    for (int i = from; i < to; i++) { // @Parallel
      y[i] = value;
    }
  }

  /** Single and double precision alike compute in double: for +, -, *, / and sqrt that rounds exactly as float arithmetic would. */
  static void unary(int op, float[] x, float[] y, int from, int to) {
    for (int i = from; i < to; i++) { // @Parallel
      y[i] = (float) unaryOp(op, x[i]);
    }
  }

  static void binary(int op, float[] a, int[] aStrides, float[] b, int[] bStrides, int[] dims, float[] out, int from, int to) {
    int r = dims.length;
    for (int i = from; i < to; i++) { // @Parallel
      int rem = i;
      int ao = 0;
      int bo = 0;
      for (int d = r - 1; d >= 0; d--) {
        int c = rem % dims[d];
        rem = rem / dims[d];
        ao += c * aStrides[d];
        bo += c * bStrides[d];
      }
      out[i] = (float) binaryOp(op, a[ao], b[bo]);
    }
  }

  static void where(float[] c, int[] cStrides, float[] a, int[] aStrides, float[] b, int[] bStrides, int[] dims, float[] out, int from, int to) {
    int r = dims.length;
    for (int i = from; i < to; i++) { // @Parallel
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
    for (int i = from; i < to; i++) { // @Parallel
      y[i] = value;
    }
  }

  static void unary(int op, double[] x, double[] y, int from, int to) {
    for (int i = from; i < to; i++) { // @Parallel
      y[i] = (double) unaryOp(op, x[i]);
    }
  }

  static void binary(int op, double[] a, int[] aStrides, double[] b, int[] bStrides, int[] dims, double[] out, int from, int to) {
    int r = dims.length;
    for (int i = from; i < to; i++) { // @Parallel
      int rem = i;
      int ao = 0;
      int bo = 0;
      for (int d = r - 1; d >= 0; d--) {
        int c = rem % dims[d];
        rem = rem / dims[d];
        ao += c * aStrides[d];
        bo += c * bStrides[d];
      }
      out[i] = (double) binaryOp(op, a[ao], b[bo]);
    }
  }

  static void where(double[] c, int[] cStrides, double[] a, int[] aStrides, double[] b, int[] bStrides, int[] dims, double[] out, int from, int to) {
    int r = dims.length;
    for (int i = from; i < to; i++) { // @Parallel
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
