package arcus.gpu;

/**
 * Data movement for the shape ops, each a parallel loop over the cells of its output (or, for
 * {@code place}, of its input) computing one source and one destination offset. {@code gather}
 * covers permute, broadcast and slice (a strided view read densely); {@code place} covers concat
 * and pad (a dense block written into a strided box of a zero-filled output).
 */
final class LayoutKernels {
  private LayoutKernels() {}
  /** out[i] = x[base + Σ_d coord_d(i) · strides[d]] with coordinates of i over {@code dims}. */
  static void gather(float[] x, int base, int[] strides, int[] dims, float[] out, int from, int to) {
    for (int i = from; i < to; i++) { // @Parallel
      int rem = i;
      int off = base;
      for (int d = dims.length - 1; d >= 0; d--) {
        off += (rem % dims[d]) * strides[d];
        rem = rem / dims[d];
      }
      out[i] = x[off];
    }
  }

  /** out[base + Σ_d coord_d(i) · strides[d]] = part[i]: writes a dense block into a box of out. */
  static void place(float[] part, int base, int[] strides, int[] dims, float[] out, int from, int to) {
    for (int i = from; i < to; i++) { // @Parallel
      int rem = i;
      int off = base;
      for (int d = dims.length - 1; d >= 0; d--) {
        off += (rem % dims[d]) * strides[d];
        rem = rem / dims[d];
      }
      out[off] = part[i];
    }
  }

  /** x viewed as [outer, axisLen, inner]; out[p] = x[o, idx[p], i] for p = o·inner + i. */
  static void takeAlong(float[] x, int axisLen, int inner, int[] idx, float[] out, int from, int to) {
    for (int p = from; p < to; p++) { // @Parallel
      int o = p / inner;
      int i = p % inner;
      out[p] = x[(o * axisLen + idx[p]) * inner + i];
    }
  }

  /** The adjoint of takeAlong on a zero-filled out of shape [outer, size, inner]. */
  static void scatterAlong(float[] g, int size, int inner, int[] idx, float[] out, int from, int to) {
    for (int p = from; p < to; p++) { // @Parallel
      int o = p / inner;
      int i = p % inner;
      out[(o * size + idx[p]) * inner + i] = g[p];
    }
  }

  /** out[o, j, i] = x[o, idx[j], i]. */
  static void indexSelect(float[] x, int axisLen, int inner, int[] idx, float[] out, int from, int to) {
    int n = idx.length;
    for (int e = from; e < to; e++) { // @Parallel
      int i = e % inner;
      int j = (e / inner) % n;
      int o = e / (inner * n);
      out[e] = x[(o * axisLen + idx[j]) * inner + i];
    }
  }

  /**
   * out[o, idx[j], i] += g[o, j, i] on a zero-filled out, parallel over the columns (o, i): each
   * work-item owns its column, so repeated indices add up without atomics, in j order.
   */
  static void indexAdd(float[] g, int n, int size, int inner, int[] idx, float[] out, int from, int to) {
    for (int q = from; q < to; q++) { // @Parallel
      int o = q / inner;
      int i = q % inner;
      for (int j = 0; j < n; j++) {
        out[(o * size + idx[j]) * inner + i] += g[(o * n + j) * inner + i];
      }
    }
  }

  static void gather(double[] x, int base, int[] strides, int[] dims, double[] out, int from, int to) {
    for (int i = from; i < to; i++) { // @Parallel
      int rem = i;
      int off = base;
      for (int d = dims.length - 1; d >= 0; d--) {
        off += (rem % dims[d]) * strides[d];
        rem = rem / dims[d];
      }
      out[i] = x[off];
    }
  }

  static void place(double[] part, int base, int[] strides, int[] dims, double[] out, int from, int to) {
    for (int i = from; i < to; i++) { // @Parallel
      int rem = i;
      int off = base;
      for (int d = dims.length - 1; d >= 0; d--) {
        off += (rem % dims[d]) * strides[d];
        rem = rem / dims[d];
      }
      out[off] = part[i];
    }
  }

  static void takeAlong(double[] x, int axisLen, int inner, int[] idx, double[] out, int from, int to) {
    for (int p = from; p < to; p++) { // @Parallel
      int o = p / inner;
      int i = p % inner;
      out[p] = x[(o * axisLen + idx[p]) * inner + i];
    }
  }

  static void scatterAlong(double[] g, int size, int inner, int[] idx, double[] out, int from, int to) {
    for (int p = from; p < to; p++) { // @Parallel
      int o = p / inner;
      int i = p % inner;
      out[(o * size + idx[p]) * inner + i] = g[p];
    }
  }

  static void indexSelect(double[] x, int axisLen, int inner, int[] idx, double[] out, int from, int to) {
    int n = idx.length;
    for (int e = from; e < to; e++) { // @Parallel
      int i = e % inner;
      int j = (e / inner) % n;
      int o = e / (inner * n);
      out[e] = x[(o * axisLen + idx[j]) * inner + i];
    }
  }

  static void indexAdd(double[] g, int n, int size, int inner, int[] idx, double[] out, int from, int to) {
    for (int q = from; q < to; q++) { // @Parallel
      int o = q / inner;
      int i = q % inner;
      for (int j = 0; j < n; j++) {
        out[(o * size + idx[j]) * inner + i] += g[(o * n + j) * inner + i];
      }
    }
  }
}
