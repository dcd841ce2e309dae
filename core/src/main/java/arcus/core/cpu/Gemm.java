package arcus.core.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense matrix multiply, C[m x n] (+)= op(A)[m x k] * op(B)[k x n], all row-major with leading
 * dimensions. op(A) is A^T when {@code transA}, in which case A is stored [k x m] (lda >= m),
 * otherwise [m x k] (lda >= k); op(B) likewise is stored [n x k] when {@code transB}.
 *
 * <p>The float path follows the BLIS/Goto structure: B is packed into KC x NR micro-panels (one of
 * them, 24 KiB, stays in L1 while it is used), A into MC x KC blocks of MR-row micro-panels that
 * stream from L2 (see {@link #serial}). Packing absorbs all four transpose cases and zero-pads the
 * edges, so the micro-kernel always sees one layout and always computes a full MR x NR tile; only
 * the write-back distinguishes edge tiles.
 */
final class Gemm {
  private static final VectorSpecies<Float> FS = Species.FLOAT;
  private static final VectorSpecies<Double> DS = Species.DOUBLE;
  private static final int L = FS.length();

  /**
   * Rows of the register tile: 3 rows x 3 vectors = 9 accumulators, + 3 B vectors + 3 broadcast A
   * values = 15 of AVX2's 16 registers. C2 schedules all of an iteration's broadcasts first, so a
   * tile whose accumulators, B vectors and broadcasts do not all fit spills an accumulator, and
   * the spill's store-to-load round trip then sits in an FMA dependency chain: 6 x 2 vectors
   * with broadcasts read 40-44 GFLOP/s on one Zen 3 core, 5 x 2 read 36. This tile, with A
   * broadcast straight from memory ({@code vbroadcastss ymm, m32}, a load, no shuffle), read
   * 92-94 GFLOP/s with its B micro-panel in L1 (C's FMA loop: 100), against 69-77 for the
   * previous 6 x 2 tile that read pre-broadcast A vectors (docs/performance.md, "GEMM: a 3 x 3
   * register tile").
   */
  static final int MR = rows();

  /**
   * 3 rows for AVX2's 16 registers (above); 6 rows x 3 vectors = 18 accumulators + 3 B vectors
   * + 6 broadcasts = 27 of AVX-512's 32, which halves the loads and the C traffic per multiply.
   * {@code -Darcus.gemm.mr=3|6} overrides it, for experiments only: the sums of every C cell are
   * the same in either tile (each is one FMA chain over k in order), so results do not change.
   */
  private static int rows() {
    int mr = Integer.getInteger("arcus.gemm.mr", L >= 16 ? 6 : 3);
    if (mr != 3 && mr != 6) throw new IllegalArgumentException("-Darcus.gemm.mr must be 3 or 6, got " + mr);
    return mr;
  }
  /**
   * Whether a last B panel of at most two vectors' columns takes the narrow 6-row kernels
   * ({@link #narrowPanel}) instead of a full tile that multiplies zero columns. Not final so that
   * a test can compare both ways in one JVM; the sums are the same either way.
   */
  static boolean NARROW = !"false".equals(System.getProperty("arcus.gemm.narrow"));
  /** Columns of the register tile: three vectors. */
  static final int NR = 3 * L;
  /**
   * Depth of a packed panel: the KC x NR micro-panel of B that stays in L1 is 24 KiB (KC = 256
   * for 256-bit vectors, 128 for 512-bit ones). {@code -Darcus.gemm.kc} overrides it, for
   * experiments only.
   */
  static final int KC = Integer.getInteger("arcus.gemm.kc", Math.max(32, 6144 / NR));
  /** Rows of A per packed block (MC x KC floats, 96 KiB at KC = 256: in L2); a multiple of MR. */
  static final int MC = roundUp(Integer.getInteger("arcus.gemm.mc", 96), MR);
  /** Columns of packed B per block (KC x NC floats, 2 MiB: in L3); a multiple of NR. */
  static final int NC = roundUp(Integer.getInteger("arcus.gemm.nc", 2048), NR);
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
      sgemmPacked(transA, transB, m, n, k, a, aOff, lda, null, b, bOff, ldb, null, c, cOff, ldc, accumulate);
    }
  }

  /**
   * Like {@link #sgemm} but the stored rows of B sit at arbitrary offsets: stored row r starts at
   * {@code bOff + bRows[r]} (rows are k-indexed when B is untransposed, n-indexed when
   * {@code transB}). A stride-1 convolution uses this to read its im2col matrix straight out
   * of a padded image, where the row for (ci, ki, kj) is the image shifted by (ki, kj).
   */
  static void sgemmRows(boolean transA, boolean transB, int m, int n, int k,
                        float[] a, int aOff, int lda, float[] b, int bOff, int[] bRows,
                        float[] c, int cOff, int ldc, boolean accumulate) {
    sgemmPacked(transA, transB, m, n, k, a, aOff, lda, null, b, bOff, 0, bRows, c, cOff, ldc, accumulate);
  }

  /**
   * op(A) packed once, exactly as {@link #serial} packs it block by block, for GEMMs that apply one
   * A to many B: a convolution's filters to every image. Block pc (KC deep) starts at
   * pc * roundUp(m, MR); in it, the MR-row micro-panel of rows [r, r + MR) starts at r * kc.
   */
  record PackedA(float[] data, int base, int m, int k) {
    int offset(int pc, int row) {
      return base + pc * roundUp(m, MR) + row * Math.min(KC, k - pc);
    }

    /** Floats a packed m x k A takes: m rounded up to whole micro-panels, times k. */
    static int length(int m, int k) {
      return roundUp(m, MR) * Math.max(k, 0);
    }
  }

  static PackedA packA(boolean transA, float[] a, int aOff, int lda, int m, int k) {
    return packAInto(transA, a, aOff, lda, m, k, new float[PackedA.length(m, k)], 0);
  }

  /** {@link #packA} into {@code data} from {@code base} on ({@link PackedA#length} floats), for callers that reuse a buffer. */
  static PackedA packAInto(boolean transA, float[] a, int aOff, int lda, int m, int k, float[] data, int base) {
    int mp = roundUp(m, MR);
    for (int pc = 0; pc < k; pc += KC) packA(transA, a, aOff, lda, 0, pc, m, Math.min(KC, k - pc), data, base + pc * mp);
    return new PackedA(data, base, m, k);
  }

  /**
   * C[m x n] = A B on the calling thread, with A prepacked and at most KC deep, and B read where it
   * lies, row p at {@code bOff + p·ldb}, never packed. For Winograd's 36 GEMMs per chunk, whose B
   * (the transformed tiles, 64 x 400) was packed only to be read once per 24-column panel: the
   * copy cost as much as a fifth of the kernel time at depth 64. Whole NR-wide panels are
   * computed (a last one of at most two vectors' columns by the narrow kernels instead), so B's
   * rows must be readable and C's writable up to column roundUp(n, NR); the extra columns of C
   * get whatever B's extra cells make (the caller ignores them).
   */
  static void sgemmDirectB(PackedA pa, int n, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
    int m = pa.m(), k = pa.k();
    if (k > KC) throw new IllegalArgumentException("sgemmDirectB: depth " + k + " is over one panel (" + KC + ")");
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
      zero(c, cOff, ldc, m, roundUp(n, NR));
      return;
    }
    float[] ap = pa.data(), edge = SCRATCH.get().edge;
    for (int jr = 0; jr < n; jr += NR) {
      int nr = Math.min(NR, n - jr);
      if (NARROW && nr <= 2 * L) {
        // a last panel of one or two vectors' columns by the narrow kernels (a 28-wide image's
        // 154-tile chunk is 3 panels + 10 columns, a 7-wide image's 100-tile chunk 2 panels + 4:
        // the full tile did 192 and 144); A's panel of row r is at offset(0, 0) + r·k (k <= KC)
        narrowPanel(k, m, nr, ap, pa.offset(0, 0), b, bOff + jr, ldb, c, cOff + jr, ldc, true, edge);
        continue;
      }
      for (int ir = 0; ir < m; ir += MR) {
        int mr = Math.min(MR, m - ir), co = cOff + ir * ldc + jr;
        if (mr == MR) {
          if (MR == 6) kernelB6(k, ap, pa.offset(0, ir), b, bOff + jr, ldb, c, co, ldc);
          else kernelB(k, ap, pa.offset(0, ir), b, bOff + jr, ldb, c, co, ldc);
        } else {
          // a last panel of at most 3 rows takes the 3-row kernel, which reads the first three
          // rows of a 6-row panel (its A index steps by MR): half the work, the same sums
          if (MR == 6 && mr > 3) kernelB6(k, ap, pa.offset(0, ir), b, bOff + jr, ldb, edge, 0, NR);
          else kernelB(k, ap, pa.offset(0, ir), b, bOff + jr, ldb, edge, 0, NR);
          for (int i = 0; i < mr; i++) System.arraycopy(edge, i * NR, c, co + i * ldc, NR);
        }
      }
    }
  }

  /**
   * Whether {@link #sgemmNT} takes its own path (below) where it applies; {@code
   * -Darcus.gemm.nt=false} sends it through {@link #sgemm} (for measurements: the bits are the
   * same). Not final so that a test can compare both ways in one JVM.
   */
  static boolean NT = !"false".equals(System.getProperty("arcus.gemm.nt"));

  /** Columns of the NT register tile: four vectors (64 with 16 lanes). */
  static final int NT_W = 4 * L;

  /**
   * C[m x n] (+)= A Bᵀ with A [m x k] and B [n x k] both row-major (k contiguous), on the
   * calling thread: the Winograd weight gradient's gU = gM Vᵀ over a chunk's tiles. Through
   * {@link #sgemm} both operands went through 8 x 8 transposes when packed (A into 6-row panels, B
   * into NR-wide ones), and with 16 lanes its 64 columns were a 48-wide panel and a 16-wide one
   * for the slower narrow kernels. Here, with n a multiple of {@link #NT_W}, A is never packed
   * (its rows broadcast from where they lie) and B is packed once per KC-deep block into
   * 4-vector-wide panels, for a 4 x 4-vector register tile with 16 lanes (16 accumulators, 4 B
   * vectors, 4 broadcasts of AVX-512's 32 registers; the same loads per multiply as the 6 x 3
   * tile) and a 2 x 4-vector one with 8 ({@link #kernelNT2}). Every C cell is the same FMA chain
   * over each KC-deep block, from zero, then added to C, as in {@link #serial}: the bits are
   * sgemm's. Other shapes and small products go to sgemm. Measured (two threads, the 28² weight
   * gradient, 64 channels, interleaved calls, 2026-11-28): 1.22x at batch 50 and 1.28x at 256 on
   * a Zen 5; with {@code -XX:UseAVX=2} (8 lanes, 16 registers, as on a Zen 3) 1.16x at both.
   */
  static void sgemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc, boolean accumulate) {
    if (!ntApplies(m, n, k)) {
      sgemm(false, true, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
      return;
    }
    nt(m, n, k, a, aOff, lda, null, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate);
  }

  /** Whether {@link #sgemmNT} takes its own path for this shape, and {@link #sgemmRowsNT} may be called. */
  static boolean ntApplies(int m, int n, int k) {
    return NT && ntShape(m, n, k);
  }

  /** Whether the shape suits {@link #sgemmNT}'s own path (whatever {@link #NT} says): whole 4-vector panels, not a small product. */
  static boolean ntShape(int m, int n, int k) {
    return n > 0 && n % NT_W == 0 && (long) m * n * k >= SMALL;
  }

  /**
   * {@link #sgemmNT} with A's row i at {@code aOff + aRows[i]}, for shapes where {@link #ntApplies}.
   * The im2col weight gradient as gwᵀ = col gyᵀ: its im2col rows (576 at 64 channels, a shifted
   * image's runs) are read in place as A, and only gy, 64 rows, is packed; computed as gw = gy colᵀ
   * by {@link #sgemmRows} the 576 rows were B, transposed into panels for every image. Each cell
   * is the same chain of the same products (a·b and b·a round alike) as in that product, per
   * KC-deep block, so the transpose of C holds its bits. Measured (two threads, 64 channels,
   * interleaved calls, 2026-11-28, Zen 5): the weight gradient at 14² 1.47x at batch 50 and 1.50x
   * at 256, at 7² 1.30x at 50; with {@code -XX:UseAVX=2} 1.11x and 1.28x at 50.
   */
  static void sgemmRowsNT(int m, int n, int k, float[] a, int aOff, int[] aRows, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc, boolean accumulate) {
    if (!ntApplies(m, n, k)) throw new IllegalArgumentException("sgemmRowsNT: " + m + " x " + n + " x " + k + " is not an NT shape");
    nt(m, n, k, a, aOff, 0, aRows, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate);
  }

  /**
   * B [n x k] (row-major, k contiguous) packed as {@link #sgemmNT} packs it, every block at once:
   * for each KC-deep block pc, its 4-vector panels jc, each kc × {@link #NT_W}, from
   * {@code dst + pc·n + jc·kc} (k·n floats in all), for {@link #sgemmNTPacked}. The Winograd
   * forward pass packs the V it keeps this way while V is still in cache, so that the weight
   * gradient multiplies it where it lies instead of transposing it back out of memory.
   */
  static void packNT(int n, int k, float[] b, int bOff, int ldb, float[] dst, int dstOff) {
    if (n % NT_W != 0) throw new IllegalArgumentException("packNT: " + n + " rows are not whole " + NT_W + "-wide panels");
    for (int pc = 0; pc < k; pc += KC) {
      int kc = Math.min(KC, k - pc);
      for (int jc = 0; jc < n; jc += NT_W) packTransposed(b, bOff, ldb, null, 0, jc, NT_W, pc, kc, dst, dstOff + pc * n + jc * kc, NT_W);
    }
  }

  /**
   * {@link #sgemmNT}'s own path with B already packed by {@link #packNT} at {@code bp[bpOff..]},
   * for shapes where {@link #ntShape}: the same kernels on the same panels, so the same bits.
   */
  static void sgemmNTPacked(int m, int n, int k, float[] a, int aOff, int lda, float[] bp, int bpOff,
                            float[] c, int cOff, int ldc, boolean accumulate) {
    if (!ntShape(m, n, k)) throw new IllegalArgumentException("sgemmNTPacked: " + m + " x " + n + " x " + k + " is not an NT shape");
    nt(m, n, k, a, aOff, lda, null, null, 0, 0, bp, bpOff, c, cOff, ldc, accumulate);
  }

  /** B from {@code b} (packed here, per block and panel) or, when {@code packed} is not null, already packed there ({@link #packNT}). */
  private static void nt(int m, int n, int k, float[] a, int aOff, int lda, int[] aRows, float[] b, int bOff, int ldb,
                         float[] packed, int packedOff, float[] c, int cOff, int ldc, boolean accumulate) {
    float[] bp = packed != null ? packed : SCRATCH.get().bp(Math.min(KC, k) * NT_W);
    for (int pc = 0; pc < k; pc += KC) {
      int kc = Math.min(KC, k - pc);
      boolean overwrite = !accumulate && pc == 0;
      for (int jc = 0; jc < n; jc += NT_W) {
        // bp[bo + p·NT_W + j] = B[jc + j][pc + p], one 4-vector panel
        int bo = 0;
        if (packed == null) packTransposed(b, bOff, ldb, null, 0, jc, NT_W, pc, kc, bp, 0, NT_W);
        else bo = packedOff + pc * n + jc * kc;
        // A's row i starts at ao + (aRows == null ? i·lda : aRows[i])
        int ir = 0, ao = aOff + pc, co = cOff + jc;
        if (MR == 6) {
          for (; ir + 4 <= m; ir += 4) {
            kernelNT4(kc, a, ao + rowAt(ir, lda, aRows), ao + rowAt(ir + 1, lda, aRows), ao + rowAt(ir + 2, lda, aRows),
                ao + rowAt(ir + 3, lda, aRows), bp, bo, c, co + ir * ldc, ldc, overwrite);
          }
        } else {
          for (; ir + 2 <= m; ir += 2) {
            kernelNT2(kc, a, ao + rowAt(ir, lda, aRows), ao + rowAt(ir + 1, lda, aRows), bp, bo, c, co + ir * ldc, ldc, overwrite);
          }
        }
        for (; ir < m; ir++) kernelNT1(kc, a, ao + rowAt(ir, lda, aRows), bp, bo, c, co + ir * ldc, overwrite);
      }
    }
  }

  /** Where row i of an operand starts: i·ld, or rows[i] when the rows lie at offsets. */
  private static int rowAt(int i, int ld, int[] rows) {
    return rows == null ? i * ld : rows[i];
  }

  /** The 4 x 4L tile of {@link #sgemmNT}: A's rows at ao, a1, a2, a3 broadcast in place, B a packed 4L-wide panel. */
  private static void kernelNT4(int kc, float[] a, int ao, int a1, int a2, int a3, float[] bp, int bo, float[] c, int co, int ldc, boolean overwrite) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
    FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
    for (int p = 0; p < kc; p++) {
      int bi = bo + p * NT_W;
      FloatVector b0 = FloatVector.fromArray(FS, bp, bi);
      FloatVector b1 = FloatVector.fromArray(FS, bp, bi + L);
      FloatVector b2 = FloatVector.fromArray(FS, bp, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(FS, bp, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(FS, a[ao + p]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      c02 = av.fma(b2, c02);
      c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(FS, a[a1 + p]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      c12 = av.fma(b2, c12);
      c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(FS, a[a2 + p]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      c22 = av.fma(b2, c22);
      c23 = av.fma(b3, c23);
      av = FloatVector.broadcast(FS, a[a3 + p]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      c32 = av.fma(b2, c32);
      c33 = av.fma(b3, c33);
    }
    int r1 = co + ldc, r2 = co + 2 * ldc, r3 = co + 3 * ldc;
    if (!overwrite) {
      c00 = c00.add(FloatVector.fromArray(FS, c, co));
      c01 = c01.add(FloatVector.fromArray(FS, c, co + L));
      c02 = c02.add(FloatVector.fromArray(FS, c, co + 2 * L));
      c03 = c03.add(FloatVector.fromArray(FS, c, co + 3 * L));
      c10 = c10.add(FloatVector.fromArray(FS, c, r1));
      c11 = c11.add(FloatVector.fromArray(FS, c, r1 + L));
      c12 = c12.add(FloatVector.fromArray(FS, c, r1 + 2 * L));
      c13 = c13.add(FloatVector.fromArray(FS, c, r1 + 3 * L));
      c20 = c20.add(FloatVector.fromArray(FS, c, r2));
      c21 = c21.add(FloatVector.fromArray(FS, c, r2 + L));
      c22 = c22.add(FloatVector.fromArray(FS, c, r2 + 2 * L));
      c23 = c23.add(FloatVector.fromArray(FS, c, r2 + 3 * L));
      c30 = c30.add(FloatVector.fromArray(FS, c, r3));
      c31 = c31.add(FloatVector.fromArray(FS, c, r3 + L));
      c32 = c32.add(FloatVector.fromArray(FS, c, r3 + 2 * L));
      c33 = c33.add(FloatVector.fromArray(FS, c, r3 + 3 * L));
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c02.intoArray(c, co + 2 * L);
    c03.intoArray(c, co + 3 * L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c12.intoArray(c, r1 + 2 * L);
    c13.intoArray(c, r1 + 3 * L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c22.intoArray(c, r2 + 2 * L);
    c23.intoArray(c, r2 + 3 * L);
    c30.intoArray(c, r3);
    c31.intoArray(c, r3 + L);
    c32.intoArray(c, r3 + 2 * L);
    c33.intoArray(c, r3 + 3 * L);
  }

  /**
   * The 2 x 4L tile of {@link #sgemmNT} for AVX2's 16 registers (8 accumulators, 4 B vectors, 2
   * broadcasts): 6 loads per 8 FMAs against the 3 x 3 tile's 6 per 9, without A's packing and
   * with 32 columns per panel (a 64-column product was 24 + 24 + a 16-wide narrow panel).
   */
  private static void kernelNT2(int kc, float[] a, int ao, int a1, float[] bp, int bo, float[] c, int co, int ldc, boolean overwrite) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
    for (int p = 0; p < kc; p++) {
      int bi = bo + p * NT_W;
      FloatVector b0 = FloatVector.fromArray(FS, bp, bi);
      FloatVector b1 = FloatVector.fromArray(FS, bp, bi + L);
      FloatVector b2 = FloatVector.fromArray(FS, bp, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(FS, bp, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(FS, a[ao + p]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      c02 = av.fma(b2, c02);
      c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(FS, a[a1 + p]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      c12 = av.fma(b2, c12);
      c13 = av.fma(b3, c13);
    }
    int r1 = co + ldc;
    if (!overwrite) {
      c00 = c00.add(FloatVector.fromArray(FS, c, co));
      c01 = c01.add(FloatVector.fromArray(FS, c, co + L));
      c02 = c02.add(FloatVector.fromArray(FS, c, co + 2 * L));
      c03 = c03.add(FloatVector.fromArray(FS, c, co + 3 * L));
      c10 = c10.add(FloatVector.fromArray(FS, c, r1));
      c11 = c11.add(FloatVector.fromArray(FS, c, r1 + L));
      c12 = c12.add(FloatVector.fromArray(FS, c, r1 + 2 * L));
      c13 = c13.add(FloatVector.fromArray(FS, c, r1 + 3 * L));
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c02.intoArray(c, co + 2 * L);
    c03.intoArray(c, co + 3 * L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c12.intoArray(c, r1 + 2 * L);
    c13.intoArray(c, r1 + 3 * L);
  }

  /** One row of {@link #kernelNT4} / {@link #kernelNT2}, for the rows a whole tile leaves. */
  private static void kernelNT1(int kc, float[] a, int ao, float[] bp, int bo, float[] c, int co, boolean overwrite) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c0 = z, c1 = z, c2 = z, c3 = z;
    for (int p = 0; p < kc; p++) {
      int bi = bo + p * NT_W;
      FloatVector av = FloatVector.broadcast(FS, a[ao + p]);
      c0 = av.fma(FloatVector.fromArray(FS, bp, bi), c0);
      c1 = av.fma(FloatVector.fromArray(FS, bp, bi + L), c1);
      c2 = av.fma(FloatVector.fromArray(FS, bp, bi + 2 * L), c2);
      c3 = av.fma(FloatVector.fromArray(FS, bp, bi + 3 * L), c3);
    }
    if (!overwrite) {
      c0 = c0.add(FloatVector.fromArray(FS, c, co));
      c1 = c1.add(FloatVector.fromArray(FS, c, co + L));
      c2 = c2.add(FloatVector.fromArray(FS, c, co + 2 * L));
      c3 = c3.add(FloatVector.fromArray(FS, c, co + 3 * L));
    }
    c0.intoArray(c, co);
    c1.intoArray(c, co + L);
    c2.intoArray(c, co + 2 * L);
    c3.intoArray(c, co + 3 * L);
  }

  /**
   * {@link #kernel} with B's rows {@code ldb} apart in place of a packed panel; always overwrites C.
   * A copy on purpose: one kernel taking the stride for both (NR for a packed panel) ran LeNet on
   * one thread at 2676-2894 images/s against 2909-2997 (three rounds, interleaved), probably
   * because a constant stride lets C2 hoist the packed panel's range checks out of the loop.
   */
  private static void kernelB(int kc, float[] ap, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z;
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * MR, bi = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(FS, b, bi);
      FloatVector b1 = FloatVector.fromArray(FS, b, bi + L);
      FloatVector b2 = FloatVector.fromArray(FS, b, bi + 2 * L);
      FloatVector av = FloatVector.broadcast(FS, ap[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      c02 = av.fma(b2, c02);
      av = FloatVector.broadcast(FS, ap[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      c12 = av.fma(b2, c12);
      av = FloatVector.broadcast(FS, ap[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      c22 = av.fma(b2, c22);
    }
    int r1 = co + ldc, r2 = co + 2 * ldc;
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c02.intoArray(c, co + 2 * L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c12.intoArray(c, r1 + 2 * L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c22.intoArray(c, r2 + 2 * L);
  }

  /** C (+)= A op(B) with A prepacked ({@link #packA}); B's rows at {@code bRows} offsets when not null (see {@link #sgemmRows}). */
  static void sgemmPackedA(PackedA pa, boolean transB, int n, float[] b, int bOff, int ldb, int[] bRows,
                           float[] c, int cOff, int ldc, boolean accumulate) {
    sgemmPacked(false, transB, pa.m(), n, pa.k(), null, 0, 0, pa, b, bOff, ldb, bRows, c, cOff, ldc, accumulate);
  }

  /**
   * Splits C into independent slabs, one per thread; each slab is a whole sub-GEMM with its own
   * packing buffers, so threads never synchronise or share writes. Row slabs (multiples of MR
   * rows) are preferred, as they split most evenly; when there are too few rows for that and C
   * is wide, it is split into column slabs of whole NR-wide panels.
   */
  static void sgemmPacked(boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc, boolean accumulate) {
    sgemmPacked(transA, transB, m, n, k, a, aOff, lda, null, b, bOff, ldb, null, c, cOff, ldc, accumulate);
  }

  private static void sgemmPacked(boolean transA, boolean transB, int m, int n, int k,
                                  float[] a, int aOff, int lda, PackedA pa, float[] b, int bOff, int ldb, int[] bRows,
                                  float[] c, int cOff, int ldc, boolean accumulate) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
      if (!accumulate) zero(c, cOff, ldc, m, n);
      return;
    }
    int rowBlocks = (m + MR - 1) / MR;
    if (rowBlocks < 8 * Parallel.threads() && n > m) {
      int blocks = (n + NR - 1) / NR;
      Parallel.forRange(blocks, 2, (from, to) -> {
        int j0 = from * NR, j1 = Math.min(n, to * NR);
        int bo = transB ? (bRows == null ? bOff + j0 * ldb : bOff) : bOff + j0;
        int row0 = transB && bRows != null ? j0 : 0;
        serial(transA, transB, m, j1 - j0, k, a, aOff, lda, pa, 0, b, bo, ldb, bRows, row0, c, cOff + j0, ldc, accumulate);
      });
    } else {
      Parallel.forRange(rowBlocks, 8, (from, to) -> {
        int i0 = from * MR, i1 = Math.min(m, to * MR);
        int ao = pa != null ? 0 : transA ? aOff + i0 : aOff + i0 * lda;
        serial(transA, transB, i1 - i0, n, k, a, ao, lda, pa, i0, b, bOff, ldb, bRows, 0, c, cOff + i0 * ldc, ldc, accumulate);
      });
    }
  }

  /**
   * Per-thread packing buffers, reused across calls: a conv pass calls the GEMM once per image
   * group, and allocating (and zeroing) ~1 MiB of panels each time showed up in profiles.
   * {@link #serial} never re-enters itself on one thread, so one set per thread suffices.
   */
  private static final class Scratch {
    float[] bp = new float[0];
    final float[] ap = new float[MC * KC];
    final float[] edge = new float[Math.max(MR, 6) * NR];

    float[] bp(int len) {
      if (bp.length < len) bp = new float[len];
      return bp;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * Loop order jc, pc, ic, jr, ir (BLIS): a KC x NC block of B is packed once (L3), then for
   * every MC x KC block of A (packed, L2) each KC x NR micro-panel of B stays in L1 while the
   * MR-row micro-panels of A stream past it.
   */
  private static void serial(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, PackedA pa, int paRow0, float[] b, int bOff, int ldb, int[] bRows, int bRow0,
                             float[] c, int cOff, int ldc, boolean accumulate) {
    int ncMax = Math.min(NC, roundUp(n, NR));
    int kcMax = Math.min(KC, k);
    Scratch s = SCRATCH.get();
    float[] bp = s.bp(ncMax / NR * panelStride(kcMax));
    float[] ap = pa != null ? pa.data() : s.ap;
    float[] edge = s.edge;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        boolean overwrite = !accumulate && pc == 0;
        packB(transB, b, bOff, ldb, bRows, bRow0, pc, jc, kc, nc, bp);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          int aBase = 0;
          if (pa != null) aBase = pa.offset(pc, paRow0 + ic);
          else packA(transA, a, aOff, lda, ic, pc, mc, kc, ap, 0);
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), bo = jr / NR * panelStride(kc);
            if (NARROW && nr <= 2 * L) {
              narrowPanel(kc, mc, nr, ap, aBase, bp, bo, NR, c, cOff + ic * ldc + jc + jr, ldc, overwrite, edge);
              continue;
            }
            for (int ir = 0; ir < mc; ir += MR) {
              int mr = Math.min(MR, mc - ir);
              int co = cOff + (ic + ir) * ldc + jc + jr;
              if (mr == MR && nr == NR && overwrite) {
                // whole tiles that add to C go through the scratch tile too (below), so the kernels
                // are only ever called overwriting: a kernel whose first C2 compile had seen one
                // side of its `if (!overwrite)` was thrown out at the first call with the other
                // (`unstable_if`, typically in the first backward pass) and ran as C1 code, boxing
                // every vector, until C2 compiled it again (~3.6 s in one JVM). The sum is
                // tile + C either way: the same bits.
                if (MR == 6) kernel6(kc, ap, aBase + ir * kc, bp, bo, c, co, ldc);
                else kernel(kc, ap, aBase + ir * kc, bp, bo, c, co, ldc);
              } else {
                // Edge tiles go through a scratch tile so the hot kernel stays small enough to inline;
                // with 6-row panels, a last one of at most 3 rows takes the 3-row kernel (it reads
                // the panel's first three rows: its A index steps by MR), half the multiplies:
                // LeNet's 20 and 50 output channels are 3 × 6 + 2 and 8 × 6 + 2.
                if (MR == 6 && mr > 3) kernel6(kc, ap, aBase + ir * kc, bp, bo, edge, 0, NR);
                else kernel(kc, ap, aBase + ir * kc, bp, bo, edge, 0, NR);
                addEdge(edge, c, co, ldc, mr, nr, overwrite);
              }
            }
          }
        }
      }
    }
  }

  /**
   * Distance between packed B panels: kc*NR floats plus one extra row, so that packing one row
   * of B into every panel does not hit the same few cache sets when kc*NR is a power of two.
   */
  static int panelStride(int kc) {
    return kc * NR + NR;
  }

  /**
   * Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-wide panels, each stored k-major, zero-padded. The
   * untransposed case walks B row by row (full panels first, then the ragged last one) so the
   * reads stream sequentially: walking panel by panel read kc rows at stride ldb, which for a
   * conv's im2col matrix (written just before, mostly out of L2) defeated the prefetcher.
   */
  private static void packB(boolean transB, float[] b, int bOff, int ldb, int[] bRows, int bRow0,
                            int pc, int jc, int kc, int nc, float[] bp) {
    if (!transB) {
      int full = nc / NR * NR, panel = panelStride(kc);
      for (int p = 0; p < kc; p++) {
        int src = bOff + (bRows == null ? (pc + p) * ldb : bRows[bRow0 + pc + p]) + jc;
        int dst = p * NR;
        for (int jr = 0; jr < full; jr += NR, dst += panel) {
          FloatVector.fromArray(FS, b, src + jr).intoArray(bp, dst);
          FloatVector.fromArray(FS, b, src + jr + L).intoArray(bp, dst + L);
          FloatVector.fromArray(FS, b, src + jr + 2 * L).intoArray(bp, dst + 2 * L);
        }
        if (full < nc) {
          // the ragged panel in vectors too: a convolution's 8 x 8 output (64 columns) is 2 2/3 panels
          int nr = nc - full, j = 0;
          for (; j <= nr - L; j += L) FloatVector.fromArray(FS, b, src + full + j).intoArray(bp, dst + j);
          for (; j < nr; j++) bp[dst + j] = b[src + full + j];
          for (; j < NR; j++) bp[dst + j] = 0f;
        }
      }
      return;
    }
    for (int jr = 0; jr < nc; jr += NR) {
      packTransposed(b, bOff, ldb, bRows, bRow0, jc + jr, Math.min(NR, nc - jr), pc, kc, bp, jr / NR * panelStride(kc), NR);
    }
  }

  /**
   * One panel of transposed B, {@code width} columns wide, k-major from {@code dst}:
   * bp[dst + p·width + j] = B[row0 + j][pc + p] for the panel's nr stored rows of B (row r at
   * {@code bOff + r·ldb}, or {@code bOff + bRows[bRow0 + r]}), zero in columns nr..width. Whole
   * 8 x 8 blocks are transposed in registers (a ragged panel's whole 8-column groups too: the
   * Winograd weight gradient's 64 columns were 48 + 16 in NR-wide panels), the rest by scalar
   * loops. For {@link #packB}'s NR-wide panels and {@link #sgemmNT}'s 4-vector ones.
   */
  private static void packTransposed(float[] b, int bOff, int ldb, int[] bRows, int bRow0, int row0, int nr,
                                     int pc, int kc, float[] bp, int dst, int width) {
    int nr8 = L % 8 == 0 ? nr & ~7 : 0, kc8 = kc & ~7;
    for (int j = 0; j < nr8; j += 8) {
      int r = row0 + j;
      for (int p = 0; p < kc8; p += 8) {
        transpose8(b, bOff + pc + p, bRows, bRow0 + r, r, ldb, bp, dst + p * width + j, width);
      }
      for (int jj = j; jj < j + 8; jj++) {
        int rr = row0 + jj;
        int src = bOff + (bRows == null ? rr * ldb : bRows[bRow0 + rr]) + pc;
        for (int p = kc8; p < kc; p++) bp[dst + p * width + jj] = b[src + p];
      }
    }
    for (int j = nr8; j < nr; j++) {
      int r = row0 + j;
      int src = bOff + (bRows == null ? r * ldb : bRows[bRow0 + r]) + pc;
      for (int p = 0; p < kc; p++) bp[dst + p * width + j] = b[src + p];
    }
    if (nr < width) {
      for (int p = 0; p < kc; p++) java.util.Arrays.fill(bp, dst + p * width + nr, dst + p * width + width, 0f);
    }
  }

  /**
   * The 8 x 8 transposes run on 8-lane vectors whatever the preferred length (on AVX2 that is
   * {@link #FS} itself): with 16 lanes NR = 48 is six of them, where the scalar copy they replace
   * was 5.6% of a batch-50 step's samples on a Zen 5.
   */
  private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
  private static final VectorShuffle<Float> DOWN1 = rotation(-1), DOWN2 = rotation(-2), DOWN4 = rotation(-4);
  private static final VectorShuffle<Float> UP1 = rotation(1), UP2 = rotation(2), UP4 = rotation(4);
  private static final VectorMask<Float> ODD1 = laneBit(1), ODD2 = laneBit(2), ODD4 = laneBit(4);
  private static final VectorMask<Float> EVEN1 = ODD1.not(), EVEN2 = ODD2.not(), EVEN4 = ODD4.not();

  /** Lane j takes lane (j + d) mod 8. */
  private static VectorShuffle<Float> rotation(int d) {
    int[] idx = new int[8];
    for (int j = 0; j < 8; j++) idx[j] = Math.floorMod(j + d, 8);
    return VectorShuffle.fromArray(S8, idx, 0);
  }

  /** The lanes whose index has bit {@code bit} set. */
  private static VectorMask<Float> laneBit(int bit) {
    boolean[] lanes = new boolean[8];
    for (int j = 0; j < 8; j++) lanes[j] = (j & bit) != 0;
    return VectorMask.fromArray(S8, lanes, 0);
  }

  /**
   * Transposes the 8 x 8 block of stored rows r0..r0+7 (each from column {@code col}) into 8 rows
   * {@code stride} apart from {@code dst}: out[p][j] = B[r0 + j][col + p]. On 8-lane vectors ({@link #S8}). Three
   * butterfly stages swap the off-diagonal 1 x 1, 2 x 2 and 4 x 4 blocks (a rotation and a blend
   * per vector per stage): the scalar transposing copy of the weight gradients' B was 8.5% of a
   * training step.
   */
  static void transpose8(float[] b, int col, int[] bRows, int rowIdx, int r0, int ldb, float[] bp, int dst, int stride) {
    FloatVector x0, x1, x2, x3, x4, x5, x6, x7;
    if (bRows == null) {
      int o = col + r0 * ldb;
      x0 = FloatVector.fromArray(S8, b, o);
      x1 = FloatVector.fromArray(S8, b, o + ldb);
      x2 = FloatVector.fromArray(S8, b, o + 2 * ldb);
      x3 = FloatVector.fromArray(S8, b, o + 3 * ldb);
      x4 = FloatVector.fromArray(S8, b, o + 4 * ldb);
      x5 = FloatVector.fromArray(S8, b, o + 5 * ldb);
      x6 = FloatVector.fromArray(S8, b, o + 6 * ldb);
      x7 = FloatVector.fromArray(S8, b, o + 7 * ldb);
    } else {
      x0 = FloatVector.fromArray(S8, b, col + bRows[rowIdx]);
      x1 = FloatVector.fromArray(S8, b, col + bRows[rowIdx + 1]);
      x2 = FloatVector.fromArray(S8, b, col + bRows[rowIdx + 2]);
      x3 = FloatVector.fromArray(S8, b, col + bRows[rowIdx + 3]);
      x4 = FloatVector.fromArray(S8, b, col + bRows[rowIdx + 4]);
      x5 = FloatVector.fromArray(S8, b, col + bRows[rowIdx + 5]);
      x6 = FloatVector.fromArray(S8, b, col + bRows[rowIdx + 6]);
      x7 = FloatVector.fromArray(S8, b, col + bRows[rowIdx + 7]);
    }
    // stage d: rows i and i + d (bit d of i clear) exchange their off-diagonal d x d blocks
    FloatVector t0 = x0.blend(x1.rearrange(DOWN1), ODD1), t1 = x1.blend(x0.rearrange(UP1), EVEN1);
    FloatVector t2 = x2.blend(x3.rearrange(DOWN1), ODD1), t3 = x3.blend(x2.rearrange(UP1), EVEN1);
    FloatVector t4 = x4.blend(x5.rearrange(DOWN1), ODD1), t5 = x5.blend(x4.rearrange(UP1), EVEN1);
    FloatVector t6 = x6.blend(x7.rearrange(DOWN1), ODD1), t7 = x7.blend(x6.rearrange(UP1), EVEN1);
    x0 = t0.blend(t2.rearrange(DOWN2), ODD2);
    x2 = t2.blend(t0.rearrange(UP2), EVEN2);
    x1 = t1.blend(t3.rearrange(DOWN2), ODD2);
    x3 = t3.blend(t1.rearrange(UP2), EVEN2);
    x4 = t4.blend(t6.rearrange(DOWN2), ODD2);
    x6 = t6.blend(t4.rearrange(UP2), EVEN2);
    x5 = t5.blend(t7.rearrange(DOWN2), ODD2);
    x7 = t7.blend(t5.rearrange(UP2), EVEN2);
    x0.blend(x4.rearrange(DOWN4), ODD4).intoArray(bp, dst);
    x1.blend(x5.rearrange(DOWN4), ODD4).intoArray(bp, dst + stride);
    x2.blend(x6.rearrange(DOWN4), ODD4).intoArray(bp, dst + 2 * stride);
    x3.blend(x7.rearrange(DOWN4), ODD4).intoArray(bp, dst + 3 * stride);
    x4.blend(x0.rearrange(UP4), EVEN4).intoArray(bp, dst + 4 * stride);
    x5.blend(x1.rearrange(UP4), EVEN4).intoArray(bp, dst + 5 * stride);
    x6.blend(x2.rearrange(UP4), EVEN4).intoArray(bp, dst + 6 * stride);
    x7.blend(x3.rearrange(UP4), EVEN4).intoArray(bp, dst + 7 * stride);
  }

  /** Interleaving three 8-lane rows: output vector u, lane s is element 8u + s = 3p + i, row i's lane p. */
  private static final VectorShuffle<Float>[] IL3 = interleave3Shuffles();
  private static final VectorMask<Float>[] IL3_ROW1 = interleave3Masks(1), IL3_ROW2 = interleave3Masks(2);
  /**
   * The same shuffles and masks as static final constants, which C2 folds into the instructions;
   * read from the arrays they were reloaded and converted on every call (the same held for
   * Winograd's deinterleave: 19.5 against 13.7 ns per 32 floats).
   */
  private static final VectorShuffle<Float> IL3_S0 = IL3[0], IL3_S1 = IL3[1], IL3_S2 = IL3[2];
  private static final VectorMask<Float> IL3_R10 = IL3_ROW1[0], IL3_R11 = IL3_ROW1[1], IL3_R12 = IL3_ROW1[2];
  private static final VectorMask<Float> IL3_R20 = IL3_ROW2[0], IL3_R21 = IL3_ROW2[1], IL3_R22 = IL3_ROW2[2];

  @SuppressWarnings("unchecked")
  private static VectorShuffle<Float>[] interleave3Shuffles() {
    VectorShuffle<Float>[] sh = new VectorShuffle[3];
    for (int u = 0; u < 3; u++) {
      int[] idx = new int[L];
      for (int t = 0; t < L; t++) idx[t] = Math.min(L - 1, (u * L + t) / 3);
      sh[u] = VectorShuffle.fromArray(FS, idx, 0);
    }
    return sh;
  }

  @SuppressWarnings("unchecked")
  private static VectorMask<Float>[] interleave3Masks(int row) {
    VectorMask<Float>[] mk = new VectorMask[3];
    for (int u = 0; u < 3; u++) {
      boolean[] lanes = new boolean[L];
      for (int t = 0; t < L; t++) lanes[t] = (u * L + t) % 3 == row;
      mk[u] = VectorMask.fromArray(FS, lanes, 0);
    }
    return mk;
  }

  /**
   * ap[dst + 3p + i] = a[src + i·lda + p] for p in [0, 8) and the three rows i: A's micro-panel
   * layout, from vectors (for 8-lane vectors only). The scalar strided copy was 4.4% of a step.
   */
  private static void interleave3(float[] a, int src, int lda, float[] ap, int dst) {
    FloatVector r0 = FloatVector.fromArray(FS, a, src), r1 = FloatVector.fromArray(FS, a, src + lda);
    FloatVector r2 = FloatVector.fromArray(FS, a, src + 2 * lda);
    r0.rearrange(IL3_S0).blend(r1.rearrange(IL3_S0), IL3_R10).blend(r2.rearrange(IL3_S0), IL3_R20).intoArray(ap, dst);
    r0.rearrange(IL3_S1).blend(r1.rearrange(IL3_S1), IL3_R11).blend(r2.rearrange(IL3_S1), IL3_R21).intoArray(ap, dst + L);
    r0.rearrange(IL3_S2).blend(r1.rearrange(IL3_S2), IL3_R12).blend(r2.rearrange(IL3_S2), IL3_R22).intoArray(ap, dst + 2 * L);
  }

  /**
   * Packs op(A)[ic:ic+mc, pc:pc+kc] as MR-tall micro-panels, each stored k-major (MR values per
   * k) and zero-padded: micro-panel ir starts at ir*kc.
   */
  private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc, float[] ap, int apOff) {
    for (int ir = 0; ir < mc; ir += MR) {
      int mr = Math.min(MR, mc - ir), dst = apOff + ir * kc;
      if (transA) {
        int src = aOff + pc * lda + ic + ir;
        for (int p = 0; p < kc; p++, src += lda, dst += MR) {
          int i = 0;
          for (; i < mr; i++) ap[dst + i] = a[src + i];
          for (; i < MR; i++) ap[dst + i] = 0f;
        }
      } else {
        int src = aOff + (ic + ir) * lda + pc;
        if (MR == 6 && mr == MR && ir + 8 <= mc && kc > 8) {
          // 8 x 8 transposes of rows ir..ir+7, each column's 8 values written MR apart in
          // increasing column order, so rows 6 and 7 land on the next column's first two slots and
          // are overwritten by it; the last 1-8 columns (whose spill would leave the panel) by the
          // scalar copy. The per-element copy was 3.7% of a batch-50 step on the Zen 5.
          int p = 0;
          for (; p + 8 < kc; p += 8) transpose8(a, src + p, null, 0, 0, lda, ap, dst + p * MR, MR);
          for (int i = 0; i < MR; i++) {
            for (int q = p; q < kc; q++) ap[dst + q * MR + i] = a[src + i * lda + q];
          }
          continue;
        }
        if (L == 8 && MR == 3 && mr == MR) {
          // three rows interleaved 8 columns at a time in registers, the ragged end of kc below
          int kc8 = kc & ~7;
          for (int p = 0; p < kc8; p += 8) interleave3(a, src + p, lda, ap, dst + p * MR);
          for (int i = 0; i < MR; i++) {
            for (int p = kc8; p < kc; p++) ap[dst + p * MR + i] = a[src + i * lda + p];
          }
          continue;
        }
        for (int i = 0; i < mr; i++, src += lda) {
          for (int p = 0; p < kc; p++) ap[dst + p * MR + i] = a[src + p];
        }
        for (int i = mr; i < MR; i++) {
          for (int p = 0; p < kc; p++) ap[dst + p * MR + i] = 0f;
        }
      }
    }
  }

  /**
   * The 3 x 3L register tile. Nine accumulators are named locals so C2 keeps them in registers;
   * the loop body is one B row (three loads) against three A values broadcast from memory.
   */
  private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z;
    // Indices are affine in the loop counter (not separately bumped) so C2 can hoist range checks.
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * MR, bi = bo + p * NR;
      FloatVector b0 = FloatVector.fromArray(FS, bp, bi);
      FloatVector b1 = FloatVector.fromArray(FS, bp, bi + L);
      FloatVector b2 = FloatVector.fromArray(FS, bp, bi + 2 * L);
      FloatVector av = FloatVector.broadcast(FS, ap[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      c02 = av.fma(b2, c02);
      av = FloatVector.broadcast(FS, ap[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      c12 = av.fma(b2, c12);
      av = FloatVector.broadcast(FS, ap[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      c22 = av.fma(b2, c22);
    }
    // Written out rather than via a helper: a non-inlined call taking vectors would box them.
    int r1 = co + ldc, r2 = co + 2 * ldc;
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c02.intoArray(c, co + 2 * L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c12.intoArray(c, r1 + 2 * L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c22.intoArray(c, r2 + 2 * L);
  }

  /** {@link #kernel} with the 6 x 3L tile of 512-bit machines ({@link #MR}); the same FMA chain per C cell. */
  private static void kernel6(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z, c30 = z, c31 = z, c32 = z, c40 = z, c41 = z, c42 = z, c50 = z, c51 = z, c52 = z;
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * MR, bi = bo + p * NR;
      FloatVector b0 = FloatVector.fromArray(FS, bp, bi);
      FloatVector b1 = FloatVector.fromArray(FS, bp, bi + L);
      FloatVector b2 = FloatVector.fromArray(FS, bp, bi + 2 * L);
      FloatVector av = FloatVector.broadcast(FS, ap[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      c02 = av.fma(b2, c02);
      av = FloatVector.broadcast(FS, ap[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      c12 = av.fma(b2, c12);
      av = FloatVector.broadcast(FS, ap[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      c22 = av.fma(b2, c22);
      av = FloatVector.broadcast(FS, ap[ai + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      c32 = av.fma(b2, c32);
      av = FloatVector.broadcast(FS, ap[ai + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      c42 = av.fma(b2, c42);
      av = FloatVector.broadcast(FS, ap[ai + 5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
      c52 = av.fma(b2, c52);
    }
    int r1 = co + ldc, r2 = co + 2 * ldc, r3 = co + 3 * ldc, r4 = co + 4 * ldc, r5 = co + 5 * ldc;
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c02.intoArray(c, co + 2 * L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c12.intoArray(c, r1 + 2 * L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c22.intoArray(c, r2 + 2 * L);
    c30.intoArray(c, r3);
    c31.intoArray(c, r3 + L);
    c32.intoArray(c, r3 + 2 * L);
    c40.intoArray(c, r4);
    c41.intoArray(c, r4 + L);
    c42.intoArray(c, r4 + 2 * L);
    c50.intoArray(c, r5);
    c51.intoArray(c, r5 + L);
    c52.intoArray(c, r5 + 2 * L);
  }

  /** {@link #kernelB} with the 6 x 3L tile ({@link #MR}); always overwrites C. */
  private static void kernelB6(int kc, float[] ap, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z, c30 = z, c31 = z, c32 = z, c40 = z, c41 = z, c42 = z, c50 = z, c51 = z, c52 = z;
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * MR, bi = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(FS, b, bi);
      FloatVector b1 = FloatVector.fromArray(FS, b, bi + L);
      FloatVector b2 = FloatVector.fromArray(FS, b, bi + 2 * L);
      FloatVector av = FloatVector.broadcast(FS, ap[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      c02 = av.fma(b2, c02);
      av = FloatVector.broadcast(FS, ap[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      c12 = av.fma(b2, c12);
      av = FloatVector.broadcast(FS, ap[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      c22 = av.fma(b2, c22);
      av = FloatVector.broadcast(FS, ap[ai + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      c32 = av.fma(b2, c32);
      av = FloatVector.broadcast(FS, ap[ai + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      c42 = av.fma(b2, c42);
      av = FloatVector.broadcast(FS, ap[ai + 5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
      c52 = av.fma(b2, c52);
    }
    int r1 = co + ldc, r2 = co + 2 * ldc, r3 = co + 3 * ldc, r4 = co + 4 * ldc, r5 = co + 5 * ldc;
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c02.intoArray(c, co + 2 * L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c12.intoArray(c, r1 + 2 * L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c22.intoArray(c, r2 + 2 * L);
    c30.intoArray(c, r3);
    c31.intoArray(c, r3 + L);
    c32.intoArray(c, r3 + 2 * L);
    c40.intoArray(c, r4);
    c41.intoArray(c, r4 + L);
    c42.intoArray(c, r4 + 2 * L);
    c50.intoArray(c, r5);
    c51.intoArray(c, r5 + L);
    c52.intoArray(c, r5 + 2 * L);
  }

  /**
   * A ragged last panel of {@code nr <= 2L} columns: 6-row tiles of one or two vectors (6 or 12
   * accumulators), so its multiplies by the panel's zero columns are not done. The Winograd
   * weight gradient's 64 x 64 products are 48 + 16 columns with 16 lanes, and the full tile did
   * 96. Rows come from one 6-row A panel, or from two 3-row ones; each C cell is the same FMA
   * chain over k as in the full tile, so nothing changes but the time. B is a packed panel
   * ({@code ldb} = NR) or, for {@link #sgemmDirectB}, rows in place.
   */
  private static void narrowPanel(int kc, int mc, int nr, float[] ap, int aBase, float[] bp, int bo, int ldb,
                                  float[] c, int co, int ldc, boolean overwrite, float[] edge) {
    boolean one = nr <= L;
    for (int ir = 0; ir < mc; ir += 6) {
      int mr = Math.min(6, mc - ir), ao0 = aBase + ir * kc;
      // rows 3-5: the second half of a 6-row panel, or the next 3-row panel (the first again
      // when there is none: its results are not stored)
      int ao1 = MR == 6 ? ao0 + 3 : mr > 3 ? ao0 + 3 * kc : ao0;
      int cr = co + ir * ldc;
      if (mr == 6 && nr == (one ? L : 2 * L)) {
        if (one) narrow1(kc, ap, ao0, ao1, bp, bo, ldb, c, cr, ldc, overwrite);
        else narrow2(kc, ap, ao0, ao1, bp, bo, ldb, c, cr, ldc, overwrite);
      } else {
        if (one) narrow1(kc, ap, ao0, ao1, bp, bo, ldb, edge, 0, NR, true);
        else narrow2(kc, ap, ao0, ao1, bp, bo, ldb, edge, 0, NR, true);
        addEdge(edge, c, cr, ldc, mr, nr, overwrite);
      }
    }
  }

  /** The 6 x L tile of {@link #narrowPanel}, B's rows {@code ldb} apart. */
  private static void narrow1(int kc, float[] ap, int ao0, int ao1, float[] bp, int bo, int ldb, float[] c, int co, int ldc,
                              boolean overwrite) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z;
    for (int p = 0; p < kc; p++) {
      int a0 = ao0 + p * MR, a1 = ao1 + p * MR;
      FloatVector b0 = FloatVector.fromArray(FS, bp, bo + p * ldb);
      c0 = FloatVector.broadcast(FS, ap[a0]).fma(b0, c0);
      c1 = FloatVector.broadcast(FS, ap[a0 + 1]).fma(b0, c1);
      c2 = FloatVector.broadcast(FS, ap[a0 + 2]).fma(b0, c2);
      c3 = FloatVector.broadcast(FS, ap[a1]).fma(b0, c3);
      c4 = FloatVector.broadcast(FS, ap[a1 + 1]).fma(b0, c4);
      c5 = FloatVector.broadcast(FS, ap[a1 + 2]).fma(b0, c5);
    }
    int r1 = co + ldc, r2 = co + 2 * ldc, r3 = co + 3 * ldc, r4 = co + 4 * ldc, r5 = co + 5 * ldc;
    if (!overwrite) {
      c0 = c0.add(FloatVector.fromArray(FS, c, co));
      c1 = c1.add(FloatVector.fromArray(FS, c, r1));
      c2 = c2.add(FloatVector.fromArray(FS, c, r2));
      c3 = c3.add(FloatVector.fromArray(FS, c, r3));
      c4 = c4.add(FloatVector.fromArray(FS, c, r4));
      c5 = c5.add(FloatVector.fromArray(FS, c, r5));
    }
    c0.intoArray(c, co);
    c1.intoArray(c, r1);
    c2.intoArray(c, r2);
    c3.intoArray(c, r3);
    c4.intoArray(c, r4);
    c5.intoArray(c, r5);
  }

  /** The 6 x 2L tile of {@link #narrowPanel}. */
  private static void narrow2(int kc, float[] ap, int ao0, int ao1, float[] bp, int bo, int ldb, float[] c, int co, int ldc,
                              boolean overwrite) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
    for (int p = 0; p < kc; p++) {
      int a0 = ao0 + p * MR, a1 = ao1 + p * MR, bi = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(FS, bp, bi);
      FloatVector b1 = FloatVector.fromArray(FS, bp, bi + L);
      FloatVector av = FloatVector.broadcast(FS, ap[a0]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(FS, ap[a0 + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(FS, ap[a0 + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(FS, ap[a1]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(FS, ap[a1 + 1]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(FS, ap[a1 + 2]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
    }
    int r1 = co + ldc, r2 = co + 2 * ldc, r3 = co + 3 * ldc, r4 = co + 4 * ldc, r5 = co + 5 * ldc;
    if (!overwrite) {
      c00 = c00.add(FloatVector.fromArray(FS, c, co));
      c01 = c01.add(FloatVector.fromArray(FS, c, co + L));
      c10 = c10.add(FloatVector.fromArray(FS, c, r1));
      c11 = c11.add(FloatVector.fromArray(FS, c, r1 + L));
      c20 = c20.add(FloatVector.fromArray(FS, c, r2));
      c21 = c21.add(FloatVector.fromArray(FS, c, r2 + L));
      c30 = c30.add(FloatVector.fromArray(FS, c, r3));
      c31 = c31.add(FloatVector.fromArray(FS, c, r3 + L));
      c40 = c40.add(FloatVector.fromArray(FS, c, r4));
      c41 = c41.add(FloatVector.fromArray(FS, c, r4 + L));
      c50 = c50.add(FloatVector.fromArray(FS, c, r5));
      c51 = c51.add(FloatVector.fromArray(FS, c, r5 + L));
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c30.intoArray(c, r3);
    c31.intoArray(c, r3 + L);
    c40.intoArray(c, r4);
    c41.intoArray(c, r4 + L);
    c50.intoArray(c, r5);
    c51.intoArray(c, r5 + L);
  }

  private static void addEdge(float[] edge, float[] c, int co, int ldc, int mr, int nr, boolean overwrite) {
    if (nr == NR) {
      // Short tile (the last rows of m): whole-vector rows.
      for (int i = 0; i < mr; i++) {
        int row = co + i * ldc;
        for (int v = 0; v < NR; v += L) {
          FloatVector e = FloatVector.fromArray(FS, edge, i * NR + v);
          if (!overwrite) e = e.add(FloatVector.fromArray(FS, c, row + v));
          e.intoArray(c, row + v);
        }
      }
    } else if (overwrite) {
      for (int i = 0; i < mr; i++) System.arraycopy(edge, i * NR, c, co + i * ldc, nr);
    } else {
      for (int i = 0; i < mr; i++) {
        int row = co + i * ldc;
        for (int j = 0; j < nr; j++) c[row + j] += edge[i * NR + j];
      }
    }
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
      s = Lanes.sum(acc);
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
