package arcus.gpu;

import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Batched matrix products, C[b] = op(A[b]) · op(B[b]), parallel over the cells (row, j) of C
 * (row = b·m + i), each with a sequential k-loop: the 2-D parallel loop TornadoVM maps onto a
 * 2-D grid. The k-loop is blocked by {@code KB} so a work-item streams one block of A's row and
 * B's column at a time; on a GPU the block is what a local-memory tile would hold.
 * Transposes are flags (1/0) that only change the index arithmetic. Accumulation order matches
 * the CPU reference (k ascending, in the element type).
 *
 * <p>Arena kernels ({@code a}: the arena, {@code m}: the launch's meta, see {@link ElementwiseKernels}).
 */
final class MatmulKernels {
  private MatmulKernels() {}

  static final int KB = 64;

  /** m = {rows = batch·mm, from, aOff, bOff, cOff, mm, nn, k, aStep, bStep, transA, transB}; the columns loop runs to m[6]. */
  static void matmul(float[] a, int[] m) {
    int from = m[1], aOff = m[2], bOff = m[3], cOff = m[4], mm = m[5], nn = m[6], k = m[7], aStep = m[8], bStep = m[9], transA = m[10], transB = m[11];
    int lda = transA == 1 ? mm : k;
    int ldb = transB == 1 ? k : nn;
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int row = from + wi;
      int bi = row / mm;
      int i = row % mm;
      int ao = aOff + bi * aStep;
      int bo = bOff + bi * bStep;
      for (@Parallel int j = 0; j < m[6]; j++) {
        float s = 0;
        for (int p0 = 0; p0 < k; p0 += KB) {
          int p1 = Math.min(k, p0 + KB);
          for (int p = p0; p < p1; p++) {
            float av = transA == 1 ? a[ao + p * lda + i] : a[ao + i * lda + p];
            float bv = transB == 1 ? a[bo + j * ldb + p] : a[bo + p * ldb + j];
            s += av * bv;
          }
        }
        a[cOff + row * nn + j] = s;
      }
    }
  }

  /**
   * C = Σ_b op(A[b]) · op(B[b]), one mm×nn result: the weight gradient of a batched product.
   * m = {mm, from, aOff, bOff, cOff, batch, mm, nn, k, aStep, bStep, transA, transB}; the columns loop runs to m[7].
   */
  static void matmulSumBatch(float[] a, int[] m) {
    int from = m[1], aOff = m[2], bOff = m[3], cOff = m[4], batch = m[5], mm = m[6], nn = m[7], k = m[8], aStep = m[9], bStep = m[10], transA = m[11], transB = m[12];
    int lda = transA == 1 ? mm : k;
    int ldb = transB == 1 ? k : nn;
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      for (@Parallel int j = 0; j < m[7]; j++) {
        float s = 0;
        for (int bi = 0; bi < batch; bi++) {
          int ao = aOff + bi * aStep;
          int bo = bOff + bi * bStep;
          for (int p = 0; p < k; p++) {
            float av = transA == 1 ? a[ao + p * lda + i] : a[ao + i * lda + p];
            float bv = transB == 1 ? a[bo + j * ldb + p] : a[bo + p * ldb + j];
            s += av * bv;
          }
        }
        a[cOff + i * nn + j] = s;
      }
    }
  }

  /** m = {rows = batch·mm, from, aOff, bOff, cOff, mm, nn, k, aStep, bStep, transA, transB}; the columns loop runs to m[6]. */
  static void matmul(double[] a, int[] m) {
    int from = m[1], aOff = m[2], bOff = m[3], cOff = m[4], mm = m[5], nn = m[6], k = m[7], aStep = m[8], bStep = m[9], transA = m[10], transB = m[11];
    int lda = transA == 1 ? mm : k;
    int ldb = transB == 1 ? k : nn;
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int row = from + wi;
      int bi = row / mm;
      int i = row % mm;
      int ao = aOff + bi * aStep;
      int bo = bOff + bi * bStep;
      for (@Parallel int j = 0; j < m[6]; j++) {
        double s = 0;
        for (int p0 = 0; p0 < k; p0 += KB) {
          int p1 = Math.min(k, p0 + KB);
          for (int p = p0; p < p1; p++) {
            double av = transA == 1 ? a[ao + p * lda + i] : a[ao + i * lda + p];
            double bv = transB == 1 ? a[bo + j * ldb + p] : a[bo + p * ldb + j];
            s += av * bv;
          }
        }
        a[cOff + row * nn + j] = s;
      }
    }
  }

  /**
   * C = Σ_b op(A[b]) · op(B[b]), one mm×nn result: the weight gradient of a batched product.
   * m = {mm, from, aOff, bOff, cOff, batch, mm, nn, k, aStep, bStep, transA, transB}; the columns loop runs to m[7].
   */
  static void matmulSumBatch(double[] a, int[] m) {
    int from = m[1], aOff = m[2], bOff = m[3], cOff = m[4], batch = m[5], mm = m[6], nn = m[7], k = m[8], aStep = m[9], bStep = m[10], transA = m[11], transB = m[12];
    int lda = transA == 1 ? mm : k;
    int ldb = transB == 1 ? k : nn;
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      for (@Parallel int j = 0; j < m[7]; j++) {
        double s = 0;
        for (int bi = 0; bi < batch; bi++) {
          int ao = aOff + bi * aStep;
          int bo = bOff + bi * bStep;
          for (int p = 0; p < k; p++) {
            double av = transA == 1 ? a[ao + p * lda + i] : a[ao + i * lda + p];
            double bv = transB == 1 ? a[bo + j * ldb + p] : a[bo + p * ldb + j];
            s += av * bv;
          }
        }
        a[cOff + i * nn + j] = s;
      }
    }
  }
}
