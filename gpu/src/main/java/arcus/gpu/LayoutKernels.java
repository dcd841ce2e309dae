package arcus.gpu;

import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Data movement for the shape ops, each a parallel loop over the cells of its output computing
 * one source and one destination offset. {@code gather} covers permute, broadcast and slice (a strided view read densely); {@code embed} covers concat
 * and pad (a dense block written into a box of an output whose other cells come from {@code prev}).
 * Arena kernels ({@code a}: the arena, {@code m}: the launch's meta, see {@link ElementwiseKernels});
 * index tables travel in the meta array. Each kernel writes every cell of its output (TornadoVM
 * 5.2 does not copy in an array a kernel only writes; in the arena this no longer matters, but
 * it keeps the outputs defined).
 */
final class LayoutKernels {
  private LayoutKernels() {}

  /** out[i] = x[xOff + Σ_d coord_d(i) · strides[d]]; m = {n, from, xOff, yOff, rank, strides[rank], dims[rank]}. */
  static void gather(float[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], r = m[4];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      int rem = i;
      int off = xo;
      for (int d = r - 1; d >= 0; d--) {
        off += (rem % m[5 + r + d]) * m[5 + d];
        rem = rem / m[5 + r + d];
      }
      a[yo + i] = a[off];
    }
  }

  /**
   * out = prev with the dense block part (dims partDims) written at corner lo of the outDims
   * box: pad (prev all zeros) and each step of concat, parallel over every output cell.
   * m = {n, from, partOff, prevOff, yOff, rank, lo[rank], partDims[rank], outDims[rank]}.
   */
  static void embed(float[] a, int[] m) {
    int from = m[1], po = m[2], prevO = m[3], yo = m[4], r = m[5];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int rem = e;
      int off = 0;
      int stride = 1;
      int inside = 1;
      for (int d = r - 1; d >= 0; d--) {
        int c = rem % m[6 + 2 * r + d] - m[6 + d];
        rem = rem / m[6 + 2 * r + d];
        if (c < 0 || c >= m[6 + r + d]) inside = 0;
        off += c * stride;
        stride *= m[6 + r + d];
      }
      a[yo + e] = inside == 1 ? a[po + off] : a[prevO + e];
    }
  }

  /** x viewed as [outer, axisLen, inner]; out[p] = x[o, idx[p], i]; m = {n, from, xOff, yOff, axisLen, inner, idx[n]}. */
  static void takeAlong(float[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], axisLen = m[4], inner = m[5];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int p = from + wi;
      int o = p / inner;
      int i = p % inner;
      a[yo + p] = a[xo + (o * axisLen + m[6 + p]) * inner + i];
    }
  }

  /**
   * The adjoint of takeAlong: out [outer, size, inner] holds g[o, i] at (o, idx[o·inner + i], i)
   * and zeros elsewhere; m = {n, from, gOff, yOff, size, inner, idx[outer·inner]}.
   */
  static void scatterAlong(float[] a, int[] m) {
    int from = m[1], go = m[2], yo = m[3], size = m[4], inner = m[5];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int i = e % inner;
      int s = (e / inner) % size;
      int o = e / (inner * size);
      int p = o * inner + i;
      a[yo + e] = m[6 + p] == s ? a[go + p] : 0;
    }
  }

  /** out[o, j, i] = x[o, idx[j], i]; m = {n, from, xOff, yOff, axisLen, inner, nIdx, idx[nIdx]}. */
  static void indexSelect(float[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], axisLen = m[4], inner = m[5], n = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int i = e % inner;
      int j = (e / inner) % n;
      int o = e / (inner * n);
      a[yo + e] = a[xo + (o * axisLen + m[7 + j]) * inner + i];
    }
  }

  /**
   * out[o, s, i] = Σ over j with idx[j] = s of g[o, j, i]: the adjoint of indexSelect, parallel
   * over the output cells, so repeated indices add up without atomics, in j order.
   * m = {cells, from, gOff, yOff, nIdx, size, inner, idx[nIdx]}.
   */
  static void indexAdd(float[] a, int[] m) {
    int from = m[1], go = m[2], yo = m[3], n = m[4], size = m[5], inner = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int i = e % inner;
      int s = (e / inner) % size;
      int o = e / (inner * size);
      float acc = 0;
      for (int j = 0; j < n; j++) {
        if (m[7 + j] == s) acc += a[go + (o * n + j) * inner + i];
      }
      a[yo + e] = acc;
    }
  }

  /** out[i] = x[xOff + Σ_d coord_d(i) · strides[d]]; m = {n, from, xOff, yOff, rank, strides[rank], dims[rank]}. */
  static void gather(double[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], r = m[4];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      int rem = i;
      int off = xo;
      for (int d = r - 1; d >= 0; d--) {
        off += (rem % m[5 + r + d]) * m[5 + d];
        rem = rem / m[5 + r + d];
      }
      a[yo + i] = a[off];
    }
  }

  /**
   * out = prev with the dense block part (dims partDims) written at corner lo of the outDims
   * box: pad (prev all zeros) and each step of concat, parallel over every output cell.
   * m = {n, from, partOff, prevOff, yOff, rank, lo[rank], partDims[rank], outDims[rank]}.
   */
  static void embed(double[] a, int[] m) {
    int from = m[1], po = m[2], prevO = m[3], yo = m[4], r = m[5];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int rem = e;
      int off = 0;
      int stride = 1;
      int inside = 1;
      for (int d = r - 1; d >= 0; d--) {
        int c = rem % m[6 + 2 * r + d] - m[6 + d];
        rem = rem / m[6 + 2 * r + d];
        if (c < 0 || c >= m[6 + r + d]) inside = 0;
        off += c * stride;
        stride *= m[6 + r + d];
      }
      a[yo + e] = inside == 1 ? a[po + off] : a[prevO + e];
    }
  }

  /** x viewed as [outer, axisLen, inner]; out[p] = x[o, idx[p], i]; m = {n, from, xOff, yOff, axisLen, inner, idx[n]}. */
  static void takeAlong(double[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], axisLen = m[4], inner = m[5];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int p = from + wi;
      int o = p / inner;
      int i = p % inner;
      a[yo + p] = a[xo + (o * axisLen + m[6 + p]) * inner + i];
    }
  }

  /**
   * The adjoint of takeAlong: out [outer, size, inner] holds g[o, i] at (o, idx[o·inner + i], i)
   * and zeros elsewhere; m = {n, from, gOff, yOff, size, inner, idx[outer·inner]}.
   */
  static void scatterAlong(double[] a, int[] m) {
    int from = m[1], go = m[2], yo = m[3], size = m[4], inner = m[5];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int i = e % inner;
      int s = (e / inner) % size;
      int o = e / (inner * size);
      int p = o * inner + i;
      a[yo + e] = m[6 + p] == s ? a[go + p] : 0;
    }
  }

  /** out[o, j, i] = x[o, idx[j], i]; m = {n, from, xOff, yOff, axisLen, inner, nIdx, idx[nIdx]}. */
  static void indexSelect(double[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3], axisLen = m[4], inner = m[5], n = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int i = e % inner;
      int j = (e / inner) % n;
      int o = e / (inner * n);
      a[yo + e] = a[xo + (o * axisLen + m[7 + j]) * inner + i];
    }
  }

  /**
   * out[o, s, i] = Σ over j with idx[j] = s of g[o, j, i]: the adjoint of indexSelect, parallel
   * over the output cells, so repeated indices add up without atomics, in j order.
   * m = {cells, from, gOff, yOff, nIdx, size, inner, idx[nIdx]}.
   */
  static void indexAdd(double[] a, int[] m) {
    int from = m[1], go = m[2], yo = m[3], n = m[4], size = m[5], inner = m[6];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int i = e % inner;
      int s = (e / inner) % size;
      int o = e / (inner * size);
      double acc = 0;
      for (int j = 0; j < n; j++) {
        if (m[7 + j] == s) acc += a[go + (o * n + j) * inner + i];
      }
      a[yo + e] = acc;
    }
  }
}
