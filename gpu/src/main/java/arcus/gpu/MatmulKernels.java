package arcus.gpu;

import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Batched matrix products, C[b] = op(A[b]) · op(B[b]), parallel over the cells (row, j) of C
 * (row = b·m + i), each with a sequential k-loop: the 2-D parallel loop TornadoVM maps onto a
 * 2-D grid. The k-loop is blocked by {@code KB} so a work-item streams one block of A's row and
 * B's column at a time; on a GPU the block is what a local-memory tile would hold.
 * Transposes are flags (1/0) that only change the index arithmetic. Accumulation order matches
 * the CPU reference (k ascending, in the element type).
 */
final class MatmulKernels {
  private MatmulKernels() {}

  static final int KB = 64;
  static void matmul(float[] a, float[] b, float[] c, int m, int n, int k, int aStep, int bStep, int transA, int transB, int from, int to) {
    int lda = transA == 1 ? m : k;
    int ldb = transB == 1 ? k : n;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int row = from + wi;
      int bi = row / m;
      int i = row % m;
      int ao = bi * aStep;
      int bo = bi * bStep;
      for (@Parallel int j = 0; j < n; j++) {
        float s = 0;
        for (int p0 = 0; p0 < k; p0 += KB) {
          int p1 = Math.min(k, p0 + KB);
          for (int p = p0; p < p1; p++) {
            float av = transA == 1 ? a[ao + p * lda + i] : a[ao + i * lda + p];
            float bv = transB == 1 ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
            s += av * bv;
          }
        }
        c[row * n + j] = s;
      }
    }
  }

  /** C = Σ_b op(A[b]) · op(B[b]), one m×n result: the weight gradient of a batched product. */
  static void matmulSumBatch(float[] a, float[] b, float[] c, int batch, int m, int n, int k, int aStep, int bStep, int transA, int transB, int from, int to) {
    int lda = transA == 1 ? m : k;
    int ldb = transB == 1 ? k : n;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      for (@Parallel int j = 0; j < n; j++) {
        float s = 0;
        for (int bi = 0; bi < batch; bi++) {
          int ao = bi * aStep;
          int bo = bi * bStep;
          for (int p = 0; p < k; p++) {
            float av = transA == 1 ? a[ao + p * lda + i] : a[ao + i * lda + p];
            float bv = transB == 1 ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
            s += av * bv;
          }
        }
        c[i * n + j] = s;
      }
    }
  }

  static void matmul(double[] a, double[] b, double[] c, int m, int n, int k, int aStep, int bStep, int transA, int transB, int from, int to) {
    int lda = transA == 1 ? m : k;
    int ldb = transB == 1 ? k : n;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int row = from + wi;
      int bi = row / m;
      int i = row % m;
      int ao = bi * aStep;
      int bo = bi * bStep;
      for (@Parallel int j = 0; j < n; j++) {
        double s = 0;
        for (int p0 = 0; p0 < k; p0 += KB) {
          int p1 = Math.min(k, p0 + KB);
          for (int p = p0; p < p1; p++) {
            double av = transA == 1 ? a[ao + p * lda + i] : a[ao + i * lda + p];
            double bv = transB == 1 ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
            s += av * bv;
          }
        }
        c[row * n + j] = s;
      }
    }
  }

  static void matmulSumBatch(double[] a, double[] b, double[] c, int batch, int m, int n, int k, int aStep, int bStep, int transA, int transB, int from, int to) {
    int lda = transA == 1 ? m : k;
    int ldb = transB == 1 ? k : n;
    int items = to - from;
    for (@Parallel int wi = 0; wi < items; wi++) {
      int i = from + wi;
      for (@Parallel int j = 0; j < n; j++) {
        double s = 0;
        for (int bi = 0; bi < batch; bi++) {
          int ao = bi * aStep;
          int bo = bi * bStep;
          for (int p = 0; p < k; p++) {
            double av = transA == 1 ? a[ao + p * lda + i] : a[ao + i * lda + p];
            double bv = transB == 1 ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
            s += av * bv;
          }
        }
        c[i * n + j] = s;
      }
    }
  }
}
