package arcus.gpu;

import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Pooling over NCHW planes, parallel over output cells (forward, gather) or input cells
 * (backward: each input cell sums the windows that cover it and, for max pooling, chose it), so
 * no two work-items write one cell. A window is clipped to the input as in the CPU reference;
 * the average divides by the window clipped to the padded input (count_include_pad), and the
 * first maximum in row-major order wins ties.
 *
 * <p>Geometry as one int array: {planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow}.
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
  /** Offset within the plane of the window's first maximum. */
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

  static void maxForward(float[] x, int[] g, float[] y, int from, int to) {
    int h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8], oh = g[9], ow = g[10];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int o = from + wi;
      int j = o % ow;
      int i = (o / ow) % oh;
      int p = o / (ow * oh);
      y[o] = x[p * h * w + windowArgmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)];
    }
  }

  /** gy'[o] = gx[argmax of window o]: the adjoint of the max-pool backward in gy. */
  static void maxGather(float[] x, float[] gx, int[] g, float[] gy, int from, int to) {
    int h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8], oh = g[9], ow = g[10];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int o = from + wi;
      int j = o % ow;
      int i = (o / ow) % oh;
      int p = o / (ow * oh);
      gy[o] = gx[p * h * w + windowArgmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)];
    }
  }

  static void maxBackward(float[] x, float[] gy, int[] g, float[] gx, int from, int to) {
    int h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8], oh = g[9], ow = g[10];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
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
          if (windowArgmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw) == own) s += gy[(p * oh + i) * ow + j];
        }
      }
      gx[e] = s;
    }
  }

  static void avgForward(float[] x, int[] g, float[] y, int from, int to) {
    int h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8], oh = g[9], ow = g[10];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
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
        for (int v = Math.max(0, x0); v < Math.min(w, x1); v++) s += x[p * h * w + u * w + v];
      }
      y[o] = s / div;
    }
  }

  static void avgBackward(float[] gy, int[] g, float[] gx, int from, int to) {
    int h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8], oh = g[9], ow = g[10];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
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
          s += gy[(p * oh + i) * ow + j] / div;
        }
      }
      gx[e] = s;
    }
  }

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

  static void maxForward(double[] x, int[] g, double[] y, int from, int to) {
    int h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8], oh = g[9], ow = g[10];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int o = from + wi;
      int j = o % ow;
      int i = (o / ow) % oh;
      int p = o / (ow * oh);
      y[o] = x[p * h * w + windowArgmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)];
    }
  }

  static void maxGather(double[] x, double[] gx, int[] g, double[] gy, int from, int to) {
    int h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8], oh = g[9], ow = g[10];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int o = from + wi;
      int j = o % ow;
      int i = (o / ow) % oh;
      int p = o / (ow * oh);
      gy[o] = gx[p * h * w + windowArgmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)];
    }
  }

  static void maxBackward(double[] x, double[] gy, int[] g, double[] gx, int from, int to) {
    int h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8], oh = g[9], ow = g[10];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
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
          if (windowArgmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw) == own) s += gy[(p * oh + i) * ow + j];
        }
      }
      gx[e] = s;
    }
  }

  static void avgForward(double[] x, int[] g, double[] y, int from, int to) {
    int h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8], oh = g[9], ow = g[10];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
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
        for (int v = Math.max(0, x0); v < Math.min(w, x1); v++) s += x[p * h * w + u * w + v];
      }
      y[o] = s / div;
    }
  }

  static void avgBackward(double[] gy, int[] g, double[] gx, int from, int to) {
    int h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8], oh = g[9], ow = g[10];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
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
          s += gy[(p * oh + i) * ow + j] / div;
        }
      }
      gx[e] = s;
    }
  }
}
