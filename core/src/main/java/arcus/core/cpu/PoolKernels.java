package arcus.core.cpu;

/** Temporary reference pooling. */
final class PoolKernels {
  private PoolKernels() {}

  static int outSize(int in, int k, int s, int p, boolean ceil) {
    return arcus.core.Pool2dSpec.outSize(in, k, s, p, ceil);
  }

  static void maxPool2dForward(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, float[] y) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    for (int p = 0; p < n * c; p++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++)
      y[(p * oh + i) * ow + j] = x[p * h * w + argmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)];
  }

  private static int argmax(float[] x, int base, int h, int w, int y0, int x0, int kh, int kw) {
    int best = -1;
    for (int u = Math.max(0, y0); u < Math.min(h, y0 + kh); u++)
      for (int v = Math.max(0, x0); v < Math.min(w, x0 + kw); v++)
        if (best < 0 || x[base + u * w + v] > x[base + best]) best = u * w + v;
    return best;
  }

  static void maxPool2dBackward(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, float[] gy, float[] gx) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    java.util.Arrays.fill(gx, 0);
    for (int p = 0; p < n * c; p++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++)
      gx[p * h * w + argmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)] += gy[(p * oh + i) * ow + j];
  }

  static void maxPool2dGather(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, float[] gx, float[] gy) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    for (int p = 0; p < n * c; p++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++)
      gy[(p * oh + i) * ow + j] = gx[p * h * w + argmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)];
  }

  static void avgPool2dForward(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, float[] y) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    for (int p = 0; p < n * c; p++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      int y0 = i * sh - ph, x0 = j * sw - pw;
      int y1 = Math.min(y0 + kh, h + ph), x1 = Math.min(x0 + kw, w + pw);
      int div = (y1 - y0) * (x1 - x0);
      double s = 0;
      for (int u = Math.max(0, y0); u < Math.min(h, y1); u++) for (int v = Math.max(0, x0); v < Math.min(w, x1); v++) s += x[p * h * w + u * w + v];
      y[(p * oh + i) * ow + j] = (float) (s / div);
    }
  }

  static void avgPool2dBackward(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, float[] gy, float[] gx) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    java.util.Arrays.fill(gx, 0);
    for (int p = 0; p < n * c; p++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      int y0 = i * sh - ph, x0 = j * sw - pw;
      int y1 = Math.min(y0 + kh, h + ph), x1 = Math.min(x0 + kw, w + pw);
      int div = (y1 - y0) * (x1 - x0);
      float g = (float) (gy[(p * oh + i) * ow + j] / div);
      for (int u = Math.max(0, y0); u < Math.min(h, y1); u++) for (int v = Math.max(0, x0); v < Math.min(w, x1); v++) gx[p * h * w + u * w + v] += g;
    }
  }

  static void maxPool2dForward(double[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, double[] y) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    for (int p = 0; p < n * c; p++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++)
      y[(p * oh + i) * ow + j] = x[p * h * w + argmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)];
  }

  private static int argmax(double[] x, int base, int h, int w, int y0, int x0, int kh, int kw) {
    int best = -1;
    for (int u = Math.max(0, y0); u < Math.min(h, y0 + kh); u++)
      for (int v = Math.max(0, x0); v < Math.min(w, x0 + kw); v++)
        if (best < 0 || x[base + u * w + v] > x[base + best]) best = u * w + v;
    return best;
  }

  static void maxPool2dBackward(double[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, double[] gy, double[] gx) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    java.util.Arrays.fill(gx, 0);
    for (int p = 0; p < n * c; p++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++)
      gx[p * h * w + argmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)] += gy[(p * oh + i) * ow + j];
  }

  static void maxPool2dGather(double[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, double[] gx, double[] gy) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    for (int p = 0; p < n * c; p++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++)
      gy[(p * oh + i) * ow + j] = gx[p * h * w + argmax(x, p * h * w, h, w, i * sh - ph, j * sw - pw, kh, kw)];
  }

  static void avgPool2dForward(double[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, double[] y) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    for (int p = 0; p < n * c; p++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      int y0 = i * sh - ph, x0 = j * sw - pw;
      int y1 = Math.min(y0 + kh, h + ph), x1 = Math.min(x0 + kw, w + pw);
      int div = (y1 - y0) * (x1 - x0);
      double s = 0;
      for (int u = Math.max(0, y0); u < Math.min(h, y1); u++) for (int v = Math.max(0, x0); v < Math.min(w, x1); v++) s += x[p * h * w + u * w + v];
      y[(p * oh + i) * ow + j] = (double) (s / div);
    }
  }

  static void avgPool2dBackward(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, double[] gy, double[] gx) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    java.util.Arrays.fill(gx, 0);
    for (int p = 0; p < n * c; p++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      int y0 = i * sh - ph, x0 = j * sw - pw;
      int y1 = Math.min(y0 + kh, h + ph), x1 = Math.min(x0 + kw, w + pw);
      int div = (y1 - y0) * (x1 - x0);
      double g = (double) (gy[(p * oh + i) * ow + j] / div);
      for (int u = Math.max(0, y0); u < Math.min(h, y1); u++) for (int v = Math.max(0, x0); v < Math.min(w, x1); v++) gx[p * h * w + u * w + v] += g;
    }
  }
}
