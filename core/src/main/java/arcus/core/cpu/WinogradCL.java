package arcus.core.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward pass and the weight gradient ({@link #backwardWeight}) of {@link Winograd}'s
 * F(4×4, 3×3) with their transforms vectorised over channels instead of tiles ("channels
 * last"). A group of images is copied into a padded [row][column][channel] buffer by 8 × 8
 * transposes; each tile's 6 × 6 input cells are then
 * whole vectors of channels, so the input transform V = Bᵀ d B and the output transform
 * Y = Aᵀ M A are plain vector arithmetic on loads and stores, with no deinterleaving of column
 * phases and no lanes left idle by a tile row shorter than a vector (7 tiles at 28², 4 at 14², 2
 * at 7²). Per transform position the GEMM is M[pos] [tiles × oc] = V[pos] [tiles × c] ·
 * Uᵀ[pos] [c × oc]: rows of V broadcast, Uᵀ's rows read as vectors of output channels. The
 * output tiles go to a [row][column][channel] buffer and back to NCHW by 8 × 8 transposes.
 *
 * <p>The forward pass's arithmetic is {@link Winograd}'s, in the same order: the input
 * transform's row pass then its column pass (the same grouped sums and fused multiply-adds), the
 * GEMM's sum over channels in order from zero, the output transform's column pass then its row
 * pass, then the bias; so y is the same bit for bit as {@link Winograd#forward}'s. Each image is
 * computed alike whatever group or thread it falls to. The weight gradient groups its sums over
 * tiles by image group (see {@link #backwardWeight}): its bits depend on the thread count, as
 * the tile path's do, but are not the tile path's.
 *
 * <p>Measured (Zen 5, 2026-11-29, batch 50, 64 → 64 channels, two threads, both paths
 * interleaved in one JVM, 21 rounds): 28² 4.64 against 5.45 ms, 14² 1.38 against 2.02, 7² 0.62
 * against 1.25. One thread, one image hot in cache, per 50 images: transposes in 0.6 ms, input
 * transform 0.8, GEMMs 3.9 (183 GFLOP/s), output transform 0.7, transposes out 0.55. Whole
 * batch-50 training steps (one JVM, the flag switched between rounds, 30 × 4 steps): 1.151 faster
 * with 16 lanes, 1.172 with 8. Two things the first version got wrong and that cost the most:
 * the accumulators stored through a helper method (C2 did not inline it: every vector boxed,
 * 52 GFLOP/s), and planes of 48 tiles × 64 channels, 0 mod 4,096 bytes (all 36 in one L1 set).
 */
final class WinogradCL {
  private static final VectorSpecies<Float> FS = Species.FLOAT;
  private static final int L = FS.length();
  /** Output-channel vectors per GEMM tile. */
  private static final int NV = 4;
  /** Tiles (GEMM rows) per GEMM tile: 6 × 4 accumulators with 32 vector registers, 3 × 4 with 16. */
  private static final int R = L >= 16 ? 6 : 3;
  /** Tiles a group of images should reach, so that the GEMMs have rows to reuse Uᵀ over. */
  private static final int GROUP_TILES = 48;

  /** Images a group takes (at least one, at most n), for both passes: about GROUP_TILES tiles. */
  private static int group(int n, int tiles) {
    return Math.max(1, Math.min(n, (GROUP_TILES + tiles - 1) / tiles));
  }
  /**
   * Whether the GEMMs write M over V where they can (oc = c = 4L, one column block: a row of M
   * needs only the same row of V, read whole before it is written), so that a thread's buffers
   * are 0.9 MB instead of 1.3 at 28²: whole batch-50 steps 1.033× and 1.036× faster (one JVM,
   * switched between rounds, 30 × 4 steps, two runs). Not final so that a test can compare both.
   */
  static volatile boolean IN_PLACE = true;

  /**
   * Whether {@link Winograd#forward} takes this path where it applies: on by default,
   * {@code -Darcus.winograd.channelsLast=false} turns it off (the bits are the same either way).
   * Not final so that a test can compare both in one JVM.
   */
  static volatile boolean ON = !"false".equals(System.getProperty("arcus.winograd.channelsLast"));

  private WinogradCL() {}

  /** F(4×4, 3×3) with channel counts in whole transposes and vectors: c a multiple of 8 and of L, oc of 8 and of 4L. */
  static boolean applies(Winograd.Transform tf, ConvKernels.Geom g) {
    int c = g.c(), oc = g.oc();
    return tf == Winograd.F4 && c % 8 == 0 && c % L == 0 && oc % 8 == 0 && oc % (NV * L) == 0;
  }

  /** Per-thread buffers, grown as needed. */
  private static final class Scratch {
    float[] xp = new float[0], v = new float[0], m = new float[0], yp = new float[0];
    final float[] t = new float[36 * L];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * A position's plane of V or M: at least {@code floats}, an odd number of cache lines, so that
   * the 36 planes a transform reads or writes in turn fall into different L1 sets (48 tiles of 64
   * channels are 12,288 bytes, 0 mod 4,096: every plane in one set). As {@link Winograd}'s plans.
   */
  private static int skewed(int floats) {
    int lines = (floats + 15) / 16;
    return (lines | 1) * 16;
  }

  private static float[] grow(float[] a, int len) {
    return a.length >= len ? a : new float[len];
  }

  /** y = conv(x, wt) (+ bias[o] on channel o when bias is not null); {@code flipped} as in {@link Winograd#forward}. */
  static void forward(float[] x, ConvKernels.Geom g, float[] wt, boolean flipped, float[] bias, float[] y) {
    forward(x, g, wt, flipped, bias, y, null);
  }

  /** The same, also storing V where {@code kept} says (may be null), each position's before its GEMM (which may write M over it). */
  static void forward(float[] x, ConvKernels.Geom g, float[] wt, boolean flipped, float[] bias, float[] y, Winograd.Kept kept) {
    if (!applies(Winograd.F4, g)) throw new IllegalArgumentException("WinogradCL.forward: " + g + " has channel counts this path does not take");
    int n = g.n(), c = g.c(), oc = g.oc(), h = g.h(), w = g.w(), oh = g.oh(), ow = g.ow();
    int th = (oh + 3) / 4, tw = (ow + 3) / 4, tiles = th * tw;
    int pw = 4 * tw + 2, ph = 4 * th + 2, yw = 4 * tw;
    int group = group(n, tiles), groups = (n + group - 1) / group;
    float[] ut = Winograd.filtersColumns(Winograd.F4, wt, oc, c, flipped);
    // M over V: a tile row of M needs only the same row of V, read whole before it is written
    boolean inPlace = IN_PLACE && oc == c && oc == NV * L;
    int threads = Parallel.threads();
    Parallel.forPieces(groups, 1, Math.max(1, (groups + threads - 1) / threads), (g0, g1) -> {
      Scratch s = SCRATCH.get();
      int tt = group * tiles, vs = skewed(tt * c), ms = skewed(tt * oc);
      s.xp = grow(s.xp, group * ph * pw * c);
      s.v = grow(s.v, 36 * vs);
      if (!inPlace) s.m = grow(s.m, 36 * ms);
      s.yp = grow(s.yp, group * 4 * th * yw * oc);
      for (int gi = g0; gi < g1; gi++) {
        int img0 = gi * group, count = Math.min(group, n - img0), rows = count * tiles;
        for (int i = 0; i < count; i++) {
          toChannelsLast(x, (img0 + i) * c * h * w, c, h, w, g.pH(), g.pW(), ph, pw, s.xp, i * ph * pw * c);
        }
        for (int i = 0; i < count; i++) inputTransform(s.xp, i * ph * pw * c, c, pw, th, tw, s.v, vs, i * tiles, s.t);
        float[] mm = inPlace ? s.v : s.m;
        for (int pos = 0; pos < 36; pos++) {
          if (kept != null) kept.store(s.v, 0, vs, c, img0 * tiles, rows, pos);
          gemm(s.v, pos * vs, rows, c, ut, pos * c * oc, oc, mm, pos * ms);
        }
        for (int i = 0; i < count; i++) outputTransform(mm, oc, th, tw, ms, i * tiles, bias, s.yp, i * 4 * th * yw * oc, yw, s.t);
        for (int i = 0; i < count; i++) toChannelsFirst(s.yp, i * 4 * th * yw * oc, yw, oc, oh, ow, y, (img0 + i) * oc * oh * ow);
      }
    });
  }

  /**
   * Whether the weight gradient takes {@link #backwardWeight} where it applies (then the forward
   * pass keeps no V for it): on by default, {@code -Darcus.winograd.channelsLastWeight=false}
   * turns it off. Not final so that a measurement can compare both in one JVM.
   */
  static volatile boolean WEIGHT = !"false".equals(System.getProperty("arcus.winograd.channelsLastWeight"));

  /** Channel counts {@link #backwardWeight} takes: c a multiple of 8 and of 4L, oc of 8 and of L. */
  static boolean appliesWeight(ConvKernels.Geom g) {
    int c = g.c(), oc = g.oc();
    return c % 8 == 0 && c % (NV * L) == 0 && oc % 8 == 0 && oc % L == 0;
  }

  /**
   * The weight gradient of F(4×4, 3×3) channels last, from x, one group of images at a time: V of
   * the group's tiles (as the forward pass makes it), gM = A gY Aᵀ of the same tiles (gy copied
   * channels last, zeros past its edges, then the row pass and the column pass vectorised over
   * output channels), and per position gU[pos] [oc × c] += gM[pos]ᵀ · V[pos], with gM[pos] and
   * V[pos] [tiles × channels] just written and still in cache. Nothing is kept from the forward
   * pass and nothing of a chunk's size goes to memory: the tile path's weight gradient read
   * V (22.6 MB a 64 × 28² layer at batch 50) back from memory and wrote its gM (1.2 MB a chunk)
   * past a core's L2. Each thread sums its own range of groups in order into one partial (each
   * cell's sum over tiles in order, from its partial's last value, the first from zero); the partials are added in
   * range order ({@link Winograd#filterGradient}), so the bits depend on the thread count only.
   */
  static void backwardWeight(float[] x, ConvKernels.Geom g, float[] gy, float[] gw) {
    if (!appliesWeight(g) || !Winograd.applicable(g))
      throw new IllegalArgumentException("WinogradCL.backwardWeight: " + g + " is not a shape this path takes");
    int n = g.n(), c = g.c(), oc = g.oc(), h = g.h(), w = g.w(), oh = g.oh(), ow = g.ow();
    int th = (oh + 3) / 4, tw = (ow + 3) / 4, tiles = th * tw;
    int pw = 4 * tw + 2, ph = 4 * th + 2, yh = 4 * th, yw = 4 * tw;
    int group = group(n, tiles), groups = (n + group - 1) / group;
    int uLen = 36 * oc * c;
    java.util.concurrent.ConcurrentSkipListMap<Integer, float[]> partials = new java.util.concurrent.ConcurrentSkipListMap<>();
    Parallel.forRange(groups, 1, (g0, g1) -> {
      Scratch s = SCRATCH.get();
      int tt = group * tiles, vs = skewed(tt * c), ms = skewed(tt * oc);
      s.xp = grow(s.xp, group * ph * pw * c);
      s.v = grow(s.v, 36 * vs);
      s.m = grow(s.m, 36 * ms);
      s.yp = grow(s.yp, group * yh * yw * oc);
      float[] gu = new float[uLen];
      for (int gi = g0; gi < g1; gi++) {
        int img0 = gi * group, count = Math.min(group, n - img0), rows = count * tiles;
        for (int i = 0; i < count; i++) {
          toChannelsLast(x, (img0 + i) * c * h * w, c, h, w, g.pH(), g.pW(), ph, pw, s.xp, i * ph * pw * c);
        }
        for (int i = 0; i < count; i++) inputTransform(s.xp, i * ph * pw * c, c, pw, th, tw, s.v, vs, i * tiles, s.t);
        for (int i = 0; i < count; i++) {
          toChannelsLast(gy, (img0 + i) * oc * oh * ow, oc, oh, ow, 0, 0, yh, yw, s.yp, i * yh * yw * oc);
        }
        for (int i = 0; i < count; i++) gradientTransform(s.yp, i * yh * yw * oc, oc, yw, th, tw, s.m, ms, i * tiles, s.t);
        for (int pos = 0; pos < 36; pos++) gemmTN(s.m, pos * ms, s.v, pos * vs, rows, oc, c, gu, pos * oc * c);
      }
      partials.put(g0, gu);
    });
    Winograd.filterGradient(Winograd.F4, partials.values().toArray(new float[0][]), oc, c, gw);
  }

  /**
   * gM = A gY Aᵀ of every tile of one image, gY[i][j] = yp[ypOff + ((4ty + i)·yw + 4tx + j)·oc ..]:
   * the row pass (over j) then the column pass (over i), the sums of {@link Winograd}'s a4 (the
   * tile path's gM, bit for bit). Tile t of the image is row {@code t0 + t} of each gM[pos]
   * (rows of oc).
   */
  static void gradientTransform(float[] yp, int ypOff, int oc, int yw, int th, int tw, float[] m, int posStride, int t0, float[] tmp) {
    FloatVector two = FloatVector.broadcast(FS, 2f), four = FloatVector.broadcast(FS, 4f);
    int cell = oc, row = yw * oc;
    for (int ty = 0; ty < th; ty++) {
      for (int tx = 0; tx < tw; tx++) {
        int base = ypOff + (4 * ty * yw + 4 * tx) * oc, mBase = (t0 + ty * tw + tx) * oc;
        for (int ob = 0; ob < oc; ob += L) {
          // row pass: e[i][l] = Σ_j A[l][j] gY[i][j], into tmp[(i·6 + l)·L]
          for (int i = 0; i < 4; i++) {
            int o = base + i * row + ob;
            FloatVector g0 = FloatVector.fromArray(FS, yp, o), g1 = FloatVector.fromArray(FS, yp, o + cell);
            FloatVector g2 = FloatVector.fromArray(FS, yp, o + 2 * cell), g3 = FloatVector.fromArray(FS, yp, o + 3 * cell);
            FloatVector s02 = g0.add(g2), s13 = g1.add(g3);
            FloatVector p = g2.fma(four, g0), r4 = g3.fma(four, g1).mul(two);
            int to = i * 6 * L;
            g0.intoArray(tmp, to);
            s02.add(s13).intoArray(tmp, to + L);
            s02.sub(s13).intoArray(tmp, to + 2 * L);
            p.add(r4).intoArray(tmp, to + 3 * L);
            p.sub(r4).intoArray(tmp, to + 4 * L);
            g3.intoArray(tmp, to + 5 * L);
          }
          // column pass: gM[k·6 + l] = Σ_i A[k][i] e[i][l]
          for (int l = 0; l < 6; l++) {
            int o = l * L;
            FloatVector g0 = FloatVector.fromArray(FS, tmp, o), g1 = FloatVector.fromArray(FS, tmp, o + 6 * L);
            FloatVector g2 = FloatVector.fromArray(FS, tmp, o + 12 * L), g3 = FloatVector.fromArray(FS, tmp, o + 18 * L);
            FloatVector s02 = g0.add(g2), s13 = g1.add(g3);
            FloatVector p = g2.fma(four, g0), r4 = g3.fma(four, g1).mul(two);
            int mo = l * posStride + mBase + ob;
            g0.intoArray(m, mo);
            s02.add(s13).intoArray(m, mo + 6 * posStride);
            s02.sub(s13).intoArray(m, mo + 12 * posStride);
            p.add(r4).intoArray(m, mo + 18 * posStride);
            p.sub(r4).intoArray(m, mo + 24 * posStride);
            g3.intoArray(m, mo + 30 * posStride);
          }
        }
      }
    }
  }

  /**
   * gU [oc × c] (ldu = c, from uo) += Σ over rows t of gM[t][o] · V[t][ci]: gM [rows × oc] from
   * mo, V [rows × c] from vo. Each cell's sum runs over t in order from gU's value (a fused
   * multiply-add onto zero is the product rounded, so a fresh gU needs no special start). Rows
   * of gM broadcast, rows of V read as 4-vector tiles of input channels: 6 × 4 accumulators with
   * 32 vector registers, 3 × 4 with 16 (then 4-row and 1-row tiles for what is left of oc).
   */
  static void gemmTN(float[] gm, int mo, float[] v, int vo, int rows, int oc, int c, float[] gu, int uo) {
    for (int j = 0; j < c; j += NV * L) {
      int o = 0;
      if (R == 6) {
        for (; o + 6 <= oc; o += 6) tn6(gm, mo + o, oc, v, vo + j, c, rows, gu, uo + o * c + j, c);
        for (; o + 4 <= oc; o += 4) tn4(gm, mo + o, oc, v, vo + j, c, rows, gu, uo + o * c + j, c);
      } else {
        for (; o + 3 <= oc; o += 3) tn3(gm, mo + o, oc, v, vo + j, c, rows, gu, uo + o * c + j, c);
      }
      for (; o < oc; o++) tn1(gm, mo + o, oc, v, vo + j, c, rows, gu, uo + o * c + j);
    }
  }

  private static void tn6(float[] a, int ao, int lda, float[] b, int bo, int ldb, int k, float[] c, int co, int ldc) {
    int r1 = co + ldc, r2 = co + 2 * ldc, r3 = co + 3 * ldc, r4 = co + 4 * ldc, r5 = co + 5 * ldc;
    FloatVector c00 = FloatVector.fromArray(FS, c, co), c01 = FloatVector.fromArray(FS, c, co + L);
    FloatVector c02 = FloatVector.fromArray(FS, c, co + 2 * L), c03 = FloatVector.fromArray(FS, c, co + 3 * L);
    FloatVector c10 = FloatVector.fromArray(FS, c, r1), c11 = FloatVector.fromArray(FS, c, r1 + L);
    FloatVector c12 = FloatVector.fromArray(FS, c, r1 + 2 * L), c13 = FloatVector.fromArray(FS, c, r1 + 3 * L);
    FloatVector c20 = FloatVector.fromArray(FS, c, r2), c21 = FloatVector.fromArray(FS, c, r2 + L);
    FloatVector c22 = FloatVector.fromArray(FS, c, r2 + 2 * L), c23 = FloatVector.fromArray(FS, c, r2 + 3 * L);
    FloatVector c30 = FloatVector.fromArray(FS, c, r3), c31 = FloatVector.fromArray(FS, c, r3 + L);
    FloatVector c32 = FloatVector.fromArray(FS, c, r3 + 2 * L), c33 = FloatVector.fromArray(FS, c, r3 + 3 * L);
    FloatVector c40 = FloatVector.fromArray(FS, c, r4), c41 = FloatVector.fromArray(FS, c, r4 + L);
    FloatVector c42 = FloatVector.fromArray(FS, c, r4 + 2 * L), c43 = FloatVector.fromArray(FS, c, r4 + 3 * L);
    FloatVector c50 = FloatVector.fromArray(FS, c, r5), c51 = FloatVector.fromArray(FS, c, r5 + L);
    FloatVector c52 = FloatVector.fromArray(FS, c, r5 + 2 * L), c53 = FloatVector.fromArray(FS, c, r5 + 3 * L);
    for (int p = 0; p < k; p++) {
      int bi = bo + p * ldb, ai = ao + p * lda;
      FloatVector b0 = FloatVector.fromArray(FS, b, bi), b1 = FloatVector.fromArray(FS, b, bi + L);
      FloatVector b2 = FloatVector.fromArray(FS, b, bi + 2 * L), b3 = FloatVector.fromArray(FS, b, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(FS, a[ai]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(FS, a[ai + 1]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(FS, a[ai + 2]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
      av = FloatVector.broadcast(FS, a[ai + 3]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
      av = FloatVector.broadcast(FS, a[ai + 4]);
      c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
      av = FloatVector.broadcast(FS, a[ai + 5]);
      c50 = av.fma(b0, c50); c51 = av.fma(b1, c51); c52 = av.fma(b2, c52); c53 = av.fma(b3, c53);
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
    c40.intoArray(c, r4);
    c41.intoArray(c, r4 + L);
    c42.intoArray(c, r4 + 2 * L);
    c43.intoArray(c, r4 + 3 * L);
    c50.intoArray(c, r5);
    c51.intoArray(c, r5 + L);
    c52.intoArray(c, r5 + 2 * L);
    c53.intoArray(c, r5 + 3 * L);
  }

  private static void tn4(float[] a, int ao, int lda, float[] b, int bo, int ldb, int k, float[] c, int co, int ldc) {
    int r1 = co + ldc, r2 = co + 2 * ldc, r3 = co + 3 * ldc;
    FloatVector c00 = FloatVector.fromArray(FS, c, co), c01 = FloatVector.fromArray(FS, c, co + L);
    FloatVector c02 = FloatVector.fromArray(FS, c, co + 2 * L), c03 = FloatVector.fromArray(FS, c, co + 3 * L);
    FloatVector c10 = FloatVector.fromArray(FS, c, r1), c11 = FloatVector.fromArray(FS, c, r1 + L);
    FloatVector c12 = FloatVector.fromArray(FS, c, r1 + 2 * L), c13 = FloatVector.fromArray(FS, c, r1 + 3 * L);
    FloatVector c20 = FloatVector.fromArray(FS, c, r2), c21 = FloatVector.fromArray(FS, c, r2 + L);
    FloatVector c22 = FloatVector.fromArray(FS, c, r2 + 2 * L), c23 = FloatVector.fromArray(FS, c, r2 + 3 * L);
    FloatVector c30 = FloatVector.fromArray(FS, c, r3), c31 = FloatVector.fromArray(FS, c, r3 + L);
    FloatVector c32 = FloatVector.fromArray(FS, c, r3 + 2 * L), c33 = FloatVector.fromArray(FS, c, r3 + 3 * L);
    for (int p = 0; p < k; p++) {
      int bi = bo + p * ldb, ai = ao + p * lda;
      FloatVector b0 = FloatVector.fromArray(FS, b, bi), b1 = FloatVector.fromArray(FS, b, bi + L);
      FloatVector b2 = FloatVector.fromArray(FS, b, bi + 2 * L), b3 = FloatVector.fromArray(FS, b, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(FS, a[ai]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(FS, a[ai + 1]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(FS, a[ai + 2]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
      av = FloatVector.broadcast(FS, a[ai + 3]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
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

  private static void tn3(float[] a, int ao, int lda, float[] b, int bo, int ldb, int k, float[] c, int co, int ldc) {
    int r1 = co + ldc, r2 = co + 2 * ldc;
    FloatVector c00 = FloatVector.fromArray(FS, c, co), c01 = FloatVector.fromArray(FS, c, co + L);
    FloatVector c02 = FloatVector.fromArray(FS, c, co + 2 * L), c03 = FloatVector.fromArray(FS, c, co + 3 * L);
    FloatVector c10 = FloatVector.fromArray(FS, c, r1), c11 = FloatVector.fromArray(FS, c, r1 + L);
    FloatVector c12 = FloatVector.fromArray(FS, c, r1 + 2 * L), c13 = FloatVector.fromArray(FS, c, r1 + 3 * L);
    FloatVector c20 = FloatVector.fromArray(FS, c, r2), c21 = FloatVector.fromArray(FS, c, r2 + L);
    FloatVector c22 = FloatVector.fromArray(FS, c, r2 + 2 * L), c23 = FloatVector.fromArray(FS, c, r2 + 3 * L);
    for (int p = 0; p < k; p++) {
      int bi = bo + p * ldb, ai = ao + p * lda;
      FloatVector b0 = FloatVector.fromArray(FS, b, bi), b1 = FloatVector.fromArray(FS, b, bi + L);
      FloatVector b2 = FloatVector.fromArray(FS, b, bi + 2 * L), b3 = FloatVector.fromArray(FS, b, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(FS, a[ai]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(FS, a[ai + 1]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(FS, a[ai + 2]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
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
  }

  private static void tn1(float[] a, int ao, int lda, float[] b, int bo, int ldb, int k, float[] c, int co) {
    FloatVector c00 = FloatVector.fromArray(FS, c, co), c01 = FloatVector.fromArray(FS, c, co + L);
    FloatVector c02 = FloatVector.fromArray(FS, c, co + 2 * L), c03 = FloatVector.fromArray(FS, c, co + 3 * L);
    for (int p = 0; p < k; p++) {
      int bi = bo + p * ldb;
      FloatVector av = FloatVector.broadcast(FS, a[ao + p * lda]);
      c00 = av.fma(FloatVector.fromArray(FS, b, bi), c00);
      c01 = av.fma(FloatVector.fromArray(FS, b, bi + L), c01);
      c02 = av.fma(FloatVector.fromArray(FS, b, bi + 2 * L), c02);
      c03 = av.fma(FloatVector.fromArray(FS, b, bi + 3 * L), c03);
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c02.intoArray(c, co + 2 * L);
    c03.intoArray(c, co + 3 * L);
  }

  /**
   * Image x[xb..] (c × h × w) into xp[xpOff..] as ph × pw cells of c channels, the image at
   * (pH, pW) and zeros around it.
   */
  static void toChannelsLast(float[] x, int xb, int c, int h, int w, int pH, int pW, int ph, int pw, float[] xp, int xpOff) {
    int rowLen = pw * c, plane = h * w;
    Arrays.fill(xp, xpOff, xpOff + pH * rowLen, 0f);
    Arrays.fill(xp, xpOff + (h + pH) * rowLen, xpOff + ph * rowLen, 0f);
    for (int iy = 0; iy < h; iy++) {
      int rb = xpOff + (iy + pH) * rowLen;
      Arrays.fill(xp, rb, rb + pW * c, 0f);
      Arrays.fill(xp, rb + (w + pW) * c, rb + rowLen, 0f);
    }
    if (w >= 8) {
      // 8 pixels of 8 channels at a time, the channel blocks outermost: each block reads 8 planes
      // front to back, streams the prefetcher follows (pixel blocks outermost read all c planes
      // at once: the 28² forward pass took 4.49 ms against 3.96, batch 50, two threads, caches
      // flushed, interleaved); the last block of a row overlaps the one before it (the same values)
      for (int c0 = 0; c0 < c; c0 += 8) {
        for (int iy = 0; iy < h; iy++) {
          int rb = xpOff + (iy + pH) * rowLen;
          for (int ix = 0; ; ix += 8) {
            int at = Math.min(ix, w - 8);
            Gemm.transpose8(x, xb + iy * w + at, null, 0, c0, plane, xp, rb + (at + pW) * c + c0, c);
            if (at == w - 8) break;
          }
        }
      }
      return;
    }
    for (int iy = 0; iy < h; iy++) {
      int rb = xpOff + (iy + pH) * rowLen;
      for (int ix = 0; ix < w; ix++) {
        for (int ci = 0; ci < c; ci++) xp[rb + (ix + pW) * c + ci] = x[xb + ci * plane + iy * w + ix];
      }
    }
  }

  /**
   * V = Bᵀ d B of every tile of one image, d[i][j] = xp[xpOff + ((4ty + i)·pw + 4tx + j)·c ..]:
   * the row pass (over j) then the column pass (over i), as {@link Winograd}'s bt4 computes
   * them. Tile t of the image is row {@code t0 + t} of each position's V[pos] (tt rows of c).
   */
  static void inputTransform(float[] xp, int xpOff, int c, int pw, int th, int tw, float[] v, int posStride, int t0, float[] tmp) {
    FloatVector four = FloatVector.broadcast(FS, 4f), mfour = FloatVector.broadcast(FS, -4f), mfive = FloatVector.broadcast(FS, -5f);
    FloatVector two = FloatVector.broadcast(FS, 2f), mtwo = FloatVector.broadcast(FS, -2f);
    int cell = c, row = pw * c;
    for (int ty = 0; ty < th; ty++) {
      for (int tx = 0; tx < tw; tx++) {
        int base = xpOff + (4 * ty * pw + 4 * tx) * c, vBase = (t0 + ty * tw + tx) * c;
        for (int cb = 0; cb < c; cb += L) {
          // written out rather than through Winograd.bt4Sums (the same sums): with the helper this
          // transform took 0.91–1.00 ms per 50 images on one thread against 0.80–0.95 (interleaved)
          // row pass: e[i][l] = Σ_j Bᵀ[l][j] d[i][j], into tmp[(i·6 + l)·L]
          for (int i = 0; i < 6; i++) {
            int o = base + i * row + cb;
            FloatVector d0 = FloatVector.fromArray(FS, xp, o), d1 = FloatVector.fromArray(FS, xp, o + cell);
            FloatVector d2 = FloatVector.fromArray(FS, xp, o + 2 * cell), d3 = FloatVector.fromArray(FS, xp, o + 3 * cell);
            FloatVector d4 = FloatVector.fromArray(FS, xp, o + 4 * cell), d5 = FloatVector.fromArray(FS, xp, o + 5 * cell);
            FloatVector s12 = d1.add(d2), s34 = d3.add(d4), t12 = d1.sub(d2), t43 = d4.sub(d3);
            FloatVector t31 = d3.sub(d1), t42 = d4.sub(d2);
            int to = i * 6 * L;
            d0.fma(four, d2.fma(mfive, d4)).intoArray(tmp, to);
            s12.fma(mfour, s34).intoArray(tmp, to + L);
            t12.fma(four, t43).intoArray(tmp, to + 2 * L);
            t31.fma(two, t42).intoArray(tmp, to + 3 * L);
            t31.fma(mtwo, t42).intoArray(tmp, to + 4 * L);
            d1.fma(four, d3.fma(mfive, d5)).intoArray(tmp, to + 5 * L);
          }
          // column pass: V[k·6 + l] = Σ_i Bᵀ[k][i] e[i][l]
          for (int l = 0; l < 6; l++) {
            int o = l * L;
            FloatVector d0 = FloatVector.fromArray(FS, tmp, o), d1 = FloatVector.fromArray(FS, tmp, o + 6 * L);
            FloatVector d2 = FloatVector.fromArray(FS, tmp, o + 12 * L), d3 = FloatVector.fromArray(FS, tmp, o + 18 * L);
            FloatVector d4 = FloatVector.fromArray(FS, tmp, o + 24 * L), d5 = FloatVector.fromArray(FS, tmp, o + 30 * L);
            FloatVector s12 = d1.add(d2), s34 = d3.add(d4), t12 = d1.sub(d2), t43 = d4.sub(d3);
            FloatVector t31 = d3.sub(d1), t42 = d4.sub(d2);
            int vo = l * posStride + vBase + cb;
            d0.fma(four, d2.fma(mfive, d4)).intoArray(v, vo);
            s12.fma(mfour, s34).intoArray(v, vo + 6 * posStride);
            t12.fma(four, t43).intoArray(v, vo + 12 * posStride);
            t31.fma(two, t42).intoArray(v, vo + 18 * posStride);
            t31.fma(mtwo, t42).intoArray(v, vo + 24 * posStride);
            d1.fma(four, d3.fma(mfive, d5)).intoArray(v, vo + 30 * posStride);
          }
        }
      }
    }
  }

  /**
   * M [rows × oc] (ldc = oc, from mo) = A [rows × k] (lda = k, from ao) · B [k × oc] (ldb = oc, from bo).
   * Its own 6 × 4-vector tile rather than {@link Gemm}'s NT kernels on Uᵀ packed as their B (the
   * same bits, 4 × 4 vectors with 16 lanes): those read 5.48 and 6.26 ms against 4.67 and 5.64 at
   * 28² (batch 50, two threads, builds interleaved, 2026-11-29).
   */
  static void gemm(float[] a, int ao, int rows, int k, float[] b, int bo, int oc, float[] m, int mo) {
    for (int j = 0; j < oc; j += NV * L) {
      int r = 0;
      if (R == 6) {
        for (; r + 6 <= rows; r += 6) kernel6(a, ao + r * k, k, b, bo + j, oc, m, mo + r * oc + j, oc);
      } else {
        for (; r + 3 <= rows; r += 3) kernel3(a, ao + r * k, k, b, bo + j, oc, m, mo + r * oc + j, oc);
      }
      for (; r < rows; r++) kernel1(a, ao + r * k, k, b, bo + j, oc, m, mo + r * oc + j);
    }
  }

  private static void kernel6(float[] a, int ao, int k, float[] b, int bo, int ldb, float[] c, int co, int ldc) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z, c20 = z, c21 = z, c22 = z, c23 = z;
    FloatVector c30 = z, c31 = z, c32 = z, c33 = z, c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
    int a1 = ao + k, a2 = ao + 2 * k, a3 = ao + 3 * k, a4 = ao + 4 * k, a5 = ao + 5 * k;
    for (int p = 0; p < k; p++) {
      int bi = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(FS, b, bi), b1 = FloatVector.fromArray(FS, b, bi + L);
      FloatVector b2 = FloatVector.fromArray(FS, b, bi + 2 * L), b3 = FloatVector.fromArray(FS, b, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(FS, a[ao + p]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(FS, a[a1 + p]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(FS, a[a2 + p]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
      av = FloatVector.broadcast(FS, a[a3 + p]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32); c33 = av.fma(b3, c33);
      av = FloatVector.broadcast(FS, a[a4 + p]);
      c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42); c43 = av.fma(b3, c43);
      av = FloatVector.broadcast(FS, a[a5 + p]);
      c50 = av.fma(b0, c50); c51 = av.fma(b1, c51); c52 = av.fma(b2, c52); c53 = av.fma(b3, c53);
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c02.intoArray(c, co + 2 * L);
    c03.intoArray(c, co + 3 * L);
    c10.intoArray(c, co + ldc);
    c11.intoArray(c, co + ldc + L);
    c12.intoArray(c, co + ldc + 2 * L);
    c13.intoArray(c, co + ldc + 3 * L);
    c20.intoArray(c, co + 2 * ldc);
    c21.intoArray(c, co + 2 * ldc + L);
    c22.intoArray(c, co + 2 * ldc + 2 * L);
    c23.intoArray(c, co + 2 * ldc + 3 * L);
    c30.intoArray(c, co + 3 * ldc);
    c31.intoArray(c, co + 3 * ldc + L);
    c32.intoArray(c, co + 3 * ldc + 2 * L);
    c33.intoArray(c, co + 3 * ldc + 3 * L);
    c40.intoArray(c, co + 4 * ldc);
    c41.intoArray(c, co + 4 * ldc + L);
    c42.intoArray(c, co + 4 * ldc + 2 * L);
    c43.intoArray(c, co + 4 * ldc + 3 * L);
    c50.intoArray(c, co + 5 * ldc);
    c51.intoArray(c, co + 5 * ldc + L);
    c52.intoArray(c, co + 5 * ldc + 2 * L);
    c53.intoArray(c, co + 5 * ldc + 3 * L);
  }

  private static void kernel3(float[] a, int ao, int k, float[] b, int bo, int ldb, float[] c, int co, int ldc) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z, c20 = z, c21 = z, c22 = z, c23 = z;
    int a1 = ao + k, a2 = ao + 2 * k;
    for (int p = 0; p < k; p++) {
      int bi = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(FS, b, bi), b1 = FloatVector.fromArray(FS, b, bi + L);
      FloatVector b2 = FloatVector.fromArray(FS, b, bi + 2 * L), b3 = FloatVector.fromArray(FS, b, bi + 3 * L);
      FloatVector av = FloatVector.broadcast(FS, a[ao + p]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02); c03 = av.fma(b3, c03);
      av = FloatVector.broadcast(FS, a[a1 + p]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12); c13 = av.fma(b3, c13);
      av = FloatVector.broadcast(FS, a[a2 + p]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22); c23 = av.fma(b3, c23);
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c02.intoArray(c, co + 2 * L);
    c03.intoArray(c, co + 3 * L);
    c10.intoArray(c, co + ldc);
    c11.intoArray(c, co + ldc + L);
    c12.intoArray(c, co + ldc + 2 * L);
    c13.intoArray(c, co + ldc + 3 * L);
    c20.intoArray(c, co + 2 * ldc);
    c21.intoArray(c, co + 2 * ldc + L);
    c22.intoArray(c, co + 2 * ldc + 2 * L);
    c23.intoArray(c, co + 2 * ldc + 3 * L);
  }

  private static void kernel1(float[] a, int ao, int k, float[] b, int bo, int ldb, float[] c, int co) {
    FloatVector z = FloatVector.zero(FS);
    FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
    for (int p = 0; p < k; p++) {
      int bi = bo + p * ldb;
      FloatVector av = FloatVector.broadcast(FS, a[ao + p]);
      c00 = av.fma(FloatVector.fromArray(FS, b, bi), c00);
      c01 = av.fma(FloatVector.fromArray(FS, b, bi + L), c01);
      c02 = av.fma(FloatVector.fromArray(FS, b, bi + 2 * L), c02);
      c03 = av.fma(FloatVector.fromArray(FS, b, bi + 3 * L), c03);
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + L);
    c02.intoArray(c, co + 2 * L);
    c03.intoArray(c, co + 3 * L);
  }

  /**
   * Y = Aᵀ M A of every tile of one image (rows t0.. of each M[pos], tt rows of oc): the column
   * pass (over k) then the row pass (over l), as {@link Winograd}'s at4, then + bias; into
   * yp[ypOff + ((4ty + i)·yw + 4tx + j)·oc ..].
   */
  static void outputTransform(float[] m, int oc, int th, int tw, int posStride, int t0, float[] bias, float[] yp, int ypOff, int yw,
                                      float[] tmp) {
    FloatVector two = FloatVector.broadcast(FS, 2f), four = FloatVector.broadcast(FS, 4f), eight = FloatVector.broadcast(FS, 8f);
    int cell = oc, row = yw * oc;
    for (int ty = 0; ty < th; ty++) {
      for (int tx = 0; tx < tw; tx++) {
        int mBase = (t0 + ty * tw + tx) * oc, yBase = ypOff + (4 * ty * yw + 4 * tx) * oc;
        for (int ob = 0; ob < oc; ob += L) {
          // column pass: s[i][l] = Σ_k Aᵀ[i][k] M[k·6 + l], into tmp[(i·6 + l)·L]
          for (int l = 0; l < 6; l++) {
            int o = l * posStride + mBase + ob;
            FloatVector m0 = FloatVector.fromArray(FS, m, o), m1 = FloatVector.fromArray(FS, m, o + 6 * posStride);
            FloatVector m2 = FloatVector.fromArray(FS, m, o + 12 * posStride), m3 = FloatVector.fromArray(FS, m, o + 18 * posStride);
            FloatVector m4 = FloatVector.fromArray(FS, m, o + 24 * posStride), m5 = FloatVector.fromArray(FS, m, o + 30 * posStride);
            FloatVector s12 = m1.add(m2), t12 = m1.sub(m2), s34 = m3.add(m4), t34 = m3.sub(m4);
            int to = l * L;
            m0.add(s12).add(s34).intoArray(tmp, to);
            t34.fma(two, t12).intoArray(tmp, to + 6 * L);
            s34.fma(four, s12).intoArray(tmp, to + 12 * L);
            t34.fma(eight, t12).add(m5).intoArray(tmp, to + 18 * L);
          }
          FloatVector bv = bias == null ? null : FloatVector.fromArray(FS, bias, ob);
          // row pass: Y[i][j] = Σ_l Aᵀ[j][l] s[i][l]
          for (int i = 0; i < 4; i++) {
            int o = i * 6 * L;
            FloatVector m0 = FloatVector.fromArray(FS, tmp, o), m1 = FloatVector.fromArray(FS, tmp, o + L);
            FloatVector m2 = FloatVector.fromArray(FS, tmp, o + 2 * L), m3 = FloatVector.fromArray(FS, tmp, o + 3 * L);
            FloatVector m4 = FloatVector.fromArray(FS, tmp, o + 4 * L), m5 = FloatVector.fromArray(FS, tmp, o + 5 * L);
            FloatVector s12 = m1.add(m2), t12 = m1.sub(m2), s34 = m3.add(m4), t34 = m3.sub(m4);
            FloatVector y0 = m0.add(s12).add(s34), y1 = t34.fma(two, t12), y2 = s34.fma(four, s12), y3 = t34.fma(eight, t12).add(m5);
            if (bv != null) {
              y0 = y0.add(bv);
              y1 = y1.add(bv);
              y2 = y2.add(bv);
              y3 = y3.add(bv);
            }
            int yo = yBase + i * row + ob;
            y0.intoArray(yp, yo);
            y1.intoArray(yp, yo + cell);
            y2.intoArray(yp, yo + 2 * cell);
            y3.intoArray(yp, yo + 3 * cell);
          }
        }
      }
    }
  }

  /** Image yp[ypOff..] (rows of yw cells of oc channels) into y[yb..] (oc × oh × ow), the cells past oh × ow dropped. */
  static void toChannelsFirst(float[] yp, int ypOff, int yw, int oc, int oh, int ow, float[] y, int yb) {
    int plane = oh * ow;
    if (ow >= 8) {
      // channel blocks outermost, as in toChannelsLast: 8 output planes written front to back
      for (int o0 = 0; o0 < oc; o0 += 8) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ; ox += 8) {
            int at = Math.min(ox, ow - 8), cell = ypOff / oc + oy * yw + at;
            Gemm.transpose8(yp, o0, null, 0, cell, oc, y, yb + o0 * plane + oy * ow + at, plane);
            if (at == ow - 8) break;
          }
        }
      }
      return;
    }
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        int src = ypOff + (oy * yw + ox) * oc;
        for (int o = 0; o < oc; o++) y[yb + o * plane + oy * ow + ox] = yp[src + o];
      }
    }
  }
}
