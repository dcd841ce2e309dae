package arcus.core.cpu;

import java.util.concurrent.ConcurrentSkipListMap;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a stride-1 float convolution as dot products:
 * gw[o][(ci, ki, kj)] = Σ_images Σ_j gy[o][j] · col[(ci, ki, kj)][j], with col read as rows of
 * the image's {@link ConvKernels.Expanded} copy (contiguous, oh*ow long, no garbage columns)
 * and gy read where it lies. Nothing is packed: each 3 x 3 block of (output channel, im2col row)
 * pairs keeps nine vector accumulators in registers over a group of images, six loads per nine
 * FMAs (4 x 5 blocks, nine loads per 20 FMAs, where 32 vector registers hold them:
 * {@link #WIDE}), and adds them into lane-wise partial sums once per group; the lanes are summed
 * at the end, in order.
 *
 * <p>This is for the weight gradients the packed GEMM does badly: few output channels or im2col
 * rows against a long depth. LeNet's first convolution (20 x 25 outputs, depth 576 per image)
 * rounded its 25 columns up to two 24-wide panels and spent more on packing (a transpose of the
 * im2col rows per image) than on the kernel: 16 GFLOP/s on one thread.
 *
 * <p>Summation order: per (o, row) pair, lane l accumulates the cells j ≡ l (mod lanes) of every
 * image of a thread's range in image order (the cells past the last whole vector in a scalar
 * sum added to lane 0 once per group); the lanes are then added in order and the threads'
 * partial sums in range order. The bits depend on the thread count and the vector width, never
 * on timing or the JIT tier (vector FMAs are exact-rounded in every tier).
 */
final class DotWeightGrad {
  private static final VectorSpecies<Float> FS = Species.FLOAT;
  private static final int L = FS.length();
  /**
   * Images per group, whose expanded copies and gy every block passes over. Two: one thread,
   * batch 256, LeNet's first layer 3.59 / 3.71 / 3.83 / 4.09 ms at 1 / 2 / 4 / 8, the MNIST
   * network's first 7.32 / 7.23 / 7.82 / 7.77 ms (2026-11-28): the larger groups' rows fall out of L1.
   */
  static final int GROUP = Integer.getInteger("arcus.conv.dotGroup", 2);

  private DotWeightGrad() {}

  static void backwardWeight(ConvKernels.Geom g, float[] x, float[] gy, float[] gw) {
    ConvKernels.Expanded ex = ConvKernels.Expanded.of(g);
    int wLen = g.oc() * g.ckk();
    ConcurrentSkipListMap<Integer, float[]> partials = new ConcurrentSkipListMap<>();
    Parallel.forRange(g.n(), 1, (from, to) -> {
      float[] acc = new float[wLen * L];
      float[] xs = new float[GROUP * ex.len()];
      // an edge block's sums (up to 4 x 5 pairs), and the scalar tails of a block's pairs
      float[] edge = new float[20 * L], tails = new float[20];
      for (int i0 = from; i0 < to; i0 += GROUP) {
        int gn = Math.min(GROUP, to - i0);
        for (int i = 0; i < gn; i++) ex.fill(x, (i0 + i) * g.imageIn(), xs, i * ex.len());
        group(g, ex, gy, i0, gn, xs, acc, edge, tails);
      }
      float[] part = from == 0 && to == g.n() ? gw : new float[wLen];
      for (int p = 0; p < wLen; p++) {
        float s = 0f;
        for (int l = 0; l < L; l++) s += acc[p * L + l];
        part[p] = s;
      }
      if (part != gw) partials.put(from, part);
    });
    if (partials.isEmpty()) return;
    java.util.Arrays.fill(gw, 0, wLen, 0f);
    for (float[] part : partials.values())
      for (int p = 0; p < wLen; p++) gw[p] += part[p];
  }

  /**
   * Whether blocks are 4 output channels x 5 im2col rows (20 accumulators, nine loads per 20
   * FMAs) instead of 3 x 3: with 32 vector registers (16 lanes, AVX-512) they fit, and every pair
   * is still its own chain in the same order, so the bits are the 3 x 3 blocks'. Not final so
   * that a test can compare both in one JVM.
   */
  static boolean WIDE = L >= 16;

  /** Adds images [i0, i0 + gn) (expanded in xs) into the lane-wise sums acc[(o*ckk + q)*L + l]. */
  private static void group(ConvKernels.Geom g, ConvKernels.Expanded ex, float[] gy, int i0, int gn, float[] xs, float[] acc,
                            float[] t, float[] tails) {
    int oc = g.oc(), ckk = g.ckk(), ohw = g.ohw(), imageOut = g.imageOut(), len = ex.len();
    int[] rows = ex.rows();
    int ro = WIDE ? 4 : 3, rq = WIDE ? 5 : 3;
    int gb = i0 * imageOut;
    for (int o = 0; o < oc; o += ro) {
      for (int q = 0; q < ckk; q += rq) {
        boolean inside = o + ro <= oc && q + rq <= ckk;
        // rows and columns past the edge: computed on clamped duplicates into a scratch tile, real pairs copied out
        if (!inside) {
          for (int r = 0; r < ro; r++) {
            for (int s = 0; s < rq; s++) {
              int or = Math.min(o + r, oc - 1), qs = Math.min(q + s, ckk - 1);
              System.arraycopy(acc, (or * ckk + qs) * L, t, (r * rq + s) * L, L);
            }
          }
        }
        float[] dst = inside ? acc : t;
        int ao = inside ? (o * ckk + q) * L : 0, rowStride = inside ? ckk * L : rq * L;
        int g0 = gb + o * ohw, g1 = gb + Math.min(o + 1, oc - 1) * ohw, g2 = gb + Math.min(o + 2, oc - 1) * ohw;
        int x0 = rows[q], x1 = rows[Math.min(q + 1, ckk - 1)], x2 = rows[Math.min(q + 2, ckk - 1)];
        if (WIDE) {
          int g3 = gb + Math.min(o + 3, oc - 1) * ohw;
          int x3 = rows[Math.min(q + 3, ckk - 1)], x4 = rows[Math.min(q + 4, ckk - 1)];
          block45(gy, g0, g1, g2, g3, imageOut, xs, x0, x1, x2, x3, x4, len, gn, ohw, dst, ao, rowStride, tails);
        } else {
          block(gy, g0, g1, g2, imageOut, xs, x0, x1, x2, len, gn, ohw, dst, ao, rowStride, tails);
        }
        if (!inside) {
          for (int r = 0; r < ro && o + r < oc; r++) {
            for (int s = 0; s < rq && q + s < ckk; s++) System.arraycopy(t, (r * rq + s) * L, acc, ((o + r) * ckk + q + s) * L, L);
          }
        }
      }
    }
  }

  /**
   * acc (+)= the 3 x 3 block of lane-wise dot products of gy rows (g0, g1, g2, the next image's
   * {@code gStride} further) with xs rows (x0, x1, x2, {@code xStride} further) over gn images;
   * accumulators at acc[ao + r*rowStride + s*L]. Small and separate, so C2 compiles it whole.
   * The cells past the last whole vector are summed by {@link #tail} into {@code tails} (in
   * memory) and added to lane 0 once the vectors are stored:
   * nine float accumulators kept live across the vector loop share the 16 vector registers with
   * the nine vector ones and made C2 spill in the loop (24 against ~60 GFLOP/s).
   */
  private static void block(float[] gy, int g0, int g1, int g2, int gStride, float[] xs, int x0, int x1, int x2, int xStride,
                            int gn, int ohw, float[] acc, int ao, int rowStride, float[] tails) {
    int a1o = ao + rowStride, a2o = ao + 2 * rowStride;
    FloatVector c00 = FloatVector.fromArray(FS, acc, ao), c01 = FloatVector.fromArray(FS, acc, ao + L), c02 = FloatVector.fromArray(FS, acc, ao + 2 * L);
    FloatVector c10 = FloatVector.fromArray(FS, acc, a1o), c11 = FloatVector.fromArray(FS, acc, a1o + L), c12 = FloatVector.fromArray(FS, acc, a1o + 2 * L);
    FloatVector c20 = FloatVector.fromArray(FS, acc, a2o), c21 = FloatVector.fromArray(FS, acc, a2o + L), c22 = FloatVector.fromArray(FS, acc, a2o + 2 * L);
    int whole = ohw / L * L;
    for (int i = 0; i < gn; i++) {
      int gi = i * gStride, xi = i * xStride;
      for (int j = 0; j != whole; j += L) {
        FloatVector a0 = FloatVector.fromArray(FS, gy, g0 + gi + j);
        FloatVector a1 = FloatVector.fromArray(FS, gy, g1 + gi + j);
        FloatVector a2 = FloatVector.fromArray(FS, gy, g2 + gi + j);
        FloatVector b = FloatVector.fromArray(FS, xs, x0 + xi + j);
        c00 = a0.fma(b, c00);
        c10 = a1.fma(b, c10);
        c20 = a2.fma(b, c20);
        b = FloatVector.fromArray(FS, xs, x1 + xi + j);
        c01 = a0.fma(b, c01);
        c11 = a1.fma(b, c11);
        c21 = a2.fma(b, c21);
        b = FloatVector.fromArray(FS, xs, x2 + xi + j);
        c02 = a0.fma(b, c02);
        c12 = a1.fma(b, c12);
        c22 = a2.fma(b, c22);
      }
      if (whole < ohw) tailRows(gy, new int[] {g0 + gi, g1 + gi, g2 + gi}, xs, new int[] {x0 + xi, x1 + xi, x2 + xi}, whole, ohw, tails);
    }
    c00.intoArray(acc, ao);
    c01.intoArray(acc, ao + L);
    c02.intoArray(acc, ao + 2 * L);
    c10.intoArray(acc, a1o);
    c11.intoArray(acc, a1o + L);
    c12.intoArray(acc, a1o + 2 * L);
    c20.intoArray(acc, a2o);
    c21.intoArray(acc, a2o + L);
    c22.intoArray(acc, a2o + 2 * L);
    if (whole < ohw) addTails(acc, ao, rowStride, 3, 3, tails);
  }

  /**
   * {@link #block} with 4 gy rows x 5 xs rows (20 accumulators), for 32-register machines
   * ({@link #WIDE}). Its inner loop is a counted one ({@code j < whole}): the 3 x 3 block's
   * {@code !=} form (which kept C2 from unrolling it into spills with 16 registers) made LeNet's
   * one-thread training step 2.6-3.3% slower here (in one JVM, the two forms switched between
   * rounds, three runs on a Zen 5).
   */
  private static void block45(float[] gy, int g0, int g1, int g2, int g3, int gStride, float[] xs, int x0, int x1, int x2, int x3,
                              int x4, int xStride, int gn, int ohw, float[] acc, int ao, int rowStride, float[] tails) {
    int a1o = ao + rowStride, a2o = ao + 2 * rowStride, a3o = ao + 3 * rowStride;
    FloatVector c00 = FloatVector.fromArray(FS, acc, ao), c01 = FloatVector.fromArray(FS, acc, ao + L), c02 = FloatVector.fromArray(FS, acc, ao + 2 * L);
    FloatVector c03 = FloatVector.fromArray(FS, acc, ao + 3 * L), c04 = FloatVector.fromArray(FS, acc, ao + 4 * L);
    FloatVector c10 = FloatVector.fromArray(FS, acc, a1o), c11 = FloatVector.fromArray(FS, acc, a1o + L), c12 = FloatVector.fromArray(FS, acc, a1o + 2 * L);
    FloatVector c13 = FloatVector.fromArray(FS, acc, a1o + 3 * L), c14 = FloatVector.fromArray(FS, acc, a1o + 4 * L);
    FloatVector c20 = FloatVector.fromArray(FS, acc, a2o), c21 = FloatVector.fromArray(FS, acc, a2o + L), c22 = FloatVector.fromArray(FS, acc, a2o + 2 * L);
    FloatVector c23 = FloatVector.fromArray(FS, acc, a2o + 3 * L), c24 = FloatVector.fromArray(FS, acc, a2o + 4 * L);
    FloatVector c30 = FloatVector.fromArray(FS, acc, a3o), c31 = FloatVector.fromArray(FS, acc, a3o + L), c32 = FloatVector.fromArray(FS, acc, a3o + 2 * L);
    FloatVector c33 = FloatVector.fromArray(FS, acc, a3o + 3 * L), c34 = FloatVector.fromArray(FS, acc, a3o + 4 * L);
    int whole = ohw / L * L;
    for (int i = 0; i < gn; i++) {
      int gi = i * gStride, xi = i * xStride;
      for (int j = 0; j < whole; j += L) {
        FloatVector a0 = FloatVector.fromArray(FS, gy, g0 + gi + j);
        FloatVector a1 = FloatVector.fromArray(FS, gy, g1 + gi + j);
        FloatVector a2 = FloatVector.fromArray(FS, gy, g2 + gi + j);
        FloatVector a3 = FloatVector.fromArray(FS, gy, g3 + gi + j);
        FloatVector b = FloatVector.fromArray(FS, xs, x0 + xi + j);
        c00 = a0.fma(b, c00);
        c10 = a1.fma(b, c10);
        c20 = a2.fma(b, c20);
        c30 = a3.fma(b, c30);
        b = FloatVector.fromArray(FS, xs, x1 + xi + j);
        c01 = a0.fma(b, c01);
        c11 = a1.fma(b, c11);
        c21 = a2.fma(b, c21);
        c31 = a3.fma(b, c31);
        b = FloatVector.fromArray(FS, xs, x2 + xi + j);
        c02 = a0.fma(b, c02);
        c12 = a1.fma(b, c12);
        c22 = a2.fma(b, c22);
        c32 = a3.fma(b, c32);
        b = FloatVector.fromArray(FS, xs, x3 + xi + j);
        c03 = a0.fma(b, c03);
        c13 = a1.fma(b, c13);
        c23 = a2.fma(b, c23);
        c33 = a3.fma(b, c33);
        b = FloatVector.fromArray(FS, xs, x4 + xi + j);
        c04 = a0.fma(b, c04);
        c14 = a1.fma(b, c14);
        c24 = a2.fma(b, c24);
        c34 = a3.fma(b, c34);
      }
      if (whole < ohw) {
        tailRows(gy, new int[] {g0 + gi, g1 + gi, g2 + gi, g3 + gi}, xs, new int[] {x0 + xi, x1 + xi, x2 + xi, x3 + xi, x4 + xi}, whole, ohw, tails);
      }
    }
    c00.intoArray(acc, ao);
    c01.intoArray(acc, ao + L);
    c02.intoArray(acc, ao + 2 * L);
    c03.intoArray(acc, ao + 3 * L);
    c04.intoArray(acc, ao + 4 * L);
    c10.intoArray(acc, a1o);
    c11.intoArray(acc, a1o + L);
    c12.intoArray(acc, a1o + 2 * L);
    c13.intoArray(acc, a1o + 3 * L);
    c14.intoArray(acc, a1o + 4 * L);
    c20.intoArray(acc, a2o);
    c21.intoArray(acc, a2o + L);
    c22.intoArray(acc, a2o + 2 * L);
    c23.intoArray(acc, a2o + 3 * L);
    c24.intoArray(acc, a2o + 4 * L);
    c30.intoArray(acc, a3o);
    c31.intoArray(acc, a3o + L);
    c32.intoArray(acc, a3o + 2 * L);
    c33.intoArray(acc, a3o + 3 * L);
    c34.intoArray(acc, a3o + 4 * L);
    if (whole < ohw) addTails(acc, ao, rowStride, 4, 5, tails);
  }

  /** Adds tails[r*cols + s] to lane 0 of accumulator (r, s) and clears it. */
  private static void addTails(float[] acc, int ao, int rowStride, int rowsN, int cols, float[] tails) {
    for (int r = 0; r < rowsN; r++) {
      for (int s = 0; s < cols; s++) {
        acc[ao + r * rowStride + s * L] += tails[r * cols + s];
        tails[r * cols + s] = 0f;
      }
    }
  }

  /** The scalar cells [from, to) of one image, summed into tails[r*xo.length + s] for gy row gs[r] and xs row xo[s]. */
  private static void tailRows(float[] gy, int[] gs, float[] xs, int[] xo, int from, int to, float[] tails) {
    for (int r = 0; r < gs.length; r++) {
      for (int s = 0; s < xo.length; s++) {
        float t = 0f;
        for (int j = from; j < to; j++) t += gy[gs[r] + j] * xs[xo[s] + j];
        tails[r * xo.length + s] += t;
      }
    }
  }
}
