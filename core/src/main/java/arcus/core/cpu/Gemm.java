package arcus.core.cpu;

/** Temporary reference GEMM; replaced by the packed SIMD kernel. */
final class Gemm {
  private Gemm() {}

  static void sgemm(boolean ta, boolean tb, int m, int n, int k, float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc, boolean acc) {
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        float s = 0;
        for (int p = 0; p < k; p++) s += a[ao + (ta ? p * lda + i : i * lda + p)] * b[bo + (tb ? j * ldb + p : p * ldb + j)];
        c[co + i * ldc + j] = acc ? c[co + i * ldc + j] + s : s;
      }
  }

  static void dgemm(boolean ta, boolean tb, int m, int n, int k, double[] a, int ao, int lda, double[] b, int bo, int ldb, double[] c, int co, int ldc, boolean acc) {
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += a[ao + (ta ? p * lda + i : i * lda + p)] * b[bo + (tb ? j * ldb + p : p * ldb + j)];
        c[co + i * ldc + j] = acc ? c[co + i * ldc + j] + s : s;
      }
  }
}
