package arcus.gpu;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;

/**
 * Reductions, parallel over output cells: each cell walks the reduced axes itself, so no two
 * work-items write one cell and no atomics are needed. {@code outDims} are the input's dims with
 * the reduced axes set to 1 and {@code outStrides} the input strides along them; {@code redDims}
 * / {@code redStrides} list only the reduced axes. Sums accumulate in the element type, like
 * the rest of the float32 path. A max starts from the first reduced element rather than from
 * −∞: TornadoVM 5.2 emits {@code Double.NEGATIVE_INFINITY} as a float literal, which makes the
 * double {@code fmax} ambiguous in OpenCL (an empty reduction is filled on the host instead).
 * The kernels are not named {@code sum}/{@code max}: a kernel named like an OpenCL builtin
 * breaks kernel creation on PoCL.
 */
final class ReduceKernels {
  private ReduceKernels() {}
  static void reduceSum(float[] x, int[] outDims, int[] outStrides, int[] redDims, int[] redStrides, int redCount, float[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int o = from + wi;
      int rem = o;
      int base = 0;
      for (int d = outDims.length - 1; d >= 0; d--) {
        base += (rem % outDims[d]) * outStrides[d];
        rem = rem / outDims[d];
      }
      float s = 0;
      for (int r = 0; r < redCount; r++) {
        int rr = r;
        int off = base;
        for (int d = redDims.length - 1; d >= 0; d--) {
          off += (rr % redDims[d]) * redStrides[d];
          rr = rr / redDims[d];
        }
        s += x[off];
      }
      out[o] = s;
    }
  }

  static void reduceMax(float[] x, int[] outDims, int[] outStrides, int[] redDims, int[] redStrides, int redCount, float[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int o = from + wi;
      int rem = o;
      int base = 0;
      for (int d = outDims.length - 1; d >= 0; d--) {
        base += (rem % outDims[d]) * outStrides[d];
        rem = rem / outDims[d];
      }
      float m = x[base];
      for (int r = 1; r < redCount; r++) {
        int rr = r;
        int off = base;
        for (int d = redDims.length - 1; d >= 0; d--) {
          off += (rr % redDims[d]) * redStrides[d];
          rr = rr / redDims[d];
        }
        m = TornadoMath.max(m, x[off]);
      }
      out[o] = m;
    }
  }

  /** Index of the first maximum along the middle axis of x viewed as [outer, axisLen, inner]. */
  static void argmax(float[] x, int axisLen, int inner, int[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int p = from + wi;
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

  static void reduceSum(double[] x, int[] outDims, int[] outStrides, int[] redDims, int[] redStrides, int redCount, double[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int o = from + wi;
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
      out[o] = s;
    }
  }

  static void reduceMax(double[] x, int[] outDims, int[] outStrides, int[] redDims, int[] redStrides, int redCount, double[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int o = from + wi;
      int rem = o;
      int base = 0;
      for (int d = outDims.length - 1; d >= 0; d--) {
        base += (rem % outDims[d]) * outStrides[d];
        rem = rem / outDims[d];
      }
      double m = x[base];
      for (int r = 1; r < redCount; r++) {
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
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int p = from + wi;
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
