package arcus.gpu;

import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Pooling over NCHW planes, parallel over output cells (forward, gather) or input cells
 * (backward: each input cell sums the windows that cover it and, for max pooling, chose it), so
 * no two work-items write one cell. A window is clipped to the input as in the CPU reference;
 * the average divides by the window clipped to the padded input (count_include_pad), and the
 * first maximum in row-major order wins ties.
 *
 * <p>Geometry as one int array: {planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow}, copied into the
 * meta array after the offsets (arena kernels, see {@link ElementwiseKernels}).
 */
final class PoolKernels {
  private PoolKernels() {}

  static int[] geometry(int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
    return new int[] {planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow};
  }

  /** First output index along one axis whose window (start i·s - pad, length k) covers {@code pos}. */
  static int firstWindow(int pos, int pad, int k, int s) {
    int lo = pos + pad - k + 1;
    return lo <= 0 ? 0 : (lo + s - 1) / s;
  }

  /** Offset within the plane (which starts at {@code base}) of the window's first maximum. */
  static int windowArgmax(float[] x, int base, int h, int w, int y0, int x0, int kh, int kw) {
    int best = -1;
    float bv = 0;
    int u1 = Math.min(h, y0 + kh);
    int v1 = Math.min(w, x0 + kw);
    for (int u = Math.max(0, y0); u < u1; u++) {
      for (int v = Math.max(0, x0); v < v1; v++) {
        float val = x[base + u * w + v];
        if (best < 0 || val > bv) {
          best = u * w + v;
          bv = val;
        }
      }
    }
    return best;
  }

  /** m = {n, from, xOff, yOff, geometry[11]}. */
  static void maxForward(float[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3];
    int h = m[5], w = m[6], kh = m[7], kw = m[8], sh = m[9], sw = m[10], ph = m[11], pw = m[12], oh = m[13], ow = m[14];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int o = from + wi;
      int j = o % ow;
      int i = (o / ow) % oh;
      int p = o / (ow * oh);
      int base = xo + p * h * w;
      a[yo + o] = a[base + windowArgmax(a, base, h, w, i * sh - ph, j * sw - pw, kh, kw)];
    }
  }

  /** gy'[o] = gx[argmax of window o]: the adjoint of the max-pool backward in gy; m = {n, from, xOff, gxOff, yOff, geometry[11]}. */
  static void maxGather(float[] a, int[] m) {
    int from = m[1], xo = m[2], gxo = m[3], yo = m[4];
    int h = m[6], w = m[7], kh = m[8], kw = m[9], sh = m[10], sw = m[11], ph = m[12], pw = m[13], oh = m[14], ow = m[15];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int o = from + wi;
      int j = o % ow;
      int i = (o / ow) % oh;
      int p = o / (ow * oh);
      a[yo + o] = a[gxo + p * h * w + windowArgmax(a, xo + p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)];
    }
  }

  /** m = {n, from, xOff, gyOff, yOff, geometry[11]}. */
  static void maxBackward(float[] a, int[] m) {
    int from = m[1], xo = m[2], gyo = m[3], yo = m[4];
    int h = m[6], w = m[7], kh = m[8], kw = m[9], sh = m[10], sw = m[11], ph = m[12], pw = m[13], oh = m[14], ow = m[15];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int xx = e % w;
      int yy = (e / w) % h;
      int p = e / (w * h);
      int own = yy * w + xx;
      float s = 0;
      int i1 = Math.min(oh - 1, (yy + ph) / sh);
      int j1 = Math.min(ow - 1, (xx + pw) / sw);
      for (int i = PoolKernels.firstWindow(yy, ph, kh, sh); i <= i1; i++) {
        for (int j = PoolKernels.firstWindow(xx, pw, kw, sw); j <= j1; j++) {
          if (windowArgmax(a, xo + p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw) == own) s += a[gyo + (p * oh + i) * ow + j];
        }
      }
      a[yo + e] = s;
    }
  }

  /** m = {n, from, xOff, yOff, geometry[11]}. */
  static void avgForward(float[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3];
    int h = m[5], w = m[6], kh = m[7], kw = m[8], sh = m[9], sw = m[10], ph = m[11], pw = m[12], oh = m[13], ow = m[14];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int o = from + wi;
      int j = o % ow;
      int i = (o / ow) % oh;
      int p = o / (ow * oh);
      int y0 = i * sh - ph;
      int x0 = j * sw - pw;
      int y1 = Math.min(y0 + kh, h + ph);
      int x1 = Math.min(x0 + kw, w + pw);
      int div = (y1 - y0) * (x1 - x0);
      float s = 0;
      for (int u = Math.max(0, y0); u < Math.min(h, y1); u++) {
        for (int v = Math.max(0, x0); v < Math.min(w, x1); v++) s += a[xo + p * h * w + u * w + v];
      }
      a[yo + o] = s / div;
    }
  }

  /** m = {n, from, gyOff, yOff, geometry[11]}. */
  static void avgBackward(float[] a, int[] m) {
    int from = m[1], gyo = m[2], yo = m[3];
    int h = m[5], w = m[6], kh = m[7], kw = m[8], sh = m[9], sw = m[10], ph = m[11], pw = m[12], oh = m[13], ow = m[14];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int xx = e % w;
      int yy = (e / w) % h;
      int p = e / (w * h);
      float s = 0;
      int i1 = Math.min(oh - 1, (yy + ph) / sh);
      int j1 = Math.min(ow - 1, (xx + pw) / sw);
      for (int i = PoolKernels.firstWindow(yy, ph, kh, sh); i <= i1; i++) {
        for (int j = PoolKernels.firstWindow(xx, pw, kw, sw); j <= j1; j++) {
          int y0 = i * sh - ph;
          int x0 = j * sw - pw;
          int div = (Math.min(y0 + kh, h + ph) - y0) * (Math.min(x0 + kw, w + pw) - x0);
          s += a[gyo + (p * oh + i) * ow + j] / div;
        }
      }
      a[yo + e] = s;
    }
  }

  /** Offset within the plane (which starts at {@code base}) of the window's first maximum. */
  static int windowArgmax(double[] x, int base, int h, int w, int y0, int x0, int kh, int kw) {
    int best = -1;
    double bv = 0;
    int u1 = Math.min(h, y0 + kh);
    int v1 = Math.min(w, x0 + kw);
    for (int u = Math.max(0, y0); u < u1; u++) {
      for (int v = Math.max(0, x0); v < v1; v++) {
        double val = x[base + u * w + v];
        if (best < 0 || val > bv) {
          best = u * w + v;
          bv = val;
        }
      }
    }
    return best;
  }

  /** m = {n, from, xOff, yOff, geometry[11]}. */
  static void maxForward(double[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3];
    int h = m[5], w = m[6], kh = m[7], kw = m[8], sh = m[9], sw = m[10], ph = m[11], pw = m[12], oh = m[13], ow = m[14];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int o = from + wi;
      int j = o % ow;
      int i = (o / ow) % oh;
      int p = o / (ow * oh);
      int base = xo + p * h * w;
      a[yo + o] = a[base + windowArgmax(a, base, h, w, i * sh - ph, j * sw - pw, kh, kw)];
    }
  }

  /** gy'[o] = gx[argmax of window o]: the adjoint of the max-pool backward in gy; m = {n, from, xOff, gxOff, yOff, geometry[11]}. */
  static void maxGather(double[] a, int[] m) {
    int from = m[1], xo = m[2], gxo = m[3], yo = m[4];
    int h = m[6], w = m[7], kh = m[8], kw = m[9], sh = m[10], sw = m[11], ph = m[12], pw = m[13], oh = m[14], ow = m[15];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int o = from + wi;
      int j = o % ow;
      int i = (o / ow) % oh;
      int p = o / (ow * oh);
      a[yo + o] = a[gxo + p * h * w + windowArgmax(a, xo + p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)];
    }
  }

  /** m = {n, from, xOff, gyOff, yOff, geometry[11]}. */
  static void maxBackward(double[] a, int[] m) {
    int from = m[1], xo = m[2], gyo = m[3], yo = m[4];
    int h = m[6], w = m[7], kh = m[8], kw = m[9], sh = m[10], sw = m[11], ph = m[12], pw = m[13], oh = m[14], ow = m[15];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int xx = e % w;
      int yy = (e / w) % h;
      int p = e / (w * h);
      int own = yy * w + xx;
      double s = 0;
      int i1 = Math.min(oh - 1, (yy + ph) / sh);
      int j1 = Math.min(ow - 1, (xx + pw) / sw);
      for (int i = PoolKernels.firstWindow(yy, ph, kh, sh); i <= i1; i++) {
        for (int j = PoolKernels.firstWindow(xx, pw, kw, sw); j <= j1; j++) {
          if (windowArgmax(a, xo + p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw) == own) s += a[gyo + (p * oh + i) * ow + j];
        }
      }
      a[yo + e] = s;
    }
  }

  /** m = {n, from, xOff, yOff, geometry[11]}. */
  static void avgForward(double[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3];
    int h = m[5], w = m[6], kh = m[7], kw = m[8], sh = m[9], sw = m[10], ph = m[11], pw = m[12], oh = m[13], ow = m[14];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int o = from + wi;
      int j = o % ow;
      int i = (o / ow) % oh;
      int p = o / (ow * oh);
      int y0 = i * sh - ph;
      int x0 = j * sw - pw;
      int y1 = Math.min(y0 + kh, h + ph);
      int x1 = Math.min(x0 + kw, w + pw);
      int div = (y1 - y0) * (x1 - x0);
      double s = 0;
      for (int u = Math.max(0, y0); u < Math.min(h, y1); u++) {
        for (int v = Math.max(0, x0); v < Math.min(w, x1); v++) s += a[xo + p * h * w + u * w + v];
      }
      a[yo + o] = s / div;
    }
  }

  /** m = {n, from, gyOff, yOff, geometry[11]}. */
  static void avgBackward(double[] a, int[] m) {
    int from = m[1], gyo = m[2], yo = m[3];
    int h = m[5], w = m[6], kh = m[7], kw = m[8], sh = m[9], sw = m[10], ph = m[11], pw = m[12], oh = m[13], ow = m[14];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int e = from + wi;
      int xx = e % w;
      int yy = (e / w) % h;
      int p = e / (w * h);
      double s = 0;
      int i1 = Math.min(oh - 1, (yy + ph) / sh);
      int j1 = Math.min(ow - 1, (xx + pw) / sw);
      for (int i = PoolKernels.firstWindow(yy, ph, kh, sh); i <= i1; i++) {
        for (int j = PoolKernels.firstWindow(xx, pw, kw, sw); j <= j1; j++) {
          int y0 = i * sh - ph;
          int x0 = j * sw - pw;
          int div = (Math.min(y0 + kh, h + ph) - y0) * (Math.min(x0 + kw, w + pw) - x0);
          s += a[gyo + (p * oh + i) * ow + j] / div;
        }
      }
      a[yo + e] = s;
    }
  }
}
