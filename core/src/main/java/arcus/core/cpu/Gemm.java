package arcus.core.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense matrix multiply, C[m x n] (+)= op(A)[m x k] * op(B)[k x n], all row-major with leading
 * dimensions. op(A) is A^T when {@code transA}, in which case A is stored [k x m] (lda >= m),
 * otherwise [m x k] (lda >= k); op(B) likewise is stored [n x k] when {@code transB}.
 *
 * <p>The float path follows the BLIS/Goto structure: B is packed into KC x NR panels that stay
 * in L1 while the micro-kernel streams a KC x MR panel of packed A out of L2. Packing absorbs
 * all four transpose cases and zero-pads the edges, so the micro-kernel always sees one layout
 * and always computes a full MR x NR tile; only the write-back distinguishes edge tiles.
 */
final class Gemm {
  private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
  private static final int L = FS.length();

  /** Rows of the register tile: 6 rows x 2 vectors = 12 accumulators + 2 B + 1 A = 15 of 16 ymm. */
  static final int MR = 6;
  /** Columns of the register tile: two vectors. */
  static final int NR = 2 * L;
  /** Depth of a packed panel: a KC x NR panel of B (16 KiB at NR=16) lives in the 32 KiB L1d. */
  static final int KC = 256;
  /** Rows of packed A per block: MC x KC floats (~144 KiB) sits comfortably in the 512 KiB L2. */
  static final int MC = 144;
  /** Columns of packed B per block; bounds the packed-B buffer (KC x NC floats, 1 MiB) to L3. */
  static final int NC = 1024;
  /** Below this many multiply-adds, packing costs more than it saves. */
  static final long SMALL = 32L * 32 * 32;

  private Gemm() {}

  static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc, boolean accumulate) {
    if (m <= 0 || n <= 0) return;
    if ((long) m * n * k < SMALL) {
      sgemmSmall(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    } else {
      sgemmPacked(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }
  }

  /**
   * Splits C into independent slabs, one per thread, along the larger of m and n; each slab is a
   * whole sub-GEMM with its own packing buffers, so threads never synchronise or share writes
   * (slab edges are multiples of the register tile, which for NR=16 floats is a cache line).
   */
  static void sgemmPacked(boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc, boolean accumulate) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
      if (!accumulate) zero(c, cOff, ldc, m, n);
      return;
    }
    if (n >= m) {
      int blocks = (n + NR - 1) / NR;
      Parallel.forRange(blocks, 4, (from, to) -> {
        int j0 = from * NR, j1 = Math.min(n, to * NR);
        int bo = transB ? bOff + j0 * ldb : bOff + j0;
        serial(transA, transB, m, j1 - j0, k, a, aOff, lda, b, bo, ldb, c, cOff + j0, ldc, accumulate);
      });
    } else {
      int blocks = (m + MR - 1) / MR;
      Parallel.forRange(blocks, 4, (from, to) -> {
        int i0 = from * MR, i1 = Math.min(m, to * MR);
        int ao = transA ? aOff + i0 : aOff + i0 * lda;
        serial(transA, transB, i1 - i0, n, k, a, ao, lda, b, bOff, ldb, c, cOff + i0 * ldc, ldc, accumulate);
      });
    }
  }

  private static void serial(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
    int ncMax = Math.min(NC, roundUp(n, NR));
    int mcMax = Math.min(MC, roundUp(m, MR));
    int kcMax = Math.min(KC, k);
    float[] bp = new float[kcMax * ncMax];
    float[] ap = new float[kcMax * mcMax];
    float[] edge = new float[MR * NR];
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        boolean overwrite = !accumulate && pc == 0;
        packB(transB, b, bOff, ldb, pc, jc, kc, nc, bp);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          packA(transA, a, aOff, lda, ic, pc, mc, kc, ap);
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bo = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
              int mr = Math.min(MR, mc - ir);
              int co = cOff + (ic + ir) * ldc + jc + jr;
              kernel(kc, ap, ir * kc, bp, bo, c, co, ldc, mr, nr, overwrite, edge);
            }
          }
        }
      }
    }
  }

  /** Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-wide panels, each stored k-major, zero-padded. */
  private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, float[] bp) {
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      int dst = jr * kc;
      if (!transB) {
        int src = bOff + pc * ldb + jc + jr;
        if (nr == NR) {
          for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
            FloatVector.fromArray(FS, b, src).intoArray(bp, dst);
            FloatVector.fromArray(FS, b, src + L).intoArray(bp, dst + L);
          }
        } else {
          for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
            for (int j = 0; j < nr; j++) bp[dst + j] = b[src + j];
            for (int j = nr; j < NR; j++) bp[dst + j] = 0f;
          }
        }
      } else {
        for (int j = 0; j < nr; j++) {
          int src = bOff + (jc + jr + j) * ldb + pc;
          for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = b[src + p];
        }
        for (int j = nr; j < NR; j++) {
          for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = 0f;
        }
      }
    }
  }

  /** Packs op(A)[ic:ic+mc, pc:pc+kc] as MR-tall panels, each stored k-major, zero-padded. */
  private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc, float[] ap) {
    for (int ir = 0; ir < mc; ir += MR) {
      int mr = Math.min(MR, mc - ir);
      int dst = ir * kc;
      if (transA) {
        int src = aOff + pc * lda + ic + ir;
        for (int p = 0; p < kc; p++, src += lda, dst += MR) {
          int i = 0;
          for (; i < mr; i++) ap[dst + i] = a[src + i];
          for (; i < MR; i++) ap[dst + i] = 0f;
        }
      } else {
        for (int i = 0; i < mr; i++) {
          int src = aOff + (ic + ir + i) * lda + pc;
          for (int p = 0; p < kc; p++) ap[dst + p * MR + i] = a[src + p];
        }
        for (int i = mr; i < MR; i++) {
          for (int p = 0; p < kc; p++) ap[dst + p * MR + i] = 0f;
        }
      }
    }
  }

  /**
   * The 6 x 2L register tile. Twelve accumulators are named locals so C2 keeps them in
   * registers; the loop body is one B row (two loads) against six broadcast A values.
   */
  private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                             int mr, int nr, boolean overwrite, float[] edge) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
    FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
    for (int p = 0; p < kc; p++, ao += MR, bo += NR) {
      FloatVector b0 = FloatVector.fromArray(FS, bp, bo);
      FloatVector b1 = FloatVector.fromArray(FS, bp, bo + L);
      FloatVector av = FloatVector.broadcast(FS, ap[ao]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(FS, ap[ao + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(FS, ap[ao + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(FS, ap[ao + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(FS, ap[ao + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(FS, ap[ao + 5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
    }
    if (mr == MR && nr == NR) {
      store(c, co, c00, c01, overwrite);
      store(c, co + ldc, c10, c11, overwrite);
      store(c, co + 2 * ldc, c20, c21, overwrite);
      store(c, co + 3 * ldc, c30, c31, overwrite);
      store(c, co + 4 * ldc, c40, c41, overwrite);
      store(c, co + 5 * ldc, c50, c51, overwrite);
      return;
    }
    c00.intoArray(edge, 0);
    c01.intoArray(edge, L);
    c10.intoArray(edge, NR);
    c11.intoArray(edge, NR + L);
    c20.intoArray(edge, 2 * NR);
    c21.intoArray(edge, 2 * NR + L);
    c30.intoArray(edge, 3 * NR);
    c31.intoArray(edge, 3 * NR + L);
    c40.intoArray(edge, 4 * NR);
    c41.intoArray(edge, 4 * NR + L);
    c50.intoArray(edge, 5 * NR);
    c51.intoArray(edge, 5 * NR + L);
    for (int i = 0; i < mr; i++) {
      int row = co + i * ldc;
      for (int j = 0; j < nr; j++) {
        c[row + j] = overwrite ? edge[i * NR + j] : c[row + j] + edge[i * NR + j];
      }
    }
  }

  private static void store(float[] c, int co, FloatVector v0, FloatVector v1, boolean overwrite) {
    if (!overwrite) {
      v0 = v0.add(FloatVector.fromArray(FS, c, co));
      v1 = v1.add(FloatVector.fromArray(FS, c, co + L));
    }
    v0.intoArray(c, co);
    v1.intoArray(c, co + L);
  }

  /** Unpacked path for problems too small to amortise packing: row-by-row axpy or dot products. */
  static void sgemmSmall(boolean transA, boolean transB, int m, int n, int k,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      if (!transB) {
        if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
        for (int p = 0; p < k; p++) {
          float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          int bp = bOff + p * ldb;
          int j = 0;
          if (n >= L) {
            FloatVector av = FloatVector.broadcast(FS, aip);
            for (; j <= n - L; j += L) {
              av.fma(FloatVector.fromArray(FS, b, bp + j), FloatVector.fromArray(FS, c, ci + j)).intoArray(c, ci + j);
            }
          }
          for (; j < n; j++) c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
        }
      } else {
        for (int j = 0; j < n; j++) {
          int bj = bOff + j * ldb;
          float s;
          if (!transA) {
            s = sdot(a, aOff + i * lda, b, bj, k);
          } else {
            s = 0f;
            for (int p = 0; p < k; p++) s = Math.fma(a[aOff + p * lda + i], b[bj + p], s);
          }
          c[ci + j] = accumulate ? c[ci + j] + s : s;
        }
      }
    }
  }

  private static float sdot(float[] x, int xo, float[] y, int yo, int len) {
    int p = 0;
    float s = 0f;
    if (len >= L) {
      FloatVector acc = FloatVector.zero(FS);
      for (; p <= len - L; p += L) {
        acc = FloatVector.fromArray(FS, x, xo + p).fma(FloatVector.fromArray(FS, y, yo + p), acc);
      }
      s = acc.reduceLanes(VectorOperators.ADD);
    }
    for (; p < len; p++) s = Math.fma(x[xo + p], y[yo + p], s);
    return s;
  }

  /**
   * Double-precision GEMM, used for gradient checks on small sizes: the same axpy/dot structure
   * as the small float path, vectorised with DoubleVector and split over rows of C.
   */
  static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                    double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                    double[] c, int cOff, int ldc, boolean accumulate) {
    if (m <= 0 || n <= 0) return;
    int dl = DS.length();
    int grain = (int) Math.max(1, 65536L / Math.max(1L, (long) n * Math.max(k, 1)));
    Parallel.forRange(m, grain, (from, to) -> {
      for (int i = from; i < to; i++) {
        int ci = cOff + i * ldc;
        if (!transB) {
          if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0d);
          for (int p = 0; p < k; p++) {
            double aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            int bp = bOff + p * ldb;
            int j = 0;
            if (n >= dl) {
              DoubleVector av = DoubleVector.broadcast(DS, aip);
              for (; j <= n - dl; j += dl) {
                av.fma(DoubleVector.fromArray(DS, b, bp + j), DoubleVector.fromArray(DS, c, ci + j)).intoArray(c, ci + j);
              }
            }
            for (; j < n; j++) c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
          }
        } else {
          for (int j = 0; j < n; j++) {
            int bj = bOff + j * ldb;
            double s = 0d;
            for (int p = 0; p < k; p++) {
              double aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
              s = Math.fma(aip, b[bj + p], s);
            }
            c[ci + j] = accumulate ? c[ci + j] + s : s;
          }
        }
      }
    });
  }

  private static void zero(float[] c, int cOff, int ldc, int m, int n) {
    for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
  }

  private static int roundUp(int x, int q) {
    return (x + q - 1) / q * q;
  }
}
