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
 *
 * <p>Arena kernels ({@code a}: the arena, {@code m}: the launch's meta, see
 * {@link ElementwiseKernels}). The reduce kernels take
 * m = {n, from, xOff, yOff, rank, nRed, redCount, outDims[rank], outStrides[rank], redDims[nRed], redStrides[nRed]}.
 */
final class ReduceKernels {
  private ReduceKernels() {}

  static void reduceSum(float[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], r = m[4], nr = m[5], redCount = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int o = from + wi;
      int rem = o;
      int base = xo;
      for (int d = r - 1; d >= 0; d--) {
        base += (rem % m[7 + d]) * m[7 + r + d];
        rem = rem / m[7 + d];
      }
      float s = 0;
      for (int q = 0; q < redCount; q++) {
        int rr = q;
        int off = base;
        for (int d = nr - 1; d >= 0; d--) {
          off += (rr % m[7 + 2 * r + d]) * m[7 + 2 * r + nr + d];
          rr = rr / m[7 + 2 * r + d];
        }
        s += a[off];
      }
      a[yo + o] = s;
    }
  }

  static void reduceMax(float[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], r = m[4], nr = m[5], redCount = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int o = from + wi;
      int rem = o;
      int base = xo;
      for (int d = r - 1; d >= 0; d--) {
        base += (rem % m[7 + d]) * m[7 + r + d];
        rem = rem / m[7 + d];
      }
      float mx = a[base];
      for (int q = 1; q < redCount; q++) {
        int rr = q;
        int off = base;
        for (int d = nr - 1; d >= 0; d--) {
          off += (rr % m[7 + 2 * r + d]) * m[7 + 2 * r + nr + d];
          rr = rr / m[7 + 2 * r + d];
        }
        mx = TornadoMath.max(mx, a[off]);
      }
      a[yo + o] = mx;
    }
  }

  /**
   * Index of the first maximum along the middle axis of x viewed as [outer, axisLen, inner],
   * into the int arena {@code out}; m = {n, from, xOff, yOff, axisLen, inner}.
   */
  static void argmax(float[] a, int[] out, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], axisLen = m[4], inner = m[5];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int p = from + wi;
      int o = p / inner;
      int i = p % inner;
      int best = 0;
      float bv = a[xo + o * axisLen * inner + i];
      for (int k = 1; k < axisLen; k++) {
        float v = a[xo + (o * axisLen + k) * inner + i];
        if (v > bv) {
          bv = v;
          best = k;
        }
      }
      out[yo + p] = best;
    }
  }

  static void reduceSum(double[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], r = m[4], nr = m[5], redCount = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int o = from + wi;
      int rem = o;
      int base = xo;
      for (int d = r - 1; d >= 0; d--) {
        base += (rem % m[7 + d]) * m[7 + r + d];
        rem = rem / m[7 + d];
      }
      double s = 0;
      for (int q = 0; q < redCount; q++) {
        int rr = q;
        int off = base;
        for (int d = nr - 1; d >= 0; d--) {
          off += (rr % m[7 + 2 * r + d]) * m[7 + 2 * r + nr + d];
          rr = rr / m[7 + 2 * r + d];
        }
        s += a[off];
      }
      a[yo + o] = s;
    }
  }

  static void reduceMax(double[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], r = m[4], nr = m[5], redCount = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int o = from + wi;
      int rem = o;
      int base = xo;
      for (int d = r - 1; d >= 0; d--) {
        base += (rem % m[7 + d]) * m[7 + r + d];
        rem = rem / m[7 + d];
      }
      double mx = a[base];
      for (int q = 1; q < redCount; q++) {
        int rr = q;
        int off = base;
        for (int d = nr - 1; d >= 0; d--) {
          off += (rr % m[7 + 2 * r + d]) * m[7 + 2 * r + nr + d];
          rr = rr / m[7 + 2 * r + d];
        }
        mx = Math.max(mx, a[off]);
      }
      a[yo + o] = mx;
    }
  }

  /**
   * Index of the first maximum along the middle axis of x viewed as [outer, axisLen, inner],
   * into the int arena {@code out}; m = {n, from, xOff, yOff, axisLen, inner}.
   */
  static void argmax(double[] a, int[] out, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], axisLen = m[4], inner = m[5];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int p = from + wi;
      int o = p / inner;
      int i = p % inner;
      int best = 0;
      double bv = a[xo + o * axisLen * inner + i];
      for (int k = 1; k < axisLen; k++) {
        double v = a[xo + (o * axisLen + k) * inner + i];
        if (v > bv) {
          bv = v;
          best = k;
        }
      }
      out[yo + p] = best;
    }
  }
}
