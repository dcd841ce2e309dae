package arcus.core;

/**
 * Geometry of a 2-D pooling window. {@code ceilMode} rounds the output size up as Caffe does
 * (28 → 14 → 7 → 4 for 2×2/stride 2), clipping the last window to start inside the padded input.
 */
public record Pool2dSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean ceilMode) {
  public Pool2dSpec {
    if (kernelH < 1 || kernelW < 1) throw new IllegalArgumentException("pool2d: kernel must be >= 1, got " + kernelH + "x" + kernelW);
    if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("pool2d: stride must be >= 1, got " + strideH + "x" + strideW);
    if (padH < 0 || padW < 0 || padH * 2 > kernelH || padW * 2 > kernelW)
      throw new IllegalArgumentException("pool2d: padding must be in [0, kernel/2], got " + padH + "x" + padW + " for kernel " + kernelH + "x" + kernelW);
  }

  public static Pool2dSpec of(int kernel, int stride, boolean ceilMode) {
    return new Pool2dSpec(kernel, kernel, stride, stride, 0, 0, ceilMode);
  }

  public int outH(int h) {
    return outSize(h, kernelH, strideH, padH, ceilMode);
  }

  public int outW(int w) {
    return outSize(w, kernelW, strideW, padW, ceilMode);
  }

  public static int outSize(int in, int k, int s, int p, boolean ceil) {
    int span = in + 2 * p - k;
    if (span < 0) return 0;
    int o = (ceil ? (span + s - 1) / s : span / s) + 1;
    // the last window must start inside the input or its left padding
    if (ceil && (o - 1) * s >= in + p) o--;
    return o;
  }
}
