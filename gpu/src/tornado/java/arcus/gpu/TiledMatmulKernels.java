package arcus.gpu;

import uk.ac.manchester.tornado.api.KernelContext;

/**
 * float32 GEMM with local-memory tiling, the device's version of {@link MatmulKernels#matmul}
 * (same meta array and result, plus {@code m[12]} = mp; compiled only under the tornado profile,
 * since {@link KernelContext} has no JVM executor here). A work-group of TS×TS work-items
 * computes a TS×TS block of C: each step loads one TS×TS tile of op(A) and of op(B) into local
 * memory (one element per work-item), waits at a barrier, and accumulates from the tiles. The
 * grid is [ceil(n/TS)·TS, batch·mp] with mp = m rounded up to TS, so a work-group never spans two
 * batch entries; work-items outside C load zeros and write nothing, and every cell of C is
 * written by exactly one work-item. k is summed in ascending order, as in the CPU reference.
 */
final class TiledMatmulKernels {
  private TiledMatmulKernels() {}

  static final int TS = 16;

  static int padded(int x) {
    return (x + TS - 1) / TS * TS;
  }

  static void matmulTiled(KernelContext ctx, float[] a, int[] m) {
    int aOff = m[2], bOff = m[3], cOff = m[4], mm = m[5], n = m[6], k = m[7], aStep = m[8], bStep = m[9], transA = m[10], transB = m[11], mp = m[12];
    int j = ctx.globalIdx;
    int y = ctx.globalIdy;
    int lx = ctx.localIdx;
    int ly = ctx.localIdy;
    float[] as = ctx.allocateFloatLocalArray(TS * TS);
    float[] bs = ctx.allocateFloatLocalArray(TS * TS);
    int bi = y / mp;
    int i = y % mp;
    int lda = transA == 1 ? mm : k;
    int ldb = transB == 1 ? k : n;
    int ao = aOff + bi * aStep;
    int bo = bOff + bi * bStep;
    float s = 0;
    int tiles = (k + TS - 1) / TS;
    for (int t = 0; t < tiles; t++) {
      int pa = t * TS + lx;
      float av = 0;
      if (i < mm && pa < k) av = transA == 1 ? a[ao + pa * lda + i] : a[ao + i * lda + pa];
      as[ly * TS + lx] = av;
      int pb = t * TS + ly;
      float bv = 0;
      if (j < n && pb < k) bv = transB == 1 ? a[bo + j * ldb + pb] : a[bo + pb * ldb + j];
      bs[ly * TS + lx] = bv;
      ctx.localBarrier();
      for (int q = 0; q < TS; q++) s += as[ly * TS + q] * bs[q * TS + lx];
      ctx.localBarrier();
    }
    if (i < mm && j < n) a[cOff + (bi * mm + i) * n + j] = s;
  }
}
