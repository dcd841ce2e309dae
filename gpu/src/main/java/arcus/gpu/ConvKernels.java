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
 * {n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow}, copied into the meta array after the
 * two offsets: m = {items, from, inOff, outOff, geometry[14]} (arena kernels, see {@link ElementwiseKernels}).
 */
final class ConvKernels {
  private ConvKernels() {}

  static int[] geometry(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {
    return new int[] {n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow};
  }

  /** Parallel over the rows (b, ci, u, v) of the column matrices: n·c·kh·kw of them. */
  static void im2col(float[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3];
    int c = m[5], h = m[6], w = m[7], kh = m[8], kw = m[9], sh = m[10], sw = m[11], ph = m[12], pw = m[13], dh = m[14], dw = m[15], oh = m[16], ow = m[17];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int r = from + wi;
      int v = r % kw;
      int u = (r / kw) % kh;
      int ci = (r / (kw * kh)) % c;
      int b = r / (kw * kh * c);
      int xBase = xo + (b * c + ci) * h * w;
      int cBase = yo + r * oh * ow;
      for (int i = 0; i < oh; i++) {
        int yy = i * sh - ph + u * dh;
        for (int j = 0; j < ow; j++) {
          int xx = j * sw - pw + v * dw;
          a[cBase + i * ow + j] = yy >= 0 && yy < h && xx >= 0 && xx < w ? a[xBase + yy * w + xx] : 0;
        }
      }
    }
  }

  /** Parallel over the input cells (b, ci, y, x): n·c·h·w of them. */
  static void col2im(float[] a, int[] m) {
    int from = m[1], co = m[2], yo = m[3];
    int c = m[5], h = m[6], w = m[7], kh = m[8], kw = m[9], sh = m[10], sw = m[11], ph = m[12], pw = m[13], dh = m[14], dw = m[15], oh = m[16], ow = m[17];
    int ckk = c * kh * kw;
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
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
          s += a[co + ((b * ckk) + (ci * kh + u) * kw + v) * oh * ow + i * ow + j];
        }
      }
      a[yo + e] = s;
    }
  }

  /** Parallel over the rows (b, ci, u, v) of the column matrices: n·c·kh·kw of them. */
  static void im2col(double[] a, int[] m) {
    int from = m[1], xo = m[2], yo = m[3];
    int c = m[5], h = m[6], w = m[7], kh = m[8], kw = m[9], sh = m[10], sw = m[11], ph = m[12], pw = m[13], dh = m[14], dw = m[15], oh = m[16], ow = m[17];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int r = from + wi;
      int v = r % kw;
      int u = (r / kw) % kh;
      int ci = (r / (kw * kh)) % c;
      int b = r / (kw * kh * c);
      int xBase = xo + (b * c + ci) * h * w;
      int cBase = yo + r * oh * ow;
      for (int i = 0; i < oh; i++) {
        int yy = i * sh - ph + u * dh;
        for (int j = 0; j < ow; j++) {
          int xx = j * sw - pw + v * dw;
          a[cBase + i * ow + j] = yy >= 0 && yy < h && xx >= 0 && xx < w ? a[xBase + yy * w + xx] : 0;
        }
      }
    }
  }

  /** Parallel over the input cells (b, ci, y, x): n·c·h·w of them. */
  static void col2im(double[] a, int[] m) {
    int from = m[1], co = m[2], yo = m[3];
    int c = m[5], h = m[6], w = m[7], kh = m[8], kw = m[9], sh = m[10], sw = m[11], ph = m[12], pw = m[13], dh = m[14], dw = m[15], oh = m[16], ow = m[17];
    int ckk = c * kh * kw;
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
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
          s += a[co + ((b * ckk) + (ci * kh + u) * kw + v) * oh * ow + i * ow + j];
        }
      }
      a[yo + e] = s;
    }
  }
}
