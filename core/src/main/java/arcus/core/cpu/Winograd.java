package arcus.core.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Winograd convolution F(m×m, 3×3) for float32 3×3 convolutions with stride 1, dilation 1 and
 * padding 0..2 (Lavin &amp; Gray 2016). Per output tile of m×m pixels the input tile d
 * ((m+2)×(m+2)) is transformed to V = Bᵀ d B, the filter g to U = G g Gᵀ, and the tile is
 * Y = Aᵀ [Σ_c U ⊙ V] A. For each of the (m+2)² transform positions, Σ_c is one GEMM
 * [oc × c] · [c × tiles] on the packed SIMD {@link Gemm}: that is where the multiplies are saved
 * (36 instead of 144 per 4×4 tile and channel pair for m = 4).
 *
 * <p>Layout: a chunk of T tiles (whole rows of tiles, possibly spanning images) is transformed
 * into V[pos][c][T], multiplied into M[pos][oc][T], and transformed back. The transforms are
 * vectorised over tiles: every image row is first copied "deinterleaved" by column phase
 * (column X stored at (X mod m, X div m)), so the column j of tile tx sits at phase j mod m,
 * index tx + j div m, and 8 neighbouring tiles are one contiguous vector. All arithmetic is
 * vector mul/fma (same bits in every JIT tier), no horizontal reductions.
 *
 * <p>The weight gradient is the adjoint of the forward pass: gM = A gY Aᵀ per tile (gY the
 * output-gradient tile), gU[pos] = Σ_tiles gM[pos] · V[pos]ᵀ (a GEMM with depth T per chunk,
 * accumulated over the chunks of a thread; per-thread partials are summed in range order), and
 * g = Gᵀ gU G.
 *
 * <p>Where its channel counts allow, the forward pass (plain, flipped, keeping V) runs channels
 * last instead ({@link WinogradCL}): the same arithmetic in the same order, vectorised over
 * channels, so the same bits without the phase deinterleave.
 */
final class Winograd {
  private static final VectorSpecies<Float> FS = Species.FLOAT;
  private static final int L = FS.length();

  /**
   * Target tiles per chunk in the forward pass (the GEMM's width). 400 amortised packing the
   * filters once per chunk; now that they are packed once per call and the tiles are read in
   * place, narrower chunks keep more of V and M in cache: 64 channels, 2 threads, two rounds
   * (2026-11-28), 28² forward at batch 256 50.3-50.5 ms against 55.3-59.3 at 400, 14² 17.4-17.9
   * against 19.5-24.6, batch 50 alike or better; 120 and 240 lay between. 168 = 7 × 24: at 28²
   * a tile row has 7 tiles, so a chunk is whole 24-tile GEMM panels.
   */
  static final int TILES = Integer.getInteger("arcus.winograd.tiles", 168);
  /**
   * Target tiles per chunk in the weight gradient (the GEMM's depth). 64 won with the old GEMM
   * (its pre-broadcast A made packing dearer than L2 misses); with the 3 x 3 tile and packing in
   * registers, [64, 64, 28²] on one thread read 105-107 GFLOP/s at 128 against 82-100 at 64 and
   * 78-90 at 512 (two runs each, 2026-11-27): fewer passes over gU, longer micro-kernel loops.
   */
  static final int TILES_WEIGHT = Integer.getInteger("arcus.winograd.tilesWeight", 128);
  /**
   * Bound on a thread's transformed tiles V + M, in floats (8 MiB): at 64 channels 400 tiles
   * fit (7.4 MiB); wider layers get narrower chunks instead of tens of MiB of scratch. Measured
   * cost (1 thread, CPU time, interleaved): 256 ch × 7² forward 70-72 GFLOP/s against 76 with
   * 400-tile chunks (30 MiB per thread); 128 ch × 14² unchanged.
   */
  static final long SCRATCH_FLOATS = Long.getLong("arcus.winograd.scratch", 2L << 20);

  /**
   * Channel pairs in the input-side transforms (see {@link #pairs}): on by default,
   * {@code -Darcus.winograd.pairs=false} turns them off (for measurements; the bits are the same).
   * Not final so that a test can compare both ways in one JVM.
   */
  static boolean PAIRS = !"false".equals(System.getProperty("arcus.winograd.pairs"));

  /**
   * Whether F(4×4)'s input transform of narrow planes gathers each tile's window ({@link
   * #gatherTransform}: L tiles of several tile rows or images per vector, the cells loaded one by
   * one through index tables) instead of running rows of tw tiles, tw of L lanes in use, through
   * the row and column passes: on by default, {@code -Darcus.winograd.gather=false} turns it off
   * (for measurements; the bits are the same). Not final so that a test can compare both ways in
   * one JVM.
   */
  static boolean GATHER = !"false".equals(System.getProperty("arcus.winograd.gather"));

  /**
   * The plans whose input transform gathers: F(4×4) with at most L/8 tiles a row (7 × 7 and 8 × 8
   * outputs with 16 lanes). Two threads, batch 50, 64 channels (Zen 5, 2026-11-29): at 7² the
   * forward pass took 0.60–0.67 ms against 0.80–0.95 by the row passes (2 of 16 lanes in use), and
   * the input gradient 0.61–0.76 against 0.81–0.94; at 14² (4 tiles a row) 2.3 ms against 2.07.
   */
  private static boolean gathers(Plan p) {
    return GATHER && p.tf.m == 4 && 8 * p.tw <= L;
  }

  /**
   * Whether F(4×4)'s output transform of narrow planes copies each output cell into y through a
   * table ({@link #scatterTables}) instead of interleaving tile rows and copying rows of ow cells:
   * on by default, {@code -Darcus.winograd.scatter=false} turns it off (for measurements; the bits
   * are the same). Not final so that a test can compare both ways in one JVM.
   */
  static boolean SCATTER = !"false".equals(System.getProperty("arcus.winograd.scatter"));

  /**
   * The plans whose output transform copies cell by cell: F(4×4) with at most L/4 tiles a row
   * (14 × 14 and 7 × 7 outputs with 16 lanes). One thread, batch 50, 64 channels (Zen 5,
   * 2026-11-29): the output transform at 7² 0.42–0.48 → 0.26–0.29 ms, at 14² 0.97–1.02 → 0.65–0.75;
   * at 28² (7 tiles a row, rows of 28 cells copied whole) 2.63–2.69 against 2.66–2.79.
   */
  private static boolean scatters(Plan p) {
    return SCATTER && p.tf.m == 4 && 4 * p.tw <= L;
  }

  /** Whether F(4×4)'s forward pass of g copies its outputs cell by cell (for tests). */
  static boolean scattersInForward(ConvKernels.Geom g) {
    return scatters(Plan.of(F4, g, TILES));
  }

  /** Whether F(4×4)'s forward pass of g gathers its input transform (for tests). */
  static boolean gathersInForward(ConvKernels.Geom g) {
    return gathers(Plan.of(F4, g, TILES));
  }

  /**
   * Whether F(4×4)'s input-side transforms read a source row straight from the tensor
   * ({@link #toPhases4}, zeroing the cells outside the row by an AND with a −1/0 mask) instead of
   * first copying it into a zeroed buffer: on by default, {@code -Darcus.winograd.directRows=false}
   * turns it off (for measurements; the bits are the same). Not final so that a test can compare
   * both ways in one JVM.
   */
  static boolean DIRECT_ROWS = !"false".equals(System.getProperty("arcus.winograd.directRows"));
  private static final VectorSpecies<Integer> IS = FS.withLanes(int.class);

  /**
   * Whether a tile transform of F(4×4) takes two channels per vector, one in each half: when a
   * tile row fits half a vector with a lane to spare (tw + 1 ≤ L/2, so the taps shifted by one
   * tile still read their own half) and a padded source row fits the half's 4·L/2 cells. With
   * 16 lanes a 28-wide image has 7 tiles a row, so one channel per vector left 9 of 16 lanes
   * idle in every load, shuffle, FMA and store of the transform; paired, each lane does the same
   * operations on the same values as before, so the output is bit for bit the unpaired one.
   */
  static boolean pairs(Plan p, int chs, int sw, int padW) {
    return PAIRS && p.tf == F4 && chs >= 2 && p.tw + 1 <= L / 2 && padW + sw <= 4 * (L / 2);
  }

  /** Whether the forward pass of {@code g} (F(4×4)) transforms its input in channel pairs: for tests. */
  static boolean pairsInForward(ConvKernels.Geom g) {
    return pairs(Plan.of(F4, g, TILES), g.c(), g.w(), g.pW());
  }

  /** A vector's halves exchanged: the second channel of a pair into the lower lanes. */
  private static final class Halves {
    /** Lane j takes lane (j + L/2) mod L: the halves exchanged. */
    static final VectorShuffle<Float> SWAP = swap();

    private static VectorShuffle<Float> swap() {
      int[] idx = new int[L];
      for (int j = 0; j < L; j++) idx[j] = (j + L / 2) % L;
      return VectorShuffle.fromArray(FS, idx, 0);
    }
  }

  /**
   * Stores {@code v} at {@code off}; with a pair (pairDelta ≠ 0) its upper half also goes to
   * {@code off + pairDelta}, the second channel's slot, by a second store of the halves exchanged
   * (each store's other half lands past its channel's tile row, in slots written later, as an
   * unpaired row's spare lanes do). A masked store of the upper half measured the same on Zen 5
   * and is microcoded on Zen 3.
   */
  private static void put(FloatVector v, float[] dst, int off, int pairDelta) {
    v.intoArray(dst, off);
    if (pairDelta != 0) v.rearrange(Halves.SWAP).intoArray(dst, off + pairDelta + L / 2);
  }

  /** The transform matrices of F(m×m, 3×3); a = m + 2. */
  record Transform(int m, int a, double[][] bt, double[][] g, double[][] at) {
    static Transform of(int m, double[][] bt, double[][] g, double[][] at) {
      return new Transform(m, m + 2, bt, g, at);
    }
  }

  /** F(2×2, 3×3): points 0, 1, -1, ∞. */
  static final Transform F2 = Transform.of(2,
      new double[][] {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}},
      new double[][] {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}},
      new double[][] {{1, 1, 1, 0}, {0, 1, -1, -1}});

  /** F(4×4, 3×3): points 0, 1, -1, 2, -2, ∞. */
  static final Transform F4 = Transform.of(4,
      new double[][] {
          {4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
          {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}},
      new double[][] {
          {1 / 4.0, 0, 0}, {-1 / 6.0, -1 / 6.0, -1 / 6.0}, {-1 / 6.0, 1 / 6.0, -1 / 6.0},
          {1 / 24.0, 1 / 12.0, 1 / 6.0}, {1 / 24.0, -1 / 12.0, 1 / 6.0}, {0, 0, 1}},
      new double[][] {
          {1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}});

  /** The transform in use: F(4×4, 3×3) unless {@code -Darcus.winograd.m=2} (for experiments). */
  static final Transform DEFAULT = Integer.getInteger("arcus.winograd.m", 4) == 2 ? F2 : F4;

  private Winograd() {}

  /**
   * The measured rule (docs/performance.md, "Winograd"): whether Winograd beats im2col + GEMM for
   * this shape. The transforms cost in proportion to c + oc per tile and the multiplies saved
   * to c·oc, so narrow layers lose. Single thread, CPU time, batch 64 and 256: forward and
   * input gradient won at 64, 128 and 256 channels (1.3-3.1x; one exception within the noise,
   * the input gradient at 64 × 14² and batch 64) and lost at 32 (0.88x), 16 (0.78x) and 8
   * (0.49x) channels. The weight gradient, whose GEMM is dearer (depth = tiles, a transposed
   * operand to pack), won at 64 × 28² (1.5-1.7x), 128 × 14² (1.3-1.6x) and 256 × 7² (1.2-1.6x)
   * and tied or lost at 64 × 14² (0.78-1.01x) and 64 × 7² (0.89-0.94x). Re-measured on
   * 2026-11-28 after the transforms' shuffles became constants (wall time, interleaved): 64 × 14²
   * now wins at batch 256 on two threads (1.13-1.19x timed alone, 1.37x timed after the 28²
   * layers in one JVM) and at batch 64 on one (1.23x), and ties at batch 50 on two (0.98-1.02x
   * alone, 1.14x after the 28² layers);
   * 128 × 7² ties at batch 64 (0.98-1.01x) and wins at 256 (1.19-1.24x); 96 × 7² and 64 × 7²
   * lose at batch 50-64 (0.82-0.95x). So it needs channels × output side ≥ 64 × 14.
   *
   * <p>With 16-lane vectors (a Zen 5, 2026-11-28, two threads, in-process and interleaved, after
   * the 6-row GEMM tile and the channel pairs) the weight gradient needs 64 × 28: 64 × 14² lost
   * at batch 50 (0.65-0.70x in four runs) and at 256 (0.87x), 64 × 7² at 50 (0.40x), while
   * 64 × 28² won at 50 (1.06-1.09x, once 0.95x) and at 256 (1.24x). Its GEMMs are 64 × 64 and
   * NR = 48 pads 64 columns to 96; the im2col GEMM's 576 columns are whole panels. Forward and
   * input gradient still won everywhere (1.5-2.5x at 64 × 7², 14² and 28²). Both weight
   * gradients have since moved to {@link Gemm#sgemmNT} (no padded columns; im2col's transposed,
   * its 576 rows read in place): at 64 × 14² on two threads im2col took 2.7 ms against
   * Winograd's 7.6 at batch 50 and 14.9 against 20.1 at 256 (interleaved calls, 2026-11-28), so
   * the rule stands; at 28² Winograd took 8.9 against 15.0.
   *
   * <p>The channels-last weight gradient ({@link WinogradCL#backwardWeight}, where its channel
   * counts fit) needs 64 × 14 with either vector width (Zen 5, 2026-11-29, batch 50, two threads,
   * caches flushed between calls, interleaved, 15 rounds): at 64 × 14² it took 2.37 ms against
   * im2col's 2.75, at 64 × 7² 1.27 against 1.15; at 64 × 28² 5.34 against the tile path's 4.93
   * from a kept V, whose forward pass then costs 4.88 against 4.28 (the pair 1.02× in favour).
   */
  static boolean pays(ConvKernels.Geom g, boolean weightGradient) {
    int ch = Math.min(g.c(), g.oc());
    if (ch < 64) return false;
    int side = Math.min(g.oh(), g.ow());
    if (weightGradient && ConvKernels.channelsLastWeight(g)) return ch * side >= 64 * 14;
    return !weightGradient || ch * side >= (L >= 16 ? 64 * 28 : 64 * 14);
  }

  /** Stride 1, dilation 1, 3×3, padding at most 2 (the flipped input gradient of padding 0 needs 2). */
  static boolean applicable(ConvKernels.Geom g) {
    return g.kh() == 3 && g.kw() == 3 && g.sH() == 1 && g.sW() == 1 && g.dH() == 1 && g.dW() == 1
        && g.pH() >= 0 && g.pH() <= 2 && g.pW() >= 0 && g.pW() <= 2;
  }

  // ---- sparse rows of the transform matrices, as offsets into a source and float coefficients ----

  /** One linear combination dst = Σ coef[t] · src[off[t] + q]. */
  private record Comb(int[] off, float[] coef) {}

  /** Rows of {@code mat} (or of its transpose), offsets = index × stride + extra(index). */
  private static Comb[] rows(double[][] mat, boolean transpose, java.util.function.IntUnaryOperator offset) {
    int r = transpose ? mat[0].length : mat.length, c = transpose ? mat.length : mat[0].length;
    Comb[] out = new Comb[r];
    for (int i = 0; i < r; i++) {
      int nz = 0;
      for (int j = 0; j < c; j++) if ((transpose ? mat[j][i] : mat[i][j]) != 0) nz++;
      int[] off = new int[nz];
      float[] coef = new float[nz];
      nz = 0;
      for (int j = 0; j < c; j++) {
        double v = transpose ? mat[j][i] : mat[i][j];
        if (v != 0) {
          off[nz] = offset.applyAsInt(j);
          coef[nz++] = (float) v;
        }
      }
      out[i] = new Comb(off, coef);
    }
    return out;
  }

  /** dst[dOff + q] = Σ_t coef[t] · src[sOff + off[t] + q] for q in [0, len), len a multiple of L. */
  private static void combine(float[] src, int sOff, Comb cb, float[] dst, int dOff, int len) {
    int[] off = cb.off;
    float[] coef = cb.coef;
    int nt = off.length;
    for (int q = 0; q < len; q += L) {
      FloatVector acc = FloatVector.fromArray(FS, src, sOff + off[0] + q).mul(coef[0]);
      for (int t = 1; t < nt; t++) {
        acc = FloatVector.fromArray(FS, src, sOff + off[t] + q).fma(FloatVector.broadcast(FS, coef[t]), acc);
      }
      acc.intoArray(dst, dOff + q);
    }
  }

  // ---- F(4×4, 3×3) written out: one pass computes a whole row of the transform from one set of loads ----

  /**
   * Bᵀ of F(4×4, 3×3) applied to six source runs: dst[dOff + i·dStep + q] = Σ_j Bᵀ[i][j]
   * src[sOff + so[j] + q]. Multiplications by 2, 4 are exact; the sums are grouped to share
   * terms (v1, v2 share d1 ± d2, d3 ± d4 and so on).
   */
  private static void bt4(float[] src, int sOff, int[] so, float[] dst, int dOff, int dStep, int len,
                          int count, int sStride, int dStride, int pairDelta) {
    FloatVector four = FloatVector.broadcast(FS, 4f), mfour = FloatVector.broadcast(FS, -4f), mfive = FloatVector.broadcast(FS, -5f);
    FloatVector two = FloatVector.broadcast(FS, 2f), mtwo = FloatVector.broadcast(FS, -2f);
    int s0 = so[0], s1 = so[1], s2 = so[2], s3 = so[3], s4 = so[4], s5 = so[5];
    // one vector per run (tile rows of at most L tiles, as at 28 x 28 and below): no inner loop
    int qEnd = len == L ? 1 : len;
    for (int r = 0; r < count; r++, sOff += sStride, dOff += dStride) {
      int o0 = sOff + s0, o1 = sOff + s1, o2 = sOff + s2, o3 = sOff + s3, o4 = sOff + s4, o5 = sOff + s5;
      for (int q = 0; q < qEnd; q += L) {
        FloatVector d0 = FloatVector.fromArray(FS, src, o0 + q), d1 = FloatVector.fromArray(FS, src, o1 + q);
        FloatVector d2 = FloatVector.fromArray(FS, src, o2 + q), d3 = FloatVector.fromArray(FS, src, o3 + q);
        FloatVector d4 = FloatVector.fromArray(FS, src, o4 + q), d5 = FloatVector.fromArray(FS, src, o5 + q);
        FloatVector s12 = d1.add(d2), s34 = d3.add(d4), t12 = d1.sub(d2), t43 = d4.sub(d3);
        FloatVector t31 = d3.sub(d1), t42 = d4.sub(d2);
        put(d0.fma(four, d2.fma(mfive, d4)), dst, dOff + q, pairDelta);
        put(s12.fma(mfour, s34), dst, dOff + dStep + q, pairDelta);
        put(t12.fma(four, t43), dst, dOff + 2 * dStep + q, pairDelta);
        put(t31.fma(two, t42), dst, dOff + 3 * dStep + q, pairDelta);
        put(t31.fma(mtwo, t42), dst, dOff + 4 * dStep + q, pairDelta);
        put(d1.fma(four, d3.fma(mfive, d5)), dst, dOff + 5 * dStep + q, pairDelta);
      }
    }
  }

  /** Aᵀ of F(4×4, 3×3): four outputs from six source runs, dst[dOff + k·dStep + q]. */
  private static void at4(float[] src, int sOff, int[] so, float[] dst, int dOff, int dStep, int len,
                          int count, int sStride, int dStride) {
    FloatVector two = FloatVector.broadcast(FS, 2f), four = FloatVector.broadcast(FS, 4f), eight = FloatVector.broadcast(FS, 8f);
    int s0 = so[0], s1 = so[1], s2 = so[2], s3 = so[3], s4 = so[4], s5 = so[5];
    int qEnd = len == L ? 1 : len;
    for (int r = 0; r < count; r++, sOff += sStride, dOff += dStride) {
      int o0 = sOff + s0, o1 = sOff + s1, o2 = sOff + s2, o3 = sOff + s3, o4 = sOff + s4, o5 = sOff + s5;
      for (int q = 0; q < qEnd; q += L) {
        FloatVector m0 = FloatVector.fromArray(FS, src, o0 + q), m1 = FloatVector.fromArray(FS, src, o1 + q);
        FloatVector m2 = FloatVector.fromArray(FS, src, o2 + q), m3 = FloatVector.fromArray(FS, src, o3 + q);
        FloatVector m4 = FloatVector.fromArray(FS, src, o4 + q), m5 = FloatVector.fromArray(FS, src, o5 + q);
        FloatVector s12 = m1.add(m2), t12 = m1.sub(m2), s34 = m3.add(m4), t34 = m3.sub(m4);
        m0.add(s12).add(s34).intoArray(dst, dOff + q);
        t34.fma(two, t12).intoArray(dst, dOff + dStep + q);
        s34.fma(four, s12).intoArray(dst, dOff + 2 * dStep + q);
        t34.fma(eight, t12).add(m5).intoArray(dst, dOff + 3 * dStep + q);
      }
    }
  }

  /** A = (Aᵀ)ᵀ of F(4×4, 3×3), the adjoint of {@link #at4}: six outputs from four source runs. */
  private static void a4(float[] src, int sOff, int[] so, float[] dst, int dOff, int dStep, int len,
                         int count, int sStride, int dStride, int pairDelta) {
    FloatVector two = FloatVector.broadcast(FS, 2f), four = FloatVector.broadcast(FS, 4f);
    int s0 = so[0], s1 = so[1], s2 = so[2], s3 = so[3];
    int qEnd = len == L ? 1 : len;
    for (int r = 0; r < count; r++, sOff += sStride, dOff += dStride) {
      int o0 = sOff + s0, o1 = sOff + s1, o2 = sOff + s2, o3 = sOff + s3;
      for (int q = 0; q < qEnd; q += L) {
        FloatVector g0 = FloatVector.fromArray(FS, src, o0 + q), g1 = FloatVector.fromArray(FS, src, o1 + q);
        FloatVector g2 = FloatVector.fromArray(FS, src, o2 + q), g3 = FloatVector.fromArray(FS, src, o3 + q);
        FloatVector s02 = g0.add(g2), s13 = g1.add(g3);
        FloatVector p = g2.fma(four, g0), r4 = g3.fma(four, g1).mul(two);
        put(g0, dst, dOff + q, pairDelta);
        put(s02.add(s13), dst, dOff + dStep + q, pairDelta);
        put(s02.sub(s13), dst, dOff + 2 * dStep + q, pairDelta);
        put(p.add(r4), dst, dOff + 3 * dStep + q, pairDelta);
        put(p.sub(r4), dst, dOff + 4 * dStep + q, pairDelta);
        put(g3, dst, dOff + 5 * dStep + q, pairDelta);
      }
    }
  }

  /** Runs {@code rows} (one combination per output row i, written at dOff + i·dStep) through the generic path. */
  private static void apply(Comb[] rows, float[] src, int sOff, float[] dst, int dOff, int dStep, int len) {
    for (int i = 0; i < rows.length; i++) combine(src, sOff, rows[i], dst, dOff + i * dStep, len);
  }

  // ---- geometry of one call ----

  /**
   * Tile grid and buffer strides of one convolution. A source row in phase layout has m phase
   * runs of wq = lenT + 1 cells (tile tx's column j is at phase j mod m, index tx + j div m, and
   * vector reads run to lenT); rowLen rounds the m runs up to whole vectors. A row pass turns
   * each row into a lenT-long run per transform column: hLen = a·lenT floats per source row.
   */
  private record Plan(Transform tf, ConvKernels.Geom g, int th, int tw, int wq, int rowLen, int lenT, int hLen,
                      int chunkRows, int ldT, int planeV, int planeM) {
    static Plan of(Transform tf, ConvKernels.Geom g, int target) {
      int m = tf.m;
      int th = (g.oh() + m - 1) / m, tw = (g.ow() + m - 1) / m;
      int lenT = roundUp(tw, L);
      int wq = lenT + 1;
      // V and M (or gM) hold a²·(c + oc) floats per tile: cap them at SCRATCH_FLOATS per thread
      int fit = (int) Math.min(target, SCRATCH_FLOATS / ((long) tf.a * tf.a * (g.c() + g.oc())));
      int chunkRows = Math.max(1, Math.min(g.n() * th, Math.max(2 * L, fit) / tw));
      // L spare cells for the transforms' vector overrun; whole NR-wide panels for the GEMM's B and C
      int ldT = Math.max(roundUp(chunkRows * tw, L) + L, roundUp(chunkRows * tw, Gemm.NR));
      return new Plan(tf, g, th, tw, wq, roundUp(m * wq, L), lenT, tf.a * lenT, chunkRows, ldT,
          skewed(g.c() * ldT), skewed(g.oc() * ldT));
    }

    int rows() {
      return g.n() * th;
    }

    /**
     * The chunks of a pass whose chunks must not depend on the thread count (the weight gradient,
     * and a forward pass that keeps its input's transform for it): the n·th tile rows cut into
     * this many equal slices of at most chunkRows rows; threads take whole chunks, in order.
     */
    int fixedChunks() {
      return (rows() + chunkRows - 1) / chunkRows;
    }

    /** The first tile row of fixed chunk i (i = fixedChunks(): rows()). */
    int chunkStart(int i) {
      return (int) ((long) rows() * i / fixedChunks());
    }

    /** Floats of one chunk's transformed input V: a² planes. */
    int vBlock() {
      return tf.a * tf.a * planeV;
    }

    /**
     * Rows per chunk for a thread's range of {@code rows}: as many chunks as chunkRows needs, of
     * equal size, so that no chunk is a sliver (batch 50 at 28²: 175 rows a thread made chunks of
     * 57, 57, 57 and 4 rows, and the last one's 36 GEMMs were 28 tiles wide).
     */
    int evenChunk(int rows) {
      int chunks = (rows + chunkRows - 1) / chunkRows;
      return (rows + chunks - 1) / chunks;
    }

    /**
     * The distance between two transform positions' planes, in floats: at least {@code floats},
     * and an odd number of 64-byte cache lines. A transform pass reads or writes the same cell
     * of all a² planes in turn; with 64 channels and a 400-tile chunk a bare plane is 104,448 bytes,
     * 2,048 mod 4,096, so those a² = 36 streams fell into two L1 sets (8 ways each) and evicted one
     * another on every vector. With an odd number of lines, pos · plane covers 64 distinct line
     * offsets mod 4,096 for pos = 0..63.
     */
    static int skewed(int floats) {
      int lines = (floats + 15) / 16;
      return (lines | 1) * 16;
    }
  }

  /** Per-thread scratch, grown on demand and reused across calls. */
  private static final class Scratch {
    float[] v = new float[0], m = new float[0], rowsBuf = new float[0], gRows = new float[0], w = new float[0], z = new float[0], y = new float[0];
    float[] row = new float[0], rowTmp = new float[0];
    int[] keep = new int[0];
    /** {@link #gatherTables}' tables, and {@link #gatherTransform}'s window cells and row results. */
    int[] gIdx = new int[0], gOk = new int[0];
    /** {@link #scatterTables}' tables. */
    int[] oSrc = new int[0], oDst = new int[0];
    float[] gh = new float[0], gc = new float[0];

    static float[] grow(float[] a, int len) {
      return a.length >= len ? a : new float[len];
    }

    static int[] grow(int[] a, int len) {
      return a.length >= len ? a : new int[len];
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  private static final ThreadLocal<float[]> FILTERS = ThreadLocal.withInitial(() -> new float[0]);
  private static final ThreadLocal<float[]> PACKED = ThreadLocal.withInitial(() -> new float[0]);

  // ---- transforms ----

  /**
   * U[pos][o][ci] = (G g Gᵀ)[r][s], pos = r·a + s, computed in double and rounded once. With
   * {@code flipped}, g[o][ci] is the input-gradient filter wt[ci][o] rotated by 180°.
   *
   * <p>Per filter pair the a² outputs go to a² planes oc·c floats apart; written pair by pair,
   * those streams (16 KiB apart at 64 × 64) fell into one L1 set, and the transform took ~0.6 ms
   * a call on two threads, 37% of a batch-8 forward pass and ~4% of a batch-50 training step. So
   * a block of pairs is first copied tap-major (9 runs, in double, exact) and each output plane
   * is then written as one run, by loops the JIT vectorises. The arithmetic per element is the
   * scalar code's, in the same order (products rounded, then summed left to right, no fused
   * multiply-add), so the bits are those of the pair-by-pair version.
   */
  static float[] filters(Transform tf, float[] wt, int oc, int c, boolean flipped) {
    return filtersInto(tf, wt, oc, c, flipped, LAYOUT_ROWS, buffer(FILTERS, tf.a * tf.a * oc * c));
  }

  /** The calling thread's buffer of {@code local}, at least len floats. */
  private static float[] buffer(ThreadLocal<float[]> local, int len) {
    float[] u = local.get();
    if (u.length < len) {
      u = new float[len];
      local.set(u);
    }
    return u;
  }

  /**
   * The filter matrices of {@link #filters} transposed, Uᵀ[pos][ci][o] at pos·oc·c + ci·oc + o
   * (for {@link WinogradCL}'s GEMMs, whose B they are), in a buffer of the calling thread's own.
   */
  static float[] filtersColumns(Transform tf, float[] wt, int oc, int c, boolean flipped) {
    return filtersInto(tf, wt, oc, c, flipped, LAYOUT_COLUMNS, buffer(COLUMNS, tf.a * tf.a * oc * c));
  }

  private static final ThreadLocal<float[]> COLUMNS = ThreadLocal.withInitial(() -> new float[0]);
  /** Layouts of {@link #filtersInto}'s output. */
  private static final int LAYOUT_ROWS = 0, LAYOUT_PACKED = 1, LAYOUT_COLUMNS = 2;

  /**
   * The a² filter matrices of {@link #filters} written straight into the GEMM's packed A layout
   * ({@link Gemm#packAInto} of each position's oc × c matrix, c ≤ KC: MR-row panels, k-major,
   * rows past oc zero), one position every {@link Gemm.PackedA#length} floats of one reused
   * buffer. The same values as filters() then packAInto (each pair's arithmetic is unchanged, only
   * where it is stored), without the second pass: at batch 50 the transform and the packing were
   * 18 calls each a step, ~0.1 ms each.
   */
  static Gemm.PackedA[] packedFilters(Transform tf, float[] wt, int oc, int c, boolean flipped) {
    if (c > Gemm.KC) throw new IllegalArgumentException("packedFilters: " + c + " input channels are over one panel (" + Gemm.KC + ")");
    int positions = tf.a * tf.a, plane = Gemm.PackedA.length(oc, c);
    float[] pu = buffer(PACKED, positions * plane);
    filtersInto(tf, wt, oc, c, flipped, LAYOUT_PACKED, pu);
    Gemm.PackedA[] out = new Gemm.PackedA[positions];
    for (int pos = 0; pos < positions; pos++) out[pos] = new Gemm.PackedA(pu, pos * plane, oc, c);
    return out;
  }

  /**
   * The filter transform into {@code out}: position pos's matrix from pos·plane on, pair (o, ci)
   * at o·c + ci, or with {@code packed} at its place in Gemm's packed A ((o / MR)·MR·c + ci·MR +
   * o mod MR; rows oc..roundUp(oc, MR) zero).
   */
  private static float[] filtersInto(Transform tf, float[] wt, int oc, int c, boolean flipped, int layout, float[] out) {
    int a = tf.a, mr = Gemm.MR;
    boolean packed = layout == LAYOUT_PACKED, cols = layout == LAYOUT_COLUMNS;
    double[][] G = tf.g;
    int plane = packed ? Gemm.PackedA.length(oc, c) : oc * c;
    // the pairs in units of whole rows (panels when packed), split over threads: run on the
    // calling thread alone, this was 2.3% of a batch-50 step's samples with the second worker idle
    int unit = packed ? mr * c : cols ? oc : c, units = plane / unit;
    Parallel.forRange(units, packed ? 1 : 4, (from, to) -> {
      double[] g = new double[9 * FILTER_BLOCK], t = new double[3 * FILTER_BLOCK];
      for (int q0 = from * unit, qEnd = to * unit; q0 < qEnd; q0 += FILTER_BLOCK) {
        int qn = Math.min(FILTER_BLOCK, qEnd - q0);
        // g[k][q] = tap k = 3·i + j of pair q (o·c + ci, or its packed place); the unpacked
        // layouts step (o, ci) along instead of dividing for each pair
        int oNext = cols ? q0 % oc : q0 / c, ciNext = cols ? q0 / oc : q0 % c;
        for (int q = 0; q < qn; q++) {
          int o, ci;
          if (packed) {
            int panel = (q0 + q) / unit, rem = (q0 + q) - panel * unit;
            o = panel * mr + rem % mr;
            ci = rem / mr;
          } else {
            o = oNext;
            ci = ciNext;
            if (cols) {
              if (++oNext == oc) {
                oNext = 0;
                ciNext++;
              }
            } else if (++ciNext == c) {
              ciNext = 0;
              oNext++;
            }
          }
          if (o >= oc) {
            // a packed panel's padding row
            for (int k = 0; k < 9; k++) g[k * FILTER_BLOCK + q] = 0;
          } else if (flipped) {
            int base = (ci * oc + o) * 9;
            for (int k = 0; k < 9; k++) g[k * FILTER_BLOCK + q] = wt[base + 8 - k];
          } else {
            int base = (o * c + ci) * 9;
            for (int k = 0; k < 9; k++) g[k * FILTER_BLOCK + q] = wt[base + k];
          }
        }
        // the same products and sums over vectors of pairs (the rest one by one): the same bits
        int qv = FILTER_VECTORS ? qn / FILTER_DS.length() * FILTER_DS.length() : 0;
        for (int r = 0; r < a; r++) {
          double gr0 = G[r][0], gr1 = G[r][1], gr2 = G[r][2];
          // t[j][q] = Σ_i G[r][i] g[i][j]
          for (int j = 0; j < 3; j++) {
            int tj = j * FILTER_BLOCK, g0 = j * FILTER_BLOCK, g1 = (3 + j) * FILTER_BLOCK, g2 = (6 + j) * FILTER_BLOCK;
            for (int q = 0; q < qv; q += FILTER_DS.length()) {
              DoubleVector.fromArray(FILTER_DS, g, g0 + q).mul(gr0).add(DoubleVector.fromArray(FILTER_DS, g, g1 + q).mul(gr1))
                  .add(DoubleVector.fromArray(FILTER_DS, g, g2 + q).mul(gr2)).intoArray(t, tj + q);
            }
            for (int q = qv; q < qn; q++) t[tj + q] = gr0 * g[g0 + q] + gr1 * g[g1 + q] + gr2 * g[g2 + q];
          }
          for (int sc = 0; sc < a; sc++) {
            double gs0 = G[sc][0], gs1 = G[sc][1], gs2 = G[sc][2];
            int dst = (r * a + sc) * plane + q0;
            for (int q = 0; q < qv; q += FILTER_DS.length()) {
              DoubleVector v = DoubleVector.fromArray(FILTER_DS, t, q).mul(gs0).add(DoubleVector.fromArray(FILTER_DS, t, FILTER_BLOCK + q).mul(gs1))
                  .add(DoubleVector.fromArray(FILTER_DS, t, 2 * FILTER_BLOCK + q).mul(gs2));
              ((FloatVector) v.convertShape(VectorOperators.D2F, FILTER_FS, 0)).intoArray(out, dst + q);
            }
            for (int q = qv; q < qn; q++) {
              out[dst + q] = (float) (t[q] * gs0 + t[FILTER_BLOCK + q] * gs1 + t[2 * FILTER_BLOCK + q] * gs2);
            }
          }
        }
      }
    });
    if (packed && oc % mr != 0) {
      // the last panel's padding rows as packAInto leaves them: +0 (the transform of zeros may be -0)
      int last = (units - 1) * unit;
      for (int pos = 0; pos < a * a; pos++) {
        for (int ci = 0; ci < c; ci++) {
          for (int i = oc % mr; i < mr; i++) out[pos * plane + last + ci * mr + i] = 0f;
        }
      }
    }
    return out;
  }

  /**
   * The filter transform's doubles, and floats of as many lanes for its output. Over vectors of
   * pairs: 64 × 64 filters (flipped and not, alternating) in 60–70 µs against 113–128 on one
   * thread, the same bits (Zen 5, 2026-11-29). Scalar where doubles have one lane.
   */
  private static final VectorSpecies<Double> FILTER_DS = Species.DOUBLE;
  private static final boolean FILTER_VECTORS = FILTER_DS.vectorBitSize() >= 128;
  private static final VectorSpecies<Float> FILTER_FS =
      FILTER_VECTORS ? VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(FILTER_DS.vectorBitSize() / 2)) : null;

  /** Filter pairs per block of {@link #filters}: 9 + 3 runs of doubles, 24 KiB, stay in L1. */
  private static final int FILTER_BLOCK = 256;

  /**
   * One transform stage: dst row i = Σ_j mat[i][j] · (the source run at offset so[j]). F(4×4)'s
   * three matrices run through the written-out kernels, anything else through {@link #combine}.
   */
  private record Stage(int kernel, int[] so, Comb[] rows) {
    static final int GENERIC = 0, BT4 = 1, AT4 = 2, A4 = 3;

    /** {@code which}: "bt" (Bᵀ), "at" (Aᵀ) or "a" (A = Aᵀ transposed); offset maps a source index j to its run. */
    static Stage of(Transform tf, String which, java.util.function.IntUnaryOperator offset) {
      double[][] mat = which.equals("bt") ? tf.bt : tf.at;
      boolean transpose = which.equals("a");
      int cols = transpose ? mat.length : mat[0].length;
      int[] so = new int[cols];
      for (int j = 0; j < cols; j++) so[j] = offset.applyAsInt(j);
      int kernel = tf != F4 ? GENERIC : switch (which) {
        case "bt" -> BT4;
        case "at" -> AT4;
        default -> A4;
      };
      return new Stage(kernel, so, Winograd.rows(mat, transpose, offset));
    }

    /**
     * {@code count} runs of the stage, the r-th reading from {@code sOff + r·sStride} and writing at
     * {@code dOff + r·dStride}. One call per row of a plane cost more than its one or two vector
     * iterations (a bt4 call took ~55 cycles); batching the rows hoists the set-up out of them.
     */
    void run(float[] src, int sOff, float[] dst, int dOff, int dStep, int len, int count, int sStride, int dStride) {
      run(src, sOff, dst, dOff, dStep, len, count, sStride, dStride, 0);
    }

    /** With {@code pairDelta} ≠ 0 each output vector's upper half also goes that far on ({@link #put}); F(4×4)'s Bᵀ and A only. */
    void run(float[] src, int sOff, float[] dst, int dOff, int dStep, int len, int count, int sStride, int dStride, int pairDelta) {
      if (pairDelta != 0 && kernel != BT4 && kernel != A4) throw new IllegalStateException("channel pairs need F(4x4)'s Bt or A stage");
      switch (kernel) {
        case BT4 -> bt4(src, sOff, so, dst, dOff, dStep, len, count, sStride, dStride, pairDelta);
        case AT4 -> at4(src, sOff, so, dst, dOff, dStep, len, count, sStride, dStride);
        case A4 -> a4(src, sOff, so, dst, dOff, dStep, len, count, sStride, dStride, pairDelta);
        default -> {
          for (int r = 0; r < count; r++) apply(rows, src, sOff + r * sStride, dst, dOff + r * dStride, dStep, len);
        }
      }
    }
  }

  /**
   * The input-side transform of tile rows [r0, r1) (r = image·th + ty): for every plane (image,
   * ch) of src [n, chs, sh, sw], dst[pos][ch][ldT] at tile t = (r − r0)·tw + tx gets
   * Σ_ij L[i][k] L[j][l] d[k][l] over the tile's source window d (rowsPerTile × rowsPerTile
   * cells from source row ty·m − pad and column tx·m − padW, zero outside the plane): V = Bᵀ d B
   * for the input (L = Bᵀ, a rows, padded), gM = A gY Aᵀ for the output gradient (L = A, m rows,
   * unpadded); dst's planes start at dstOff. Per plane, every source row is first copied into
   * phase layout ({@link #toPhases}), then the row pass turns each row into a runs over its tiles
   * (vectors of L tiles), and the column pass, one channel later, combines rowsPerTile of those
   * runs per tile row. Writes up to lenT − tw
   * cells past each tile row: they land in the next row's slots (written later) or in the
   * slack at the end of dst's rows.
   */
  private static void tileTransform(Plan p, float[] src, int chs, int sh, int sw, int pad, int padW, int rowsPerTile,
                                    Stage rowsPass, Stage colsPass, float[] rowBuf, Scratch s, float[] dst,
                                    int dstOff, int dstPlane, int r0, int r1) {
    int m = p.tf.m, lenT = p.lenT, hLen = p.hLen, tw = p.tw;
    if (gathers(p) && rowsPerTile == p.tf.a) {
      gatherTables(p, chs, sh, sw, pad, padW, r0, r1, s.gIdx, s.gOk);
      gatherTransform(src, chs, sh * sw, s.gIdx, s.gOk, s.gc, s.gh, dst, dstOff, dstPlane, p.ldT, (r1 - r0) * tw);
      return;
    }
    float[] tmp = s.rowTmp, h = s.w;
    int[] keep = s.keep;
    Phases di = Phases.of(m);
    boolean paired = pairs(p, chs, sw, padW);
    // the row in natural order, shifted right by padW, zero outside it (toPhases); paired, the
    // second channel's row the same way from cell 4·L/2
    java.util.Arrays.fill(tmp, 0, m * lenT + m + L, 0f);
    if (m == 4) rowMasks(keep, lenT, sw, padW);
    for (int r = r0; r < r1; ) {
      int img = r / p.th, ty0 = r % p.th, ty1 = Math.min(p.th, ty0 + (r1 - r)), tBase0 = (r - r0) * tw;
      int py0 = ty0 * m, py1 = (ty1 - 1) * m + rowsPerTile;
      for (int ch = 0; ch < chs; ) {
        int plane = (img * chs + ch) * sh * sw, rowLen = p.rowLen;
        // two channels at once while a pair is left; the second's outputs go ldT − L/2 further on
        boolean pair = paired && ch + 1 < chs;
        int pairDelta = pair ? p.ldT - L / 2 : 0;
        // every row into phase layout first, so that one call of the row pass takes them all
        if (m == 4) {
          toPhases4(src, plane, pair ? plane + sh * sw : -1, sh, sw, pad, padW, py0, py1, lenT, p.wq, tmp, rowBuf, rowLen, keep);
        } else {
          for (int py = py0; py < py1; py++) {
            int rb = (py - py0) * rowLen, iy = py - pad;
            if (iy < 0 || iy >= sh) {
              // a padding row: zero, so the batched row pass below turns it into zeros
              java.util.Arrays.fill(rowBuf, rb, rb + rowLen, 0f);
              continue;
            }
            toPhases(src, plane + iy * sw, sw, padW, di, lenT, p.wq, tmp, rowBuf, rb);
          }
        }
        rowsPass.run(rowBuf, 0, h, 0, lenT, lenT, py1 - py0, rowLen, hLen);
        for (int ty = ty0; ty < ty1; ty++) {
          int hOff = (ty - ty0) * m * hLen, tb = tBase0 + (ty - ty0) * tw;
          colsPass.run(h, hOff, dst, dstOff + ch * p.ldT + tb, p.tf.a * dstPlane, lenT, p.tf.a, lenT, dstPlane, pairDelta);
        }
        ch += pair ? 2 : 1;
      }
      r += ty1 - ty0;
    }
  }

  /**
   * Gather tables of F(4×4)'s input transform for tile rows [r0, r1): tile t = (r − r0)·tw + tx
   * is lane t mod L of vector block t div L, and for window cell (i, j) of its 6 × 6 window
   * idx[(b·36 + 6i + j)·L + lane] is the cell's index in channel 0 of its image (ok −1), or, for a
   * cell in the padding or a lane past the last tile, an index inside the tensor whatever the
   * channel (ok 0: the cell reads +0).
   */
  private static void gatherTables(Plan p, int chs, int sh, int sw, int pad, int padW, int r0, int r1, int[] idx, int[] ok) {
    int tw = p.tw, th = p.th, tiles = (r1 - r0) * tw, blocks = (tiles + L - 1) / L, plane = sh * sw;
    for (int b = 0; b < blocks; b++) {
      for (int lane = 0; lane < L; lane++) {
        int t = b * L + lane, r = r0 + t / tw, tx = t % tw, ty = r % th;
        boolean live = t < tiles;
        int imgBase = live ? r / th * chs * plane : 0;
        for (int i = 0; i < 6; i++) {
          int iy = ty * 4 + i - pad;
          boolean rowIn = live && iy >= 0 && iy < sh;
          for (int j = 0; j < 6; j++) {
            int ix = tx * 4 + j - padW, k = (b * 36 + i * 6 + j) * L + lane;
            boolean in = rowIn && ix >= 0 && ix < sw;
            idx[k] = in ? imgBase + iy * sw + ix : imgBase;
            ok[k] = in ? -1 : 0;
          }
        }
      }
    }
  }

  /**
   * F(4×4)'s input transform V = Bᵀ d B with L tiles per vector, every window cell gathered
   * ({@link #gatherTables}) into {@code cells}: the rows of the window through {@link #bt4}'s sums
   * into 36 vectors of hb, then its columns into dst[pos][ch][t]; the same sums in the same order as
   * the row and column passes of {@link #tileTransform}, so the same bits.
   */
  private static void gatherTransform(float[] src, int chs, int plane, int[] idx, int[] ok, float[] cells, float[] hb, float[] dst,
                                      int dstOff, int dstPlane, int ldT, int tiles) {
    int blocks = (tiles + L - 1) / L;
    for (int b = 0; b < blocks; b++) {
      int tb = b * 36 * L;
      for (int ch = 0; ch < chs; ch++) {
        int off = ch * plane;
        // the block's 36·L window cells of this channel, a scalar load each (the padding's +0 by
        // the mask's AND): as fast here as the Vector API's gathers (vgatherdps, ~60 cycles per 16
        // lanes on this Zen 5), whose index vectors C2 left boxed in places (~0.5 MB a 7² pass)
        for (int q = 0; q < 36 * L; q++) cells[q] = Float.intBitsToFloat(Float.floatToRawIntBits(src[off + idx[tb + q]]) & ok[tb + q]);
        // the window's rows (cells i·6 + j, j = 0..5) into hb[i·6 + l], then its columns
        // (hb[i·6 + l], i = 0..5) into dst's planes k·6 + l
        for (int i = 0; i < 6; i++) bt4Sums(cells, i * 6 * L, L, hb, i * 6 * L, L);
        for (int l = 0; l < 6; l++) bt4Sums(hb, l * L, 6 * L, dst, dstOff + l * dstPlane + ch * ldT + b * L, 6 * dstPlane);
      }
    }
  }

  /**
   * {@link #bt4}'s six sums of the vectors at src[s + j·sStep], j = 0..5, into dst[d + k·dStep],
   * k = 0..5: the same operations in the same order.
   */
  private static void bt4Sums(float[] src, int s, int sStep, float[] dst, int d, int dStep) {
    FloatVector four = FloatVector.broadcast(FS, 4f), mfour = FloatVector.broadcast(FS, -4f), mfive = FloatVector.broadcast(FS, -5f);
    FloatVector two = FloatVector.broadcast(FS, 2f), mtwo = FloatVector.broadcast(FS, -2f);
    FloatVector d0 = FloatVector.fromArray(FS, src, s), d1 = FloatVector.fromArray(FS, src, s + sStep);
    FloatVector d2 = FloatVector.fromArray(FS, src, s + 2 * sStep), d3 = FloatVector.fromArray(FS, src, s + 3 * sStep);
    FloatVector d4 = FloatVector.fromArray(FS, src, s + 4 * sStep), d5 = FloatVector.fromArray(FS, src, s + 5 * sStep);
    FloatVector s12 = d1.add(d2), s34 = d3.add(d4), t12 = d1.sub(d2), t43 = d4.sub(d3);
    FloatVector t31 = d3.sub(d1), t42 = d4.sub(d2);
    d0.fma(four, d2.fma(mfive, d4)).intoArray(dst, d);
    s12.fma(mfour, s34).intoArray(dst, d + dStep);
    t12.fma(four, t43).intoArray(dst, d + 2 * dStep);
    t31.fma(two, t42).intoArray(dst, d + 3 * dStep);
    t31.fma(mtwo, t42).intoArray(dst, d + 4 * dStep);
    d1.fma(four, d3.fma(mfive, d5)).intoArray(dst, d + 5 * dStep);
  }

  /**
   * One source row into phase layout (column X of the padded row at X mod m, X div m, runs of
   * wq cells): the row is copied into {@code tmp} at offset pad (tmp is zero elsewhere), and each
   * block of m·L floats is deinterleaved in vectors. A scalar scatter through a column map took
   * 5 cycles per element, half of the whole input transform.
   */
  private static void toPhases(float[] src, int s0, int sw, int pad, Phases di, int lenT, int wq,
                               float[] tmp, float[] dst, int rb) {
    System.arraycopy(src, s0, tmp, pad, sw);
    int m = di.m;
    VectorShuffle<Float>[] shuffles = di.split;
    VectorMask<Float>[] masks = di.splitFrom;
    for (int q = 0; q < lenT; q += L) {
      int base = m * q;
      for (int k = 0; k < m; k++) {
        VectorShuffle<Float> sh = shuffles[k];
        FloatVector ph = FloatVector.fromArray(FS, tmp, base).rearrange(sh);
        for (int v = 1; v < m; v++) ph = ph.blend(FloatVector.fromArray(FS, tmp, base + v * L).rearrange(sh), masks[v]);
        ph.intoArray(dst, rb + k * wq + q);
      }
    }
    // the last cell of every run (index lenT), read by the shifted taps of the last tile
    for (int k = 0; k < m; k++) dst[rb + k * wq + lenT] = tmp[m * lenT + k];
  }

  /**
   * {@link Phases#M4}'s shuffles and masks as static final constants, which C2 folds into the
   * instructions: read from the Phases arrays they were reloaded and converted on every use, and a
   * 32-float deinterleave took 19.5 ns against 13.7 (one Zen 3 core). A holder class so that
   * Winograd itself still loads for vector shapes F(4×4) cannot use.
   */
  private static final class P4 {
    static final VectorShuffle<Float> SPLIT0 = Phases.M4.split[0], SPLIT1 = Phases.M4.split[1],
        SPLIT2 = Phases.M4.split[2], SPLIT3 = Phases.M4.split[3];
    static final VectorMask<Float> SPLIT_FROM1 = Phases.M4.splitFrom[1], SPLIT_FROM2 = Phases.M4.splitFrom[2],
        SPLIT_FROM3 = Phases.M4.splitFrom[3];
    static final VectorShuffle<Float> MERGE0 = Phases.M4.merge[0], MERGE1 = Phases.M4.merge[1],
        MERGE2 = Phases.M4.merge[2], MERGE3 = Phases.M4.merge[3];
    static final VectorMask<Float> MERGE_FROM1 = Phases.M4.mergeFrom[1], MERGE_FROM2 = Phases.M4.mergeFrom[2],
        MERGE_FROM3 = Phases.M4.mergeFrom[3];
  }

  /**
   * A cheaper network for m = 4 and 8-lane vectors: 32 floats (8 tiles × 4 phases) deinterleaved
   * in 12 shuffles and 8 blends instead of 16 and 12. PAIR groups each vector's two tiles by
   * phase (4 pairs of floats); the 4 × 4 matrix of pairs (vector i, phase k) is then transposed
   * by two butterfly stages, swapping single pairs between vectors (0, 1) and (2, 3), then pairs
   * of pairs between (0, 2) and (1, 3). The transpose is its own inverse, so the output side
   * (interleaving) runs the same stages and then UNPAIR.
   */
  private static final class P8 {
    static final VectorShuffle<Float> PAIR = shuffle(0, 4, 1, 5, 2, 6, 3, 7), UNPAIR = shuffle(0, 2, 4, 6, 1, 3, 5, 7);
    /** Lane j takes lane j − 2 (one pair right), j + 2 (one pair left), j + 4 (mod 8). */
    static final VectorShuffle<Float> RIGHT2 = shuffle(6, 7, 0, 1, 2, 3, 4, 5), LEFT2 = shuffle(2, 3, 4, 5, 6, 7, 0, 1),
        ROT4 = shuffle(4, 5, 6, 7, 0, 1, 2, 3);
    static final VectorMask<Float> ODD_PAIRS = mask(2, 3, 6, 7), EVEN_PAIRS = mask(0, 1, 4, 5), UPPER = mask(4, 5, 6, 7),
        LOWER = mask(0, 1, 2, 3);

    private static VectorShuffle<Float> shuffle(int... lanes) {
      return VectorShuffle.fromArray(FS, lanes, 0);
    }

    private static VectorMask<Float> mask(int... set) {
      boolean[] lanes = new boolean[8];
      for (int j : set) lanes[j] = true;
      return VectorMask.fromArray(FS, lanes, 0);
    }
  }

  /**
   * The −1/0 masks of {@link #toPhases4}, for the geometry of one call: keep[c] (c < 4·lenT)
   * whether cell c of a single padded row holds a cell of the source row (padW ≤ c < padW + sw),
   * keep[4·lenT + c] the same for a channel pair, whose second row starts at cell 4·(L/2), and
   * keep[8·lenT + v] whether the v-th vector of those 8·lenT cells holds any cell of a row.
   */
  private static void rowMasks(int[] keep, int lenT, int sw, int padW) {
    int cells = 4 * lenT, half = 4 * (L / 2);
    for (int c = 0; c < cells; c++) {
      keep[c] = c >= padW && c < padW + sw ? -1 : 0;
      int local = c % half;
      keep[cells + c] = c < 2 * half && local >= padW && local < padW + sw ? -1 : 0;
    }
    // then per vector of L cells (single rows' first) whether it holds any cell of a row
    for (int v = 0; v < 2 * cells / L; v++) {
      int any = 0;
      for (int j = 0; j < L; j++) any |= keep[v * L + j];
      keep[2 * cells + v] = any;
    }
  }

  /**
   * Cells [c, c + L) of the padded row (or channel pair of rows, the second from cell 4·L/2) that
   * {@link #toPhases4} deinterleaves, read from the source: row1 (row2, or −1) are the rows' first
   * cells in src, keep the call's masks from kOff. A plain load from the row's start plus c − padW,
   * ANDed with the mask: the cells outside the row are +0, as in a zeroed buffer the row was copied
   * into, bit for bit. A vector with no cell of the row is not
   * loaded; one whose load would leave src (the first or last row of the tensor) is gathered
   * through the spare cells at {@code tmp[spare..spare + L)}.
   */
  private static FloatVector cells(float[] src, int row1, int row2, int c, int padW, int[] keep, int kOff, int anyOff, float[] tmp, int spare) {
    int row = row1, local = c;
    if (row2 >= 0 && c >= 2 * L) {
      row = row2;
      local = c - 2 * L;
    }
    int off = row + local - padW, k = kOff + c;
    if (keep[anyOff + k / L] == 0) return FloatVector.zero(FS);
    if (off < 0 || off > src.length - L) {
      for (int j = 0; j < L; j++) tmp[spare + j] = keep[k + j] != 0 ? src[off + j] : 0f;
      return FloatVector.fromArray(FS, tmp, spare);
    }
    return FloatVector.fromArray(FS, src, off).reinterpretAsInts().and(IntVector.fromArray(IS, keep, k)).reinterpretAsFloats();
  }

  /**
   * {@link #toPhases} for m = 4, over the source rows py0..py1 (padded coordinates) of one plane
   * (and of plane2 for a channel pair, in the vector's upper half, or −1), row py at
   * {@code rb = (py − py0)·rowLen} of dst; rows outside the plane are zero. One call per plane
   * rather than per row: the shuffles and masks are then loaded once, and per-row calls (one
   * vector iteration each at 28 × 28) cost ~80 cycles a row, half of the input transform.
   *
   * <p>Each row is read in place ({@link #cells}: loads from the tensor under the row's mask).
   * With {@link #DIRECT_ROWS} off it is first copied into tmp at cell padW (the pair's second row
   * at 4·L/2 + padW; tmp is zero elsewhere) and read from there, as before the in-place reads:
   * those loads waited on the copy's stores (a vector load spanning two of them is not
   * forwarded), a tenth of a batch-50 step. The same cells in the same lanes either way, so the
   * same bits. Written out: a vector carried around a loop loses its exact class in C2, and the
   * rearrange and blend calls on it were then not intrinsified (boxed, 100 cycles a row).
   */
  private static void toPhases4(float[] src, int plane, int plane2, int sh, int sw, int pad, int padW, int py0, int py1,
                                int lenT, int wq, float[] tmp, float[] dst, int rowLen, int[] keep) {
    boolean copy = !DIRECT_ROWS;
    VectorShuffle<Float> h0 = P4.SPLIT0, h1 = P4.SPLIT1, h2 = P4.SPLIT2, h3 = P4.SPLIT3;
    VectorMask<Float> k1 = P4.SPLIT_FROM1, k2 = P4.SPLIT_FROM2, k3 = P4.SPLIT_FROM3;
    int cellsLen = 4 * lenT, kOff = plane2 >= 0 ? cellsLen : 0, anyOff = 2 * cellsLen, spare = cellsLen + 4 + L;
    for (int py = py0; py < py1; py++) {
      int rb = (py - py0) * rowLen, iy = py - pad;
      if (iy < 0 || iy >= sh) {
        // a padding row: zero, so the batched row pass turns it into zeros
        java.util.Arrays.fill(dst, rb, rb + rowLen, 0f);
        continue;
      }
      int row1 = plane + iy * sw, row2 = plane2 >= 0 ? plane2 + iy * sw : -1;
      float[] from = src;
      if (copy) {
        System.arraycopy(src, row1, tmp, padW, sw);
        if (row2 >= 0) System.arraycopy(src, row2, tmp, 4 * (L / 2) + padW, sw);
        // cells() reads cell c at row + c − padW: the copies' cells are tmp[c]
        from = tmp;
        row1 = padW;
        row2 = row2 >= 0 ? 4 * (L / 2) + padW : -1;
      }
      for (int q = 0; q < lenT; q += L) {
        int base = 4 * q, d = rb + q;
        FloatVector v0 = cells(from, row1, row2, base, padW, keep, kOff, anyOff, tmp, spare), v1 = cells(from, row1, row2, base + L, padW, keep, kOff, anyOff, tmp, spare);
        FloatVector v2 = cells(from, row1, row2, base + 2 * L, padW, keep, kOff, anyOff, tmp, spare), v3 = cells(from, row1, row2, base + 3 * L, padW, keep, kOff, anyOff, tmp, spare);
        if (L == 8) {
          FloatVector a0 = v0.rearrange(P8.PAIR), a1 = v1.rearrange(P8.PAIR), a2 = v2.rearrange(P8.PAIR), a3 = v3.rearrange(P8.PAIR);
          FloatVector w0 = a0.blend(a1.rearrange(P8.RIGHT2), P8.ODD_PAIRS), w1 = a1.blend(a0.rearrange(P8.LEFT2), P8.EVEN_PAIRS);
          FloatVector w2 = a2.blend(a3.rearrange(P8.RIGHT2), P8.ODD_PAIRS), w3 = a3.blend(a2.rearrange(P8.LEFT2), P8.EVEN_PAIRS);
          w0.blend(w2.rearrange(P8.ROT4), P8.UPPER).intoArray(dst, d);
          w1.blend(w3.rearrange(P8.ROT4), P8.UPPER).intoArray(dst, d + wq);
          w2.blend(w0.rearrange(P8.ROT4), P8.LOWER).intoArray(dst, d + 2 * wq);
          w3.blend(w1.rearrange(P8.ROT4), P8.LOWER).intoArray(dst, d + 3 * wq);
        } else {
          v0.rearrange(h0).blend(v1.rearrange(h0), k1).blend(v2.rearrange(h0), k2).blend(v3.rearrange(h0), k3).intoArray(dst, d);
          v0.rearrange(h1).blend(v1.rearrange(h1), k1).blend(v2.rearrange(h1), k2).blend(v3.rearrange(h1), k3).intoArray(dst, d + wq);
          v0.rearrange(h2).blend(v1.rearrange(h2), k1).blend(v2.rearrange(h2), k2).blend(v3.rearrange(h2), k3).intoArray(dst, d + 2 * wq);
          v0.rearrange(h3).blend(v1.rearrange(h3), k1).blend(v2.rearrange(h3), k2).blend(v3.rearrange(h3), k3).intoArray(dst, d + 3 * wq);
        }
      }
      // the last cell of every run (index lenT), read by the shifted taps of the last tile: cell
      // 4·lenT + k, past a pair's two rows, inside a single row only when the row reaches it
      for (int k = 0; k < 4; k++) {
        int cell = cellsLen + k - padW;
        dst[rb + k * wq + lenT] = plane2 < 0 && cell < sw ? src[plane + iy * sw + cell] : 0f;
      }
    }
  }

  /**
   * The inverse of {@link #toPhases} for m = 4, on the output side: phase l (tile tx's column l)
   * sits at {@code src + l·ld + tx}; pixel ox = 4·tx + l of the output row is lane (ox mod L) of
   * output vector ox div L, which is phase (ox mod 4) permuted by the vector's shuffle. The
   * interleaved run of lenT tiles is built in {@code row}, 4·lenT pixels, and the caller copies
   * out the rows in it (one, or two when two tile rows fit the run). A scalar copy, one pixel at
   * a time, took about half of the output transform.
   */
  private static void interleave4(float[] src, int so, int ld, int lenT, float[] row) {
    if (L == 8) {
      // the inverse of toPhases4's network: the same pair transpose (an involution), then UNPAIR
      for (int q = 0; q < lenT; q += L) {
        FloatVector p0 = FloatVector.fromArray(FS, src, so + q), p1 = FloatVector.fromArray(FS, src, so + ld + q);
        FloatVector p2 = FloatVector.fromArray(FS, src, so + 2 * ld + q), p3 = FloatVector.fromArray(FS, src, so + 3 * ld + q);
        FloatVector w0 = p0.blend(p1.rearrange(P8.RIGHT2), P8.ODD_PAIRS), w1 = p1.blend(p0.rearrange(P8.LEFT2), P8.EVEN_PAIRS);
        FloatVector w2 = p2.blend(p3.rearrange(P8.RIGHT2), P8.ODD_PAIRS), w3 = p3.blend(p2.rearrange(P8.LEFT2), P8.EVEN_PAIRS);
        int d = 4 * q;
        w0.blend(w2.rearrange(P8.ROT4), P8.UPPER).rearrange(P8.UNPAIR).intoArray(row, d);
        w1.blend(w3.rearrange(P8.ROT4), P8.UPPER).rearrange(P8.UNPAIR).intoArray(row, d + L);
        w2.blend(w0.rearrange(P8.ROT4), P8.LOWER).rearrange(P8.UNPAIR).intoArray(row, d + 2 * L);
        w3.blend(w1.rearrange(P8.ROT4), P8.LOWER).rearrange(P8.UNPAIR).intoArray(row, d + 3 * L);
      }
      return;
    }
    VectorMask<Float> k1 = P4.MERGE_FROM1, k2 = P4.MERGE_FROM2, k3 = P4.MERGE_FROM3;
    for (int q = 0; q < lenT; q += L) {
      FloatVector p0 = FloatVector.fromArray(FS, src, so + q), p1 = FloatVector.fromArray(FS, src, so + ld + q);
      FloatVector p2 = FloatVector.fromArray(FS, src, so + 2 * ld + q), p3 = FloatVector.fromArray(FS, src, so + 3 * ld + q);
      int d = 4 * q;
      VectorShuffle<Float> u = P4.MERGE0;
      p0.rearrange(u).blend(p1.rearrange(u), k1).blend(p2.rearrange(u), k2).blend(p3.rearrange(u), k3).intoArray(row, d);
      u = P4.MERGE1;
      p0.rearrange(u).blend(p1.rearrange(u), k1).blend(p2.rearrange(u), k2).blend(p3.rearrange(u), k3).intoArray(row, d + L);
      u = P4.MERGE2;
      p0.rearrange(u).blend(p1.rearrange(u), k1).blend(p2.rearrange(u), k2).blend(p3.rearrange(u), k3).intoArray(row, d + 2 * L);
      u = P4.MERGE3;
      p0.rearrange(u).blend(p1.rearrange(u), k1).blend(p2.rearrange(u), k2).blend(p3.rearrange(u), k3).intoArray(row, d + 3 * L);
    }
  }

  /** Output transform of M[pos][o][ldT] for tile rows [r0, r1) into y. */
  private static void outputTransform(Plan p, float[] mm, int r0, int r1, float[] y, float[] bias, Scratch s, Stage atM, Stage atZ) {
    ConvKernels.Geom g = p.g;
    Transform tf = p.tf;
    int m = tf.m, a = tf.a, oc = g.oc(), tiles = (r1 - r0) * p.tw, len = roundUp(tiles, L), ld = p.ldT;
    float[] z = s.z, yy = s.y;
    int oh = g.oh(), ow = g.ow(), tw = p.tw;
    // narrow planes: each output cell copied through a table of (cell of yy, cell of y in
    // channel 0), the cells outside the plane left out, instead of interleaving tile rows
    int cellsOut = scatters(p) ? scatterTables(p, r0, r1, s) : -1;
    for (int o = 0; o < oc; o++) {
      // Z[k][s] = Σ_r Aᵀ[k][r] M[r][s], stored at (k·a + s)·ld
      atM.run(mm, o * ld, z, 0, a * ld, len, a, p.planeM, ld);
      // Y[k][l] = Σ_s Aᵀ[l][s] Z[k][s], stored at (k·m + l)·ld
      atZ.run(z, 0, yy, 0, ld, len, m, a * ld, m * ld);
      // the bias while the tiles are in cache: each output gets the one rounded addition a
      // separate pass over y made (a pass that read and wrote 10 MB a layer at batch 50)
      if (bias != null) {
        FloatVector b = FloatVector.broadcast(FS, bias[o]);
        for (int i = 0; i < m * m; i++) {
          for (int q = i * ld, end = q + len; q < end; q += L) FloatVector.fromArray(FS, yy, q).add(b).intoArray(yy, q);
        }
      }
      if (cellsOut >= 0) {
        int[] from = s.oSrc, to = s.oDst;
        int ob = o * oh * ow;
        for (int q = 0; q < cellsOut; q++) y[to[q] + ob] = yy[from[q]];
        continue;
      }
      for (int r = r0; r < r1; ) {
        // two tile rows in one interleave when both fit the run: tiles t0.. of row r and
        // t0 + tw.. of row r + 1 are contiguous in M, so the run holds row r's pixels, then r + 1's
        boolean two = m == 4 && 2 * tw <= p.lenT && r + 1 < r1;
        int img = r / p.th, ty = r % p.th, t0 = (r - r0) * tw;
        int yBase = (img * oc + o) * oh * ow, yBase2 = ((r + 1) / p.th * oc + o) * oh * ow;
        for (int k = 0; k < m; k++) {
          int oy = ty * m + k, oy2 = two ? (r + 1) % p.th * m + k : oh;
          if (oy >= oh && oy2 >= oh) break;
          if (m == 4) {
            interleave4(yy, k * m * ld + t0, ld, p.lenT, s.row);
            if (oy < oh) System.arraycopy(s.row, 0, y, yBase + oy * ow, ow);
            if (oy2 < oh) System.arraycopy(s.row, 4 * tw, y, yBase2 + oy2 * ow, ow);
            continue;
          }
          int rowBase = yBase + oy * ow;
          for (int l = 0; l < m; l++) {
            int src = (k * m + l) * ld + t0;
            for (int tx = 0, ox = l; tx < tw && ox < ow; tx++, ox += m) y[rowBase + ox] = yy[src + tx];
          }
        }
        r += two ? 2 : 1;
      }
    }
  }

  /**
   * The output cells of tile rows [r0, r1) for {@link #outputTransform} on narrow planes, into
   * s.oSrc (the cell's index in the transformed tiles yy: position k·4 + l, tile t) and s.oDst (its
   * index in y, channel 0 of its image); returns their count. Cells past the plane's edge are left
   * out.
   */
  private static int scatterTables(Plan p, int r0, int r1, Scratch s) {
    ConvKernels.Geom g = p.g;
    int tw = p.tw, th = p.th, tiles = (r1 - r0) * tw, oh = g.oh(), ow = g.ow(), ld = p.ldT, image = g.oc() * oh * ow;
    int q = 0;
    for (int t = 0; t < tiles; t++) {
      int r = r0 + t / tw, tx = t % tw, ty = r % th, base = r / th * image;
      for (int k = 0; k < 4; k++) {
        int oy = ty * 4 + k;
        if (oy >= oh) break;
        for (int l = 0; l < 4; l++) {
          int ox = tx * 4 + l;
          if (ox >= ow) break;
          s.oSrc[q] = (k * 4 + l) * ld + t;
          s.oDst[q++] = base + oy * ow + ox;
        }
      }
    }
    return q;
  }

  private static Scratch scratch(Plan p, boolean weightGrad) {
    Scratch s = SCRATCH.get();
    ConvKernels.Geom g = p.g;
    int a = p.tf.a, m = p.tf.m, ld = p.ldT;
    s.v = Scratch.grow(s.v, a * a * p.planeV);
    s.m = Scratch.grow(s.m, a * a * p.planeM);
    // phase-layout rows of a new geometry: padding cells must be zero (data cells are rewritten
    // per row); x and gy rows have different data cells, so each has its own buffer
    int rowsLen = (p.th * m + a) * p.rowLen;
    s.rowsBuf = Scratch.grow(s.rowsBuf, rowsLen);
    java.util.Arrays.fill(s.rowsBuf, 0, rowsLen, 0f);
    s.w = Scratch.grow(s.w, (p.th * m + a) * p.hLen);
    s.rowTmp = Scratch.grow(s.rowTmp, m * p.lenT + m + 2 * L);
    // rowMasks: the single-row and the pair masks, then one flag per vector of them
    s.keep = Scratch.grow(s.keep, 8 * p.lenT + 8 * p.lenT / L);
    // a chunk has at most chunkRows tile rows (evenChunk and the fixed chunks alike)
    int chunkTiles = p.chunkRows * p.tw;
    if (gathers(p)) {
      int tables = roundUp(chunkTiles, L) * 36;
      s.gIdx = Scratch.grow(s.gIdx, tables);
      s.gOk = Scratch.grow(s.gOk, tables);
      s.gc = Scratch.grow(s.gc, 36 * L);
      s.gh = Scratch.grow(s.gh, 36 * L);
    }
    if (weightGrad) {
      s.gRows = Scratch.grow(s.gRows, rowsLen);
      java.util.Arrays.fill(s.gRows, 0, rowsLen, 0f);
    } else {
      s.z = Scratch.grow(s.z, m * a * ld);
      s.row = Scratch.grow(s.row, m * p.lenT);
      s.y = Scratch.grow(s.y, m * m * ld);
      if (scatters(p)) {
        s.oSrc = Scratch.grow(s.oSrc, 16 * chunkTiles);
        s.oDst = Scratch.grow(s.oDst, 16 * chunkTiles);
      }
    }
    return s;
  }

  // ---- the three passes ----

  /** y = conv(x, wt), or with {@code flipped} the input gradient's forward form (see ConvKernels). */
  static void forward(Transform tf, float[] x, ConvKernels.Geom g, float[] wt, boolean flipped, float[] y) {
    forward(tf, x, g, wt, flipped, null, y, null);
  }

  /**
   * Floats of the input transform a forward pass of g keeps for its weight gradient
   * ({@link #forward} with {@code keep}): V of every fixed chunk of the weight gradient's plan.
   */
  static long keptLength(Transform tf, ConvKernels.Geom g) {
    Plan p = Plan.of(tf, g, TILES_WEIGHT);
    return (long) p.fixedChunks() * p.vBlock();
  }

  /**
   * The forward pass; with {@code keep} (of {@link #keptLength} floats) it also keeps the input
   * transform V there, chunk by chunk as {@link #backwardWeight} reads it: its chunks are the weight
   * gradient's, and a chunk's V is either packed into keep for the weight gradient's GEMM after
   * the forward GEMMs read it ({@link #packsKept}) or written there as the forward GEMMs read it,
   * instead of into a per-thread scratch. y is the same bit
   * for bit either way (every tile's outputs are computed alike whatever chunk it is in). With
   * {@code bias} (may be null) bias[o] is added to output channel o, as a separate pass would.
   */
  static void forward(Transform tf, float[] x, ConvKernels.Geom g, float[] wt, boolean flipped, float[] bias, float[] y, float[] keep) {
    Plan p = Plan.of(tf, g, keep == null ? TILES : TILES_WEIGHT);
    if (keep != null && keep.length < keptLength(tf, g))
      throw new IllegalArgumentException("Winograd.forward: " + keep.length + " floats cannot keep the input transform of " + g + " (" + keptLength(tf, g) + ")");
    if (WinogradCL.ON && WinogradCL.applies(tf, g)) {
      WinogradCL.forward(x, g, wt, flipped, bias, y, keep == null ? null : new Kept(p, keep));
      return;
    }
    int a = tf.a, c = g.c(), oc = g.oc();
    // the 36 filter matrices transformed straight into packed panels once per call, for GEMMs that
    // read the tiles in place (channels over one panel: plain matrices for the packing GEMM)
    Gemm.PackedA[] pu = c <= Gemm.KC ? packedFilters(tf, wt, oc, c, flipped) : null;
    float[] u = pu == null ? filters(tf, wt, oc, c, flipped) : null;
    Passes ps = new Passes(p);
    // cut into pieces of about a chunk each, so that a thread that finishes first takes the other's
    // last pieces: every tile's outputs are computed alike whatever piece it is in
    if (keep == null) {
      int threads = Parallel.threads(), share = (p.rows() + threads - 1) / threads;
      Parallel.forPieces(p.rows(), 1, (share + p.chunkRows - 1) / p.chunkRows, (from, to) -> {
        Scratch s = scratch(p, false);
        int step = p.evenChunk(to - from);
        for (int r0 = from; r0 < to; r0 += step) forwardChunk(p, ps, x, pu, u, bias, y, s, s.v, 0, r0, Math.min(to, r0 + step), null, 0);
      });
    } else {
      int chunks = p.fixedChunks(), block = p.vBlock();
      Parallel.forPieces(chunks, 1, chunks, (from, to) -> {
        Scratch s = scratch(p, false);
        for (int i = from; i < to; i++) {
          int r0 = p.chunkStart(i), r1 = p.chunkStart(i + 1);
          if (packsKept(p, r0, r1)) forwardChunk(p, ps, x, pu, u, bias, y, s, s.v, 0, r0, r1, keep, i * block);
          else forwardChunk(p, ps, x, pu, u, bias, y, s, keep, i * block, r0, r1, null, 0);
        }
      });
    }
  }

  /**
   * Where a forward pass that keeps V for the weight gradient stores it ({@link #forward} with
   * keep), for {@link WinogradCL}, whose tiles come image by image: each fixed chunk of the
   * weight gradient's plan at chunk·vBlock, each position's plane planeV floats apart, in it
   * either the panels of {@link Gemm#packNT} ({@link #packsKept}) or rows of ldT tiles per channel.
   */
  static final class Kept {
    private final Plan p;
    private final float[] keep;
    private final int[] start;
    private final boolean[] packed;

    private Kept(Plan p, float[] keep) {
      this.p = p;
      this.keep = keep;
      int chunks = p.fixedChunks();
      start = new int[chunks + 1];
      packed = new boolean[chunks];
      for (int i = 0; i <= chunks; i++) start[i] = p.chunkStart(i);
      for (int i = 0; i < chunks; i++) packed[i] = packsKept(p, start[i], start[i + 1]);
    }

    /**
     * Stores position pos's V of the tiles firstTile..firstTile + count − 1 (tile = tile row · tw +
     * column, tile rows counted over the batch), tile firstTile + r at v[vOff + pos·vs + r·c ..]
     * (c channels).
     */
    void store(float[] v, int vOff, int vs, int c, int firstTile, int count, int pos) {
      int tw = p.tw, end = firstTile + count, chunk = 0;
      for (int t = firstTile; t < end; ) {
        int row = t / tw;
        while (start[chunk + 1] <= row) chunk++;
        int first = start[chunk] * tw, k = (start[chunk + 1] - start[chunk]) * tw, q = t - first;
        int base = chunk * p.vBlock();
        if (packed[chunk]) {
          // within one KC-deep block of the packed chunk: rows of NT_W channels per panel
          int pc = q / Gemm.KC * Gemm.KC, kc = Math.min(Gemm.KC, k - pc), len = Math.min(end, first + pc + kc) - t;
          int src = vOff + pos * vs + (t - firstTile) * c, dst = base + pos * p.planeV + pc * c + (q - pc) * Gemm.NT_W;
          if (c == Gemm.NT_W) {
            System.arraycopy(v, src, keep, dst, len * c);
          } else {
            for (int jc = 0; jc < c; jc += Gemm.NT_W) {
              for (int r = 0; r < len; r++) System.arraycopy(v, src + r * c + jc, keep, dst + jc * kc + r * Gemm.NT_W, Gemm.NT_W);
            }
          }
          t += len;
        } else {
          int len = Math.min(end, first + k) - t;
          int src = vOff + pos * vs + (t - firstTile) * c, dst = base + pos * p.planeV + q;
          for (int r = 0; r < len; r++) {
            for (int ci = 0; ci < c; ci++) keep[dst + ci * p.ldT + r] = v[src + r * c + ci];
          }
          t += len;
        }
      }
    }
  }

  /** The transform stages of one plan. */
  private record Passes(Stage horiz, Stage vert, Stage atM, Stage atZ) {
    Passes(Plan p) {
      this(Stage.of(p.tf, "bt", j -> (j % p.tf.m) * p.wq + j / p.tf.m), Stage.of(p.tf, "bt", i -> i * p.hLen),
          Stage.of(p.tf, "at", r -> r * p.tf.a * p.planeM), Stage.of(p.tf, "at", sc -> sc * p.ldT));
    }
  }

  /**
   * Whether the kept V of tile rows [r0, r1) (one fixed chunk of the weight gradient) is stored
   * packed for the weight gradient's GEMM ({@link Gemm#packNT}: per position, tiles × channels
   * in 4-vector panels) rather than as the forward pass's [channel][tile] rows: where that GEMM
   * takes its own path ({@link Gemm#ntShape}). The 28² weight gradient of the MNIST network
   * transposed its kept V into panels itself, reading it back from memory: 5–7% of a batch-50
   * step's samples in the transposes' loads. Packed in the forward pass, V is transposed right
   * after its GEMM read it, from cache.
   */
  private static boolean packsKept(Plan p, int r0, int r1) {
    return PACK_KEPT && Gemm.ntShape(p.g.oc(), p.g.c(), (r1 - r0) * p.tw);
  }

  /** How many of the weight gradient's fixed chunks of g keep their V packed ({@link #packsKept}), and how many chunks there are (for tests). */
  static int[] packedKeptChunks(ConvKernels.Geom g) {
    Plan p = Plan.of(DEFAULT, g, TILES_WEIGHT);
    int packed = 0, chunks = p.fixedChunks();
    for (int i = 0; i < chunks; i++) if (packsKept(p, p.chunkStart(i), p.chunkStart(i + 1))) packed++;
    return new int[] {packed, chunks};
  }

  /**
   * Whether kept transforms are packed ({@link #packsKept}): on by default,
   * {@code -Darcus.winograd.packKept=false} turns it off (for measurements; the bits are the
   * same). Not final so that a test can compare both ways in one JVM; a forward pass and the
   * weight gradient that reads its V must see the same value.
   */
  static boolean PACK_KEPT = !"false".equals(System.getProperty("arcus.winograd.packKept"));

  /**
   * Tile rows [r0, r1) of the forward pass: V into v from vOff, the GEMMs into s.m, the output
   * transform into y; with {@code packed} (may be null) each position's V is also packed there
   * for the weight gradient ({@link #packsKept}), from {@code packedOff}.
   */
  private static void forwardChunk(Plan p, Passes ps, float[] x, Gemm.PackedA[] pu, float[] u, float[] bias, float[] y, Scratch s,
                                   float[] v, int vOff, int r0, int r1, float[] packed, int packedOff) {
    ConvKernels.Geom g = p.g;
    int a = p.tf.a, c = g.c(), oc = g.oc(), tiles = (r1 - r0) * p.tw;
    tileTransform(p, x, c, g.h(), g.w(), g.pH(), g.pW(), a, ps.horiz, ps.vert, s.rowsBuf, s, v, vOff, p.planeV, r0, r1);
    for (int pos = 0; pos < a * a; pos++) {
      if (pu != null) {
        Gemm.sgemmDirectB(pu[pos], tiles, v, vOff + pos * p.planeV, p.ldT, s.m, pos * p.planeM, p.ldT);
      } else {
        Gemm.sgemm(false, false, oc, tiles, c, u, pos * oc * c, c, v, vOff + pos * p.planeV, p.ldT, s.m, pos * p.planeM, p.ldT, false);
      }
      if (packed != null) Gemm.packNT(c, tiles, v, vOff + pos * p.planeV, p.ldT, packed, packedOff + pos * p.planeV);
    }
    outputTransform(p, s.m, r0, r1, y, bias, s, ps.atM, ps.atZ);
  }

  /**
   * gw = Σ over images of the 3×3 weight gradient, as Gᵀ (Σ_tiles gM ⊙ V) G; per-thread partials
   * of the transformed gradient gU are summed in range order (in double) before the transform.
   */
  static void backwardWeight(Transform tf, float[] x, ConvKernels.Geom g, float[] gy, float[] gw) {
    backwardWeight(tf, x, g, gy, gw, null);
  }

  /**
   * The weight gradient; with {@code kept} (a forward pass's {@code keep}), V is read from there
   * and x is not read (it may be null). The chunks are fixed slices of tile rows
   * ({@link Plan#fixedChunks}), threads take whole chunks, and each thread's partial is summed over
   * its chunks in order: the same bits with or without kept, for a given thread count.
   */
  static void backwardWeight(Transform tf, float[] x, ConvKernels.Geom g, float[] gy, float[] gw, float[] kept) {
    Plan p = Plan.of(tf, g, TILES_WEIGHT);
    if (kept != null && kept.length < keptLength(tf, g))
      throw new IllegalArgumentException("Winograd.backwardWeight: a kept input transform of " + kept.length + " floats is not one of " + g + " (" + keptLength(tf, g) + ")");
    if (kept == null && x == null) throw new IllegalArgumentException("Winograd.backwardWeight: neither x nor its kept transform");
    int a = tf.a, m = tf.m, c = g.c(), oc = g.oc(), uLen = a * a * oc * c;
    Passes ps = new Passes(p);
    // gM = A gY Aᵀ: gY has m rows per tile, its column l sits at phase l, offset 0
    Stage horizA = Stage.of(tf, "a", l -> l * p.wq);
    Stage vertA = Stage.of(tf, "a", k -> k * p.hLen);
    java.util.concurrent.ConcurrentSkipListMap<Integer, float[]> partials = new java.util.concurrent.ConcurrentSkipListMap<>();
    int chunks = p.fixedChunks(), block = p.vBlock();
    Parallel.forRange(chunks, 1, (from, to) -> {
      Scratch s = scratch(p, true);
      float[] gu = new float[uLen];
      for (int i = from; i < to; i++) {
        int r0 = p.chunkStart(i), r1 = p.chunkStart(i + 1), tiles = (r1 - r0) * p.tw;
        float[] v = kept != null ? kept : s.v;
        int vOff = kept != null ? i * block : 0;
        if (kept == null) tileTransform(p, x, c, g.h(), g.w(), g.pH(), g.pW(), a, ps.horiz, ps.vert, s.rowsBuf, s, v, 0, p.planeV, r0, r1);
        tileTransform(p, gy, oc, g.oh(), g.ow(), 0, 0, m, horizA, vertA, s.gRows, s, s.m, 0, p.planeM, r0, r1);
        boolean packed = kept != null && packsKept(p, r0, r1);
        for (int pos = 0; pos < a * a; pos++) {
          if (packed) Gemm.sgemmNTPacked(oc, c, tiles, s.m, pos * p.planeM, p.ldT, v, vOff + pos * p.planeV, gu, pos * oc * c, c, i > from);
          else Gemm.sgemmNT(oc, c, tiles, s.m, pos * p.planeM, p.ldT, v, vOff + pos * p.planeV, p.ldT, gu, pos * oc * c, c, i > from);
        }
      }
      partials.put(from, gu);
    });
    filterGradient(tf, partials.values().toArray(new float[0][]), oc, c, gw);
  }

  /**
   * gw [oc][c][3][3] = Gᵀ gU G from per-thread partials of gU ([a²][oc][c] each), summed in the
   * order given: the weight gradient's last step, for this class and {@link WinogradCL}.
   */
  static void filterGradient(Transform tf, float[][] parts, int oc, int c, float[] gw) {
    int a = tf.a;
    double[][] G = tf.g;
    int plane = oc * c;
    // Blocks of Q filter pairs, each step a loop over the block that the JIT vectorises: pair by
    // pair, this scalar double arithmetic was 2.1% of a batch-50 step. Every value is summed in
    // the pair-by-pair order (from 0.0, left to right, products rounded), so the bits are the same.
    final int Q = 64;
    Parallel.forRange((plane + Q - 1) / Q, 1, (from, to) -> {
      double[] su = new double[a * a * Q], t = new double[a * 3 * Q], out = new double[9 * Q];
      for (int blk = from; blk < to; blk++) {
        int o0 = blk * Q, qn = Math.min(Q, plane - o0);
        // su[pos][q] = Σ over the threads' partials, in range order
        java.util.Arrays.fill(su, 0.0);
        for (float[] part : parts) {
          for (int pos = 0; pos < a * a; pos++) {
            int so = pos * Q, po = pos * plane + o0;
            for (int q = 0; q < qn; q++) su[so + q] += part[po + q];
          }
        }
        // gw = Gᵀ gU G: t[sc][i] = Σ_r G[r][i] su[r][sc], then out[i][j] = Σ_sc t[sc][i] G[sc][j]
        if (a == 6) {
          gtg6(G, su, t, out, Q);
        } else {
          gtg(G, a, su, t, out, qn, Q);
        }
        for (int q = 0; q < qn; q++) {
          for (int k = 0; k < 9; k++) gw[(o0 + q) * 9 + k] = (float) out[k * Q + q];
        }
      }
    });
  }

  /** Gᵀ gU G of a block of Q pairs (see filterGradient), any transform size a. */
  private static void gtg(double[][] G, int a, double[] su, double[] t, double[] out, int qn, int Q) {
    for (int i = 0; i < 3; i++) {
      for (int sc = 0; sc < a; sc++) {
        int to0 = (sc * 3 + i) * Q;
        java.util.Arrays.fill(t, to0, to0 + Q, 0.0);
        for (int r = 0; r < a; r++) {
          double gri = G[r][i];
          int so = (r * a + sc) * Q;
          for (int q = 0; q < qn; q++) t[to0 + q] += gri * su[so + q];
        }
      }
    }
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int oo = (i * 3 + j) * Q;
        java.util.Arrays.fill(out, oo, oo + Q, 0.0);
        for (int sc = 0; sc < a; sc++) {
          double gsj = G[sc][j];
          int to0 = (sc * 3 + i) * Q;
          for (int q = 0; q < qn; q++) out[oo + q] += t[to0 + q] * gsj;
        }
      }
    }
  }

  /**
   * {@link #gtg} for F(4×4)'s a = 6 with the six terms of each sum written out over vectors of
   * pairs: the same products added in the same order from 0.0, so the same bits; 138–142 µs
   * against 364–423 for a 64 × 64 layer's two partials on one thread, where gtg's loops, one
   * term per pass over the block, took half of filterGradient's time (Zen 5, 2026-11-29). The
   * block's pairs past qn are zeros in su and are not read back from out.
   */
  private static void gtg6(double[][] G, double[] su, double[] t, double[] out, int Q) {
    VectorSpecies<Double> ds = Species.DOUBLE;
    int dl = ds.length(), a = 6;
    DoubleVector z = DoubleVector.zero(ds);
    for (int i = 0; i < 3; i++) {
      double g0 = G[0][i], g1 = G[1][i], g2 = G[2][i], g3 = G[3][i], g4 = G[4][i], g5 = G[5][i];
      for (int sc = 0; sc < a; sc++) {
        int to0 = (sc * 3 + i) * Q;
        for (int q = 0; q < Q; q += dl) {
          z.add(DoubleVector.fromArray(ds, su, sc * Q + q).mul(g0))
              .add(DoubleVector.fromArray(ds, su, (a + sc) * Q + q).mul(g1))
              .add(DoubleVector.fromArray(ds, su, (2 * a + sc) * Q + q).mul(g2))
              .add(DoubleVector.fromArray(ds, su, (3 * a + sc) * Q + q).mul(g3))
              .add(DoubleVector.fromArray(ds, su, (4 * a + sc) * Q + q).mul(g4))
              .add(DoubleVector.fromArray(ds, su, (5 * a + sc) * Q + q).mul(g5))
              .intoArray(t, to0 + q);
        }
      }
    }
    for (int j = 0; j < 3; j++) {
      double g0 = G[0][j], g1 = G[1][j], g2 = G[2][j], g3 = G[3][j], g4 = G[4][j], g5 = G[5][j];
      for (int i = 0; i < 3; i++) {
        int oo = (i * 3 + j) * Q;
        for (int q = 0; q < Q; q += dl) {
          z.add(DoubleVector.fromArray(ds, t, i * Q + q).mul(g0))
              .add(DoubleVector.fromArray(ds, t, (3 + i) * Q + q).mul(g1))
              .add(DoubleVector.fromArray(ds, t, (6 + i) * Q + q).mul(g2))
              .add(DoubleVector.fromArray(ds, t, (9 + i) * Q + q).mul(g3))
              .add(DoubleVector.fromArray(ds, t, (12 + i) * Q + q).mul(g4))
              .add(DoubleVector.fromArray(ds, t, (15 + i) * Q + q).mul(g5))
              .intoArray(out, oo + q);
        }
      }
    }
  }

  private static int roundUp(int x, int q) {
    return (x + q - 1) / q * q;
  }
}
