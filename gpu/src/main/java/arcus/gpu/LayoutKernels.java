package arcus.gpu;

import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Data movement for the shape ops, each a parallel loop over the cells of its output computing
 * one source and one destination offset. {@code gather} covers permute, broadcast and slice (a strided view read densely); {@code embed} covers concat
 * and pad (a dense block written into a box of an output whose other cells come from {@code prev}).
 */
final class LayoutKernels {
  private LayoutKernels() {}
  /** out[i] = x[base + Σ_d coord_d(i) · strides[d]] with coordinates of i over {@code dims}. */
  static void gather(float[] x, int base, int[] strides, int[] dims, float[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      int rem = i;
      int off = base;
      for (int d = dims.length - 1; d >= 0; d--) {
        off += (rem % dims[d]) * strides[d];
        rem = rem / dims[d];
      }
      out[i] = x[off];
    }
  }

  /**
   * out = prev with the dense block {@code part} (dims {@code partDims}) written at corner
   * {@code lo} of the {@code outDims} box: pad (prev all zeros) and each step of concat.
   * Parallel over every output cell, so every cell is written (TornadoVM does not copy an array
   * a kernel only writes to the device, so cells left unwritten would come back as garbage).
   */
  static void embed(float[] part, int[] lo, int[] partDims, int[] outDims, float[] prev, float[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int e = from + wi;
      int rem = e;
      int off = 0;
      int stride = 1;
      int inside = 1;
      for (int d = outDims.length - 1; d >= 0; d--) {
        int c = rem % outDims[d] - lo[d];
        rem = rem / outDims[d];
        if (c < 0 || c >= partDims[d]) inside = 0;
        off += c * stride;
        stride *= partDims[d];
      }
      out[e] = inside == 1 ? part[off] : prev[e];
    }
  }

  /** x viewed as [outer, axisLen, inner]; out[p] = x[o, idx[p], i] for p = o·inner + i. */
  static void takeAlong(float[] x, int axisLen, int inner, int[] idx, float[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int p = from + wi;
      int o = p / inner;
      int i = p % inner;
      out[p] = x[(o * axisLen + idx[p]) * inner + i];
    }
  }

  /**
   * The adjoint of takeAlong: out [outer, size, inner] holds g[o, i] at (o, idx[o·inner + i], i)
   * and zeros elsewhere. Parallel over the output cells, so every cell is written.
   */
  static void scatterAlong(float[] g, int size, int inner, int[] idx, float[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int e = from + wi;
      int i = e % inner;
      int s = (e / inner) % size;
      int o = e / (inner * size);
      int p = o * inner + i;
      out[e] = idx[p] == s ? g[p] : 0;
    }
  }

  /** out[o, j, i] = x[o, idx[j], i]. */
  static void indexSelect(float[] x, int axisLen, int inner, int[] idx, float[] out, int from, int to) {
    int n = idx.length;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int e = from + wi;
      int i = e % inner;
      int j = (e / inner) % n;
      int o = e / (inner * n);
      out[e] = x[(o * axisLen + idx[j]) * inner + i];
    }
  }

  /**
   * out[o, s, i] = Σ over j with idx[j] = s of g[o, j, i]: the adjoint of indexSelect, parallel
   * over the output cells (o, s, i). Each work-item owns its cell, so repeated indices add up
   * without atomics, in j order, and cells no index names are written as 0.
   */
  static void indexAdd(float[] g, int n, int size, int inner, int[] idx, float[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int e = from + wi;
      int i = e % inner;
      int s = (e / inner) % size;
      int o = e / (inner * size);
      float acc = 0;
      for (int j = 0; j < n; j++) {
        if (idx[j] == s) acc += g[(o * n + j) * inner + i];
      }
      out[e] = acc;
    }
  }

  static void gather(double[] x, int base, int[] strides, int[] dims, double[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      int rem = i;
      int off = base;
      for (int d = dims.length - 1; d >= 0; d--) {
        off += (rem % dims[d]) * strides[d];
        rem = rem / dims[d];
      }
      out[i] = x[off];
    }
  }

  /**
   * out = prev with the dense block {@code part} (dims {@code partDims}) written at corner
   * {@code lo} of the {@code outDims} box: pad (prev all zeros) and each step of concat.
   * Parallel over every output cell, so every cell is written (TornadoVM does not copy an array
   * a kernel only writes to the device, so cells left unwritten would come back as garbage).
   */
  static void embed(double[] part, int[] lo, int[] partDims, int[] outDims, double[] prev, double[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int e = from + wi;
      int rem = e;
      int off = 0;
      int stride = 1;
      int inside = 1;
      for (int d = outDims.length - 1; d >= 0; d--) {
        int c = rem % outDims[d] - lo[d];
        rem = rem / outDims[d];
        if (c < 0 || c >= partDims[d]) inside = 0;
        off += c * stride;
        stride *= partDims[d];
      }
      out[e] = inside == 1 ? part[off] : prev[e];
    }
  }

  static void takeAlong(double[] x, int axisLen, int inner, int[] idx, double[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int p = from + wi;
      int o = p / inner;
      int i = p % inner;
      out[p] = x[(o * axisLen + idx[p]) * inner + i];
    }
  }

  /**
   * The adjoint of takeAlong: out [outer, size, inner] holds g[o, i] at (o, idx[o·inner + i], i)
   * and zeros elsewhere. Parallel over the output cells, so every cell is written.
   */
  static void scatterAlong(double[] g, int size, int inner, int[] idx, double[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int e = from + wi;
      int i = e % inner;
      int s = (e / inner) % size;
      int o = e / (inner * size);
      int p = o * inner + i;
      out[e] = idx[p] == s ? g[p] : 0;
    }
  }

  static void indexSelect(double[] x, int axisLen, int inner, int[] idx, double[] out, int from, int to) {
    int n = idx.length;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int e = from + wi;
      int i = e % inner;
      int j = (e / inner) % n;
      int o = e / (inner * n);
      out[e] = x[(o * axisLen + idx[j]) * inner + i];
    }
  }

  /**
   * out[o, s, i] = Σ over j with idx[j] = s of g[o, j, i]: the adjoint of indexSelect, parallel
   * over the output cells (o, s, i). Each work-item owns its cell, so repeated indices add up
   * without atomics, in j order, and cells no index names are written as 0.
   */
  static void indexAdd(double[] g, int n, int size, int inner, int[] idx, double[] out, int from, int to) {
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int e = from + wi;
      int i = e % inner;
      int s = (e / inner) % size;
      int o = e / (inner * size);
      double acc = 0;
      for (int j = 0; j < n; j++) {
        if (idx[j] == s) acc += g[(o * n + j) * inner + i];
      }
      out[e] = acc;
    }
  }
}
