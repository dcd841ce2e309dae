package arcus.core;

/** Geometry of a 2-D convolution (NCHW input, [outC, inC, kH, kW] weights, no groups). */
public record Conv2dSpec(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW) {
  public Conv2dSpec {
    if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("conv2d: stride must be >= 1, got " + strideH + "x" + strideW);
    if (padH < 0 || padW < 0) throw new IllegalArgumentException("conv2d: padding must be >= 0, got " + padH + "x" + padW);
    if (dilationH < 1 || dilationW < 1) throw new IllegalArgumentException("conv2d: dilation must be >= 1, got " + dilationH + "x" + dilationW);
  }

  public static Conv2dSpec of(int stride, int padding) {
    return new Conv2dSpec(stride, stride, padding, padding, 1, 1);
  }

  public int outH(int h, int kh) {
    return (h + 2 * padH - dilationH * (kh - 1) - 1) / strideH + 1;
  }

  public int outW(int w, int kw) {
    return (w + 2 * padW - dilationW * (kw - 1) - 1) / strideW + 1;
  }
}
