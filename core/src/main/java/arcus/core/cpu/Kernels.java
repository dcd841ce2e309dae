package arcus.core.cpu;

/**
 * Public entry points to the float CPU kernels, for benchmarks outside this package. The
 * kernels themselves stay package-private; this facade only delegates, with the same contracts
 * as {@link Gemm#sgemm} and {@link ConvKernels}.
 */
public final class Kernels {
  private Kernels() {}

  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
    Gemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
  }

  /**
   * Selects the algorithm of the stride-1 3x3 float convolutions, as {@code -Darcus.conv.winograd}
   * does: "auto" (the measured rule), "on" (Winograd wherever it applies) or "off" (im2col + GEMM).
   * For benchmarks and A/B runs; do not switch while a convolution is running.
   */
  public static void convWinograd(String mode) {
    ConvKernels.winograd = ConvKernels.parseAlgorithm(mode);
  }

  public static int convOutDim(int in, int k, int stride, int pad, int dil) {
    return ConvKernels.outDim(in, k, stride, pad, dil);
  }

  public static void conv2dForward(float[] x, int n, int c, int h, int w, float[] wt, int oc, int kh, int kw,
                                   int strideH, int strideW, int padH, int padW, int dilH, int dilW, float[] y) {
    ConvKernels.conv2dForward(x, n, c, h, w, wt, oc, kh, kw, strideH, strideW, padH, padW, dilH, dilW, y);
  }

  public static void conv2dBackwardInput(float[] gy, int n, int c, int h, int w, float[] wt, int oc, int kh, int kw,
                                         int strideH, int strideW, int padH, int padW, int dilH, int dilW, float[] gx) {
    ConvKernels.conv2dBackwardInput(gy, n, c, h, w, wt, oc, kh, kw, strideH, strideW, padH, padW, dilH, dilW, gx);
  }

  public static void conv2dBackwardWeight(float[] x, int n, int c, int h, int w, float[] gy, int oc, int kh, int kw,
                                          int strideH, int strideW, int padH, int padW, int dilH, int dilW, float[] gw) {
    ConvKernels.conv2dBackwardWeight(x, n, c, h, w, gy, oc, kh, kw, strideH, strideW, padH, padW, dilH, dilW, gw);
  }
}
