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
 * FMAs, and adds them into lane-wise partial sums once per group; the lanes are summed at the
 * end, in order.
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
      // an edge block's 3 x 3 sums, and the scalar tails of a block's nine pairs
      float[] edge = new float[9 * L], tails = new float[9];
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

  /** Adds images [i0, i0 + gn) (expanded in xs) into the lane-wise sums acc[(o*ckk + q)*L + l]. */
  private static void group(ConvKernels.Geom g, ConvKernels.Expanded ex, float[] gy, int i0, int gn, float[] xs, float[] acc,
                            float[] t, float[] tails) {
    int oc = g.oc(), ckk = g.ckk(), ohw = g.ohw(), imageOut = g.imageOut(), len = ex.len();
    int[] rows = ex.rows();
    for (int o = 0; o < oc; o += 3) {
      int o1 = Math.min(o + 1, oc - 1), o2 = Math.min(o + 2, oc - 1);
      int gb = i0 * imageOut;
      for (int q = 0; q < ckk; q += 3) {
        int q1 = Math.min(q + 1, ckk - 1), q2 = Math.min(q + 2, ckk - 1);
        if (o + 2 < oc && q + 2 < ckk) {
          block(gy, gb + o * ohw, gb + o1 * ohw, gb + o2 * ohw, imageOut, xs, rows[q], rows[q1], rows[q2], len, gn, ohw,
              acc, (o * ckk + q) * L, ckk * L, tails);
        } else {
          // rows and columns past the edge: computed on clamped duplicates into a scratch tile, real pairs copied out
          for (int r = 0; r < 3; r++) {
            for (int s = 0; s < 3; s++) {
              int or = Math.min(o + r, oc - 1), qs = Math.min(q + s, ckk - 1);
              System.arraycopy(acc, (or * ckk + qs) * L, t, (r * 3 + s) * L, L);
            }
          }
          block(gy, gb + o * ohw, gb + o1 * ohw, gb + o2 * ohw, imageOut, xs, rows[q], rows[q1], rows[q2], len, gn, ohw, t, 0, 3 * L, tails);
          for (int r = 0; r < 3 && o + r < oc; r++) {
            for (int s = 0; s < 3 && q + s < ckk; s++) System.arraycopy(t, (r * 3 + s) * L, acc, ((o + r) * ckk + q + s) * L, L);
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
      if (whole < ohw) tail(gy, g0 + gi, g1 + gi, g2 + gi, xs, x0 + xi, x1 + xi, x2 + xi, whole, ohw, tails);
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
    if (whole < ohw) {
      for (int r = 0; r < 3; r++) {
        for (int s = 0; s < 3; s++) {
          acc[ao + r * rowStride + s * L] += tails[r * 3 + s];
          tails[r * 3 + s] = 0f;
        }
      }
    }
  }

  /** The scalar cells [from, to) of one image, summed into tails[r*3 + s]. */
  private static void tail(float[] gy, int g0, int g1, int g2, float[] xs, int x0, int x1, int x2, int from, int to, float[] tails) {
    int[] gs = {g0, g1, g2}, xsOff = {x0, x1, x2};
    for (int r = 0; r < 3; r++) {
      for (int s = 0; s < 3; s++) {
        float t = 0f;
        for (int j = from; j < to; j++) t += gy[gs[r] + j] * xs[xsOff[s] + j];
        tails[r * 3 + s] += t;
      }
    }
  }
}
