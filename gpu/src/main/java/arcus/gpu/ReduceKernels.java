package arcus.gpu;

/**
 * Reductions, parallel over output cells: each cell walks the reduced axes itself, so no two
 * work-items write one cell and no atomics are needed. {@code outDims} are the input's dims with
 * the reduced axes set to 1 and {@code outStrides} the input strides along them; {@code redDims}
 * / {@code redStrides} list only the reduced axes. Sums accumulate in double.
 */
final class ReduceKernels {
  private ReduceKernels() {}
  static void sum(float[] x, int[] outDims, int[] outStrides, int[] redDims, int[] redStrides, int redCount, float[] out, int from, int to) {
    for (int o = from; o < to; o++) { // @Parallel
      int rem = o;
      int base = 0;
      for (int d = outDims.length - 1; d >= 0; d--) {
        base += (rem % outDims[d]) * outStrides[d];
        rem = rem / outDims[d];
      }
      double s = 0;
      for (int r = 0; r < redCount; r++) {
        int rr = r;
        int off = base;
        for (int d = redDims.length - 1; d >= 0; d--) {
          off += (rr % redDims[d]) * redStrides[d];
          rr = rr / redDims[d];
        }
        s += x[off];
      }
      out[o] = (float) s;
    }
  }

  static void max(float[] x, int[] outDims, int[] outStrides, int[] redDims, int[] redStrides, int redCount, float[] out, int from, int to) {
    for (int o = from; o < to; o++) { // @Parallel
      int rem = o;
      int base = 0;
      for (int d = outDims.length - 1; d >= 0; d--) {
        base += (rem % outDims[d]) * outStrides[d];
        rem = rem / outDims[d];
      }
      float m = Float.NEGATIVE_INFINITY;
      for (int r = 0; r < redCount; r++) {
        int rr = r;
        int off = base;
        for (int d = redDims.length - 1; d >= 0; d--) {
          off += (rr % redDims[d]) * redStrides[d];
          rr = rr / redDims[d];
        }
        m = Math.max(m, x[off]);
      }
      out[o] = m;
    }
  }

  /** Index of the first maximum along the middle axis of x viewed as [outer, axisLen, inner]. */
  static void argmax(float[] x, int axisLen, int inner, int[] out, int from, int to) {
    for (int p = from; p < to; p++) { // @Parallel
      int o = p / inner;
      int i = p % inner;
      int best = 0;
      float bv = x[o * axisLen * inner + i];
      for (int k = 1; k < axisLen; k++) {
        float v = x[(o * axisLen + k) * inner + i];
        if (v > bv) {
          bv = v;
          best = k;
        }
      }
      out[p] = best;
    }
  }

  static void sum(double[] x, int[] outDims, int[] outStrides, int[] redDims, int[] redStrides, int redCount, double[] out, int from, int to) {
    for (int o = from; o < to; o++) { // @Parallel
      int rem = o;
      int base = 0;
      for (int d = outDims.length - 1; d >= 0; d--) {
        base += (rem % outDims[d]) * outStrides[d];
        rem = rem / outDims[d];
      }
      double s = 0;
      for (int r = 0; r < redCount; r++) {
        int rr = r;
        int off = base;
        for (int d = redDims.length - 1; d >= 0; d--) {
          off += (rr % redDims[d]) * redStrides[d];
          rr = rr / redDims[d];
        }
        s += x[off];
      }
      out[o] = (double) s;
    }
  }

  static void max(double[] x, int[] outDims, int[] outStrides, int[] redDims, int[] redStrides, int redCount, double[] out, int from, int to) {
    for (int o = from; o < to; o++) { // @Parallel
      int rem = o;
      int base = 0;
      for (int d = outDims.length - 1; d >= 0; d--) {
        base += (rem % outDims[d]) * outStrides[d];
        rem = rem / outDims[d];
      }
      double m = Double.NEGATIVE_INFINITY;
      for (int r = 0; r < redCount; r++) {
        int rr = r;
        int off = base;
        for (int d = redDims.length - 1; d >= 0; d--) {
          off += (rr % redDims[d]) * redStrides[d];
          rr = rr / redDims[d];
        }
        m = Math.max(m, x[off]);
      }
      out[o] = m;
    }
  }

  static void argmax(double[] x, int axisLen, int inner, int[] out, int from, int to) {
    for (int p = from; p < to; p++) { // @Parallel
      int o = p / inner;
      int i = p % inner;
      int best = 0;
      double bv = x[o * axisLen * inner + i];
      for (int k = 1; k < axisLen; k++) {
        double v = x[(o * axisLen + k) * inner + i];
        if (v > bv) {
          bv = v;
          best = k;
        }
      }
      out[p] = best;
    }
  }
}
