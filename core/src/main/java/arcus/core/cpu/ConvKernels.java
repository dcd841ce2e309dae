package arcus.core.cpu;

/** Temporary reference convolution; replaced by the im2col + GEMM kernels. */
final class ConvKernels {
  private ConvKernels() {}

  static void conv2dForward(float[] x, int n, int c, int h, int w, float[] wt, int oc, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, float[] y) {
    int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    for (int b = 0; b < n; b++) for (int o = 0; o < oc; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      double s = 0;
      for (int ci = 0; ci < c; ci++) for (int u = 0; u < kh; u++) for (int v = 0; v < kw; v++) {
        int yy = i * sh - ph + u * dh, xx = j * sw - pw + v * dw;
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        s += x[((b * c + ci) * h + yy) * w + xx] * wt[((o * c + ci) * kh + u) * kw + v];
      }
      y[((b * oc + o) * oh + i) * ow + j] = (float) s;
    }
  }

  static void conv2dBackwardInput(float[] gy, int n, int c, int h, int w, float[] wt, int oc, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, float[] gx) {
    int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    java.util.Arrays.fill(gx, 0);
    for (int b = 0; b < n; b++) for (int o = 0; o < oc; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      float g = gy[((b * oc + o) * oh + i) * ow + j];
      for (int ci = 0; ci < c; ci++) for (int u = 0; u < kh; u++) for (int v = 0; v < kw; v++) {
        int yy = i * sh - ph + u * dh, xx = j * sw - pw + v * dw;
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        gx[((b * c + ci) * h + yy) * w + xx] += g * wt[((o * c + ci) * kh + u) * kw + v];
      }
    }
  }

  static void conv2dBackwardWeight(float[] x, int n, int c, int h, int w, float[] gy, int oc, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, float[] gw) {
    int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    java.util.Arrays.fill(gw, 0);
    for (int b = 0; b < n; b++) for (int o = 0; o < oc; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      float g = gy[((b * oc + o) * oh + i) * ow + j];
      for (int ci = 0; ci < c; ci++) for (int u = 0; u < kh; u++) for (int v = 0; v < kw; v++) {
        int yy = i * sh - ph + u * dh, xx = j * sw - pw + v * dw;
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        gw[((o * c + ci) * kh + u) * kw + v] += g * x[((b * c + ci) * h + yy) * w + xx];
      }
    }
  }

  static void conv2dForward(double[] x, int n, int c, int h, int w, double[] wt, int oc, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, double[] y) {
    int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    for (int b = 0; b < n; b++) for (int o = 0; o < oc; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      double s = 0;
      for (int ci = 0; ci < c; ci++) for (int u = 0; u < kh; u++) for (int v = 0; v < kw; v++) {
        int yy = i * sh - ph + u * dh, xx = j * sw - pw + v * dw;
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        s += x[((b * c + ci) * h + yy) * w + xx] * wt[((o * c + ci) * kh + u) * kw + v];
      }
      y[((b * oc + o) * oh + i) * ow + j] = (double) s;
    }
  }

  static void conv2dBackwardInput(double[] gy, int n, int c, int h, int w, double[] wt, int oc, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, double[] gx) {
    int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    java.util.Arrays.fill(gx, 0);
    for (int b = 0; b < n; b++) for (int o = 0; o < oc; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      double g = gy[((b * oc + o) * oh + i) * ow + j];
      for (int ci = 0; ci < c; ci++) for (int u = 0; u < kh; u++) for (int v = 0; v < kw; v++) {
        int yy = i * sh - ph + u * dh, xx = j * sw - pw + v * dw;
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        gx[((b * c + ci) * h + yy) * w + xx] += g * wt[((o * c + ci) * kh + u) * kw + v];
      }
    }
  }

  static void conv2dBackwardWeight(double[] x, int n, int c, int h, int w, double[] gy, int oc, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, double[] gw) {
    int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    java.util.Arrays.fill(gw, 0);
    for (int b = 0; b < n; b++) for (int o = 0; o < oc; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      double g = gy[((b * oc + o) * oh + i) * ow + j];
      for (int ci = 0; ci < c; ci++) for (int u = 0; u < kh; u++) for (int v = 0; v < kw; v++) {
        int yy = i * sh - ph + u * dh, xx = j * sw - pw + v * dw;
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        gw[((o * c + ci) * kh + u) * kw + v] += g * x[((b * c + ci) * h + yy) * w + xx];
      }
    }
  }
}
