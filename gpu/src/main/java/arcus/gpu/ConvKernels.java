package arcus.gpu;

import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Convolution as im2col + matmul. {@code im2col} unfolds an NCHW batch into
 * cols[b][(ci·kh + u)·kw + v][i·ow + j] (zeros where the window hangs over the padding), so the
 * forward pass is W[oc, c·kh·kw] · cols[b] on {@link MatmulKernels}; {@code col2im} folds column
 * gradients back, written as a gather (each input pixel sums the columns that read it) so no two
 * work-items write one cell.
 *
 * <p>The geometry travels as one int array (TornadoVM tasks take at most 15 parameters):
 * {n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow}.
 */
final class ConvKernels {
  private ConvKernels() {}

  static int[] geometry(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {
    return new int[] {n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow};
  }
  /** Parallel over the rows (b, ci, u, v) of the column matrices: n·c·kh·kw of them. */
  static void im2col(float[] x, int[] g, float[] cols, int from, int to) {
    int c = g[1], h = g[2], w = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7], ph = g[8], pw = g[9], dh = g[10], dw = g[11], oh = g[12], ow = g[13];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int r = from + wi;
      int v = r % kw;
      int u = (r / kw) % kh;
      int ci = (r / (kw * kh)) % c;
      int b = r / (kw * kh * c);
      int xBase = (b * c + ci) * h * w;
      int cBase = r * oh * ow;
      for (int i = 0; i < oh; i++) {
        int yy = i * sh - ph + u * dh;
        for (int j = 0; j < ow; j++) {
          int xx = j * sw - pw + v * dw;
          cols[cBase + i * ow + j] = yy >= 0 && yy < h && xx >= 0 && xx < w ? x[xBase + yy * w + xx] : 0;
        }
      }
    }
  }

  /** Parallel over the input cells (b, ci, y, x): n·c·h·w of them. */
  static void col2im(float[] cols, int[] g, float[] gx, int from, int to) {
    int c = g[1], h = g[2], w = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7], ph = g[8], pw = g[9], dh = g[10], dw = g[11], oh = g[12], ow = g[13];
    int ckk = c * kh * kw;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int e = from + wi;
      int xx = e % w;
      int yy = (e / w) % h;
      int ci = (e / (w * h)) % c;
      int b = e / (w * h * c);
      float s = 0;
      for (int u = 0; u < kh; u++) {
        int ty = yy + ph - u * dh;
        if (ty < 0 || ty % sh != 0 || ty / sh >= oh) continue;
        int i = ty / sh;
        for (int v = 0; v < kw; v++) {
          int tx = xx + pw - v * dw;
          if (tx < 0 || tx % sw != 0 || tx / sw >= ow) continue;
          int j = tx / sw;
          s += cols[((b * ckk) + (ci * kh + u) * kw + v) * oh * ow + i * ow + j];
        }
      }
      gx[e] = s;
    }
  }

  static void im2col(double[] x, int[] g, double[] cols, int from, int to) {
    int c = g[1], h = g[2], w = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7], ph = g[8], pw = g[9], dh = g[10], dw = g[11], oh = g[12], ow = g[13];
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int r = from + wi;
      int v = r % kw;
      int u = (r / kw) % kh;
      int ci = (r / (kw * kh)) % c;
      int b = r / (kw * kh * c);
      int xBase = (b * c + ci) * h * w;
      int cBase = r * oh * ow;
      for (int i = 0; i < oh; i++) {
        int yy = i * sh - ph + u * dh;
        for (int j = 0; j < ow; j++) {
          int xx = j * sw - pw + v * dw;
          cols[cBase + i * ow + j] = yy >= 0 && yy < h && xx >= 0 && xx < w ? x[xBase + yy * w + xx] : 0;
        }
      }
    }
  }

  static void col2im(double[] cols, int[] g, double[] gx, int from, int to) {
    int c = g[1], h = g[2], w = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7], ph = g[8], pw = g[9], dh = g[10], dw = g[11], oh = g[12], ow = g[13];
    int ckk = c * kh * kw;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int e = from + wi;
      int xx = e % w;
      int yy = (e / w) % h;
      int ci = (e / (w * h)) % c;
      int b = e / (w * h * c);
      double s = 0;
      for (int u = 0; u < kh; u++) {
        int ty = yy + ph - u * dh;
        if (ty < 0 || ty % sh != 0 || ty / sh >= oh) continue;
        int i = ty / sh;
        for (int v = 0; v < kw; v++) {
          int tx = xx + pw - v * dw;
          if (tx < 0 || tx % sw != 0 || tx / sw >= ow) continue;
          int j = tx / sw;
          s += cols[((b * ckk) + (ci * kh + u) * kw + v) * oh * ow + i * ow + j];
        }
      }
      gx[e] = s;
    }
  }
}
