package arcus.core.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-D max and average pooling, NCHW. Each (image, channel) plane is independent, so planes are
 * split across threads and every pass writes only its own plane: no reductions needed.
 *
 * <p>Max pooling treats padding as -infinity and routes the gradient to the first maximum in
 * row-major window order, recomputed from x (no index tensor to keep). Average pooling counts
 * padding cells in the divisor (PyTorch's count_include_pad=true), but a ceil-mode window that
 * runs past the padded input is divided by its size clipped to the padded input.
 */
final class PoolKernels {
  /**
   * The 2×2 pool's vectors: at most 8 lanes. Its loops take pairs of half-vector window groups, so
   * with 16 lanes a row needs 8 output windows for one group: LeNet's 4- and 12-wide and the MNIST
   * network's 7- and 14-wide rows fell mostly to the scalar argmax, which was 11% of a LeNet step
   * on a Zen 5 (one thread). Every window's result is exact, so the lanes do not change the bits.
   */
  private static final VectorSpecies<Float> FS = Species.FLOAT.length() > 8 ? FloatVector.SPECIES_256 : Species.FLOAT;
  private static final Phases P2 = FS == Species.FLOAT ? Phases.M2 : new Phases(FS, 2);

  private PoolKernels() {}

  /**
   * Output length along one axis. Ceil mode rounds up (Caffe/PyTorch) but drops a last window
   * that would start beyond the input and its left padding, i.e. inside the right padding only.
   */
  static int outSize(int in, int k, int s, int p, boolean ceil) {
    if (k < 1 || s < 1 || p < 0) throw new IllegalArgumentException("bad pooling geometry k=" + k + " s=" + s + " p=" + p);
    int span = in + 2 * p - k;
    if (span < 0) throw new IllegalArgumentException("pooling window " + k + " larger than padded input " + (in + 2 * p));
    int out = (ceil ? (span + s - 1) / s : span / s) + 1;
    if (ceil && (out - 1) * s >= in + p) out--;
    return out;
  }

  /**
   * Pieces per thread of the 2×2 pools' planes ({@link Parallel#forPieces}): each plane's outputs
   * are written by the thread that runs it alone, alike whatever piece it is in, so the cut does
   * not change the bits (PiecesProperties).
   */
  private static final int PIECES = 4;

  /** Planes per task: enough window work per task to outweigh the fork cost. */
  private static int planeGrain(int workPerPlane) {
    return Math.max(1, 16384 / Math.max(1, workPerPlane));
  }

  // ---- float ----

  static void maxPool2dForward(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                               boolean ceil, float[] y) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0) {
      maxPool2x2Forward(x, n * c, h, w, oh, ow, y);
      return;
    }
    Parallel.forRange(n * c, planeGrain(oh * ow * kh * kw), (from, to) -> {
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int a = argmax(x, xb, h, w, oy * sh - ph, kh, ox * sw - pw, kw);
            y[yb + oy * ow + ox] = a < 0 ? Float.NEGATIVE_INFINITY : x[a];
          }
        }
      }
    });
  }

  /**
   * The 2×2/2 max pool without an argmax, L windows at a time. The full windows of each output
   * row are cut into groups of L/2 (whose 2×2 cells are one vector per input row), numbered
   * row by row, and groups are taken two at a time, the next group in the same row or the first
   * of the next: a 4-wide output row (LeNet's second pool, 8 lanes) pairs with the row below,
   * where whole vectors of windows per row left every window to the scalar argmax. The four
   * cells of each window come from the two rows' even and odd lanes, the maximum by {@code max} (Math.max's
   * rules: NaN wins, +0 over −0; the order of the four does not change the result). These rules
   * equal the argmax path's value except that it prefers +0 to −0 where the argmax path keeps the
   * first. Windows no pair covers take the scalar path ({@code Math.max} of the four), ceil
   * mode's partial windows at the right and bottom edge the argmax. Measured: the argmax was 10%
   * of an evaluation forward pass of the L-Softmax MNIST network.
   */
  /**
   * The pairs of window groups of a 2×2/2 pool's plane ({@link #maxPool2x2Forward}), worked out
   * once per call: for pair p, the offsets in a plane of x of each group's first cell (x0, x1) and
   * in a plane of y of its first window (y0, y1). The loops then do no division per pair (taking
   * group positions apart per pair by division cost LeNet ~4%).
   */
  private record Pairs(int[] x0, int[] x1, int[] y0, int[] y1, int count, int perRow, int fullRows, int fullCols) {
    static Pairs of(int h, int w, int oh, int ow) {
      int fullRows = Math.min(oh, h / 2), fullCols = Math.min(ow, w / 2), half = FS.length() / 2;
      int perRow = fullCols / half, count = fullRows * perRow / 2;
      int[] x0 = new int[count], x1 = new int[count], y0 = new int[count], y1 = new int[count];
      for (int p = 0; p < count; p++) {
        int s0 = 2 * p, s1 = s0 + 1;
        int oy0 = s0 / perRow, ox0 = s0 % perRow * half, oy1 = s1 / perRow, ox1 = s1 % perRow * half;
        x0[p] = 2 * oy0 * w + 2 * ox0;
        x1[p] = 2 * oy1 * w + 2 * ox1;
        y0[p] = oy0 * ow + ox0;
        y1[p] = oy1 * ow + ox1;
      }
      return new Pairs(x0, x1, y0, y1, count, perRow, fullRows, fullCols);
    }

    /** Windows of output row oy the pairs cover (from its start). */
    int covered(int oy) {
      return oy < fullRows ? Math.max(0, Math.min(perRow, 2 * count - oy * perRow)) * (FS.length() / 2) : 0;
    }
  }

  private static void maxPool2x2Forward(float[] x, int planes, int h, int w, int oh, int ow, float[] y) {
    Pairs pr = Pairs.of(h, w, oh, ow);
    int half = FS.length() / 2, fullRows = pr.fullRows(), fullCols = pr.fullCols();
    Parallel.forPieces(planes, planeGrain(oh * ow * 4), PIECES, (from, to) -> {
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        for (int p = 0; p < pr.count(); p++) {
          int r0 = xb + pr.x0()[p], r1 = xb + pr.x1()[p];
          FloatVector a0 = FloatVector.fromArray(FS, x, r0), a1 = FloatVector.fromArray(FS, x, r1);
          FloatVector b0 = FloatVector.fromArray(FS, x, r0 + w), b1 = FloatVector.fromArray(FS, x, r1 + w);
          FloatVector top = a0.rearrange(EVEN).blend(a1.rearrange(EVEN), UPPER).max(a0.rearrange(ODD).blend(a1.rearrange(ODD), UPPER));
          FloatVector bottom = b0.rearrange(EVEN).blend(b1.rearrange(EVEN), UPPER).max(b0.rearrange(ODD).blend(b1.rearrange(ODD), UPPER));
          FloatVector m = top.max(bottom);
          int g0 = yb + pr.y0()[p], g1 = yb + pr.y1()[p];
          if (g1 == g0 + half) {
            m.intoArray(y, g0);
          } else {
            // two runs of half a vector: each stored over what y holds there already
            FloatVector.fromArray(FS, y, g0).blend(m, UPPER.not()).intoArray(y, g0);
            FloatVector.fromArray(FS, y, g1 - half).blend(m, UPPER).intoArray(y, g1 - half);
          }
        }
        for (int oy = 0; oy < oh; oy++) {
          int out = yb + oy * ow;
          int ox = pr.covered(oy);
          if (oy < fullRows) {
            int r0 = xb + 2 * oy * w, r1 = r0 + w;
            for (; ox < fullCols; ox++) {
              y[out + ox] = Math.max(Math.max(x[r0 + 2 * ox], x[r1 + 2 * ox]), Math.max(x[r0 + 2 * ox + 1], x[r1 + 2 * ox + 1]));
            }
          }
          for (; ox < ow; ox++) {
            int a = argmax(x, xb, h, w, oy * 2, 2, ox * 2, 2);
            y[out + ox] = a < 0 ? Float.NEGATIVE_INFINITY : x[a];
          }
        }
      }
    });
  }

  static void maxPool2dBackward(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                boolean ceil, float[] gy, float[] gx) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0) {
      maxPool2x2Backward(x, n * c, h, w, oh, ow, gy, gx);
      return;
    }
    Parallel.forRange(n * c, planeGrain(oh * ow * kh * kw), (from, to) -> {
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        Arrays.fill(gx, xb, xb + h * w, 0f);
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int a = argmax(x, xb, h, w, oy * sh - ph, kh, ox * sw - pw, kw);
            if (a >= 0) gx[a] += gy[yb + oy * ow + ox];
          }
        }
      }
    });
  }

  // even / odd columns of a row pair's two vectors, and back (Phases, m = 2)
  private static final VectorShuffle<Float> EVEN = P2.split[0], ODD = P2.split[1];
  private static final VectorShuffle<Float> HALF_LOW = P2.merge[0], HALF_HIGH = P2.merge[1];
  private static final VectorMask<Float> UPPER = P2.splitFrom[1], ODD_LANES = P2.mergeFrom[1];

  /**
   * Whether v replaces the best so far under the argmax rule: greater, or NaN over a number. With
   * no NaN among the group's cells ({@code nan} false) that is the comparison alone, and the
   * answer is the same. The two NaN tests and their mask logic on every group were a third of the
   * gradient's time: one thread, four interleaved runs, LeNet's first pool [256, 20, 24, 24]
   * 1.62–1.74 → 1.14–1.16 ms (one run 1.59), its second [256, 50, 8, 8] 0.47–0.55 → 0.37–0.44,
   * the MNIST network's [50, 64, 28, 28] 3.03–3.27 → 2.44–2.60.
   */
  private static VectorMask<Float> beats(FloatVector v, FloatVector best, boolean nan) {
    VectorMask<Float> gt = v.compare(VectorOperators.GT, best);
    return nan ? gt.or(v.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN))) : gt;
  }

  /**
   * The 2×2/2 max-pool gradient, L windows at a time, in the pairs of window groups of
   * {@link #maxPool2x2Forward}: the four cells of each
   * window come from the two rows' even and odd lanes, the winner is chosen in the argmax's order
   * with its rules (first maximum, NaN wins), and each cell gets 0 + gy or 0 (so −0 becomes +0,
   * as the scalar path's {@code gx[a] += gy} gives). Windows no pair covers, and ceil mode's
   * partial ones, take the argmax path. The scalar argmax was 4.4% of a training step.
   */
  private static void maxPool2x2Backward(float[] x, int planes, int h, int w, int oh, int ow, float[] gy, float[] gx) {
    Pairs pr = Pairs.of(h, w, oh, ow);
    int half = FS.length() / 2;
    boolean allInPairs = h == 2 * oh && w == 2 * ow && 2 * pr.count() * half == oh * ow;
    Parallel.forPieces(planes, planeGrain(oh * ow * 4), PIECES, (from, to) -> {
      FloatVector zero = FloatVector.zero(FS);
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        // the pairs write every cell of the windows they cover: zeroing first only matters when some are left
        if (!allInPairs) Arrays.fill(gx, xb, xb + h * w, 0f);
        for (int p = 0; p < pr.count(); p++) {
          int r0 = xb + pr.x0()[p], r1 = xb + pr.x1()[p];
          FloatVector a0 = FloatVector.fromArray(FS, x, r0), a1 = FloatVector.fromArray(FS, x, r1);
          FloatVector b0 = FloatVector.fromArray(FS, x, r0 + w), b1 = FloatVector.fromArray(FS, x, r1 + w);
          FloatVector x00 = a0.rearrange(EVEN).blend(a1.rearrange(EVEN), UPPER);
          FloatVector x01 = a0.rearrange(ODD).blend(a1.rearrange(ODD), UPPER);
          FloatVector x10 = b0.rearrange(EVEN).blend(b1.rearrange(EVEN), UPPER);
          FloatVector x11 = b0.rearrange(ODD).blend(b1.rearrange(ODD), UPPER);
          // a NaN among the 4·L cells makes their sum NaN (so may infinities of both signs: the
          // slow rule is then taken where it was not needed, with the same answer)
          FloatVector sum = x00.add(x01).add(x10.add(x11));
          boolean nan = sum.compare(VectorOperators.NE, sum).anyTrue();
          VectorMask<Float> s1m = beats(x01, x00, nan);
          FloatVector best = x00.blend(x01, s1m);
          VectorMask<Float> s2 = beats(x10, best, nan);
          best = best.blend(x10, s2);
          VectorMask<Float> s3 = beats(x11, best, nan);
          VectorMask<Float> w2 = s2.andNot(s3), w1 = s1m.andNot(s2).andNot(s3), w0 = s1m.or(s2).or(s3).not();
          int g0 = yb + pr.y0()[p], g1 = yb + pr.y1()[p];
          // gy of the two half-vector groups; g1 >= g0 + half, so both loads are in range
          // 0 + gy once (−0 becomes +0), then each cell takes it or +0
          FloatVector g = FloatVector.fromArray(FS, gy, g0).blend(FloatVector.fromArray(FS, gy, g1 - half), UPPER).add(zero);
          FloatVector g00 = zero.blend(g, w0), g01 = zero.blend(g, w1);
          FloatVector g10 = zero.blend(g, w2), g11 = zero.blend(g, s3);
          g00.rearrange(HALF_LOW).blend(g01.rearrange(HALF_LOW), ODD_LANES).intoArray(gx, r0);
          g00.rearrange(HALF_HIGH).blend(g01.rearrange(HALF_HIGH), ODD_LANES).intoArray(gx, r1);
          g10.rearrange(HALF_LOW).blend(g11.rearrange(HALF_LOW), ODD_LANES).intoArray(gx, r0 + w);
          g10.rearrange(HALF_HIGH).blend(g11.rearrange(HALF_HIGH), ODD_LANES).intoArray(gx, r1 + w);
        }
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = pr.covered(oy); ox < ow; ox++) {
            int a = argmax(x, xb, h, w, oy * 2, 2, ox * 2, 2);
            if (a >= 0) gx[a] += gy[yb + oy * ow + ox];
          }
        }
      }
    });
  }

  static void maxPool2dGather(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                              boolean ceil, float[] gx, float[] gy) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    Parallel.forRange(n * c, planeGrain(oh * ow * kh * kw), (from, to) -> {
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int a = argmax(x, xb, h, w, oy * sh - ph, kh, ox * sw - pw, kw);
            gy[yb + oy * ow + ox] = a < 0 ? 0f : gx[a];
          }
        }
      }
    });
  }

  static void avgPool2dForward(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                               boolean ceil, float[] y) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    Parallel.forRange(n * c, planeGrain(oh * ow * kh * kw), (from, to) -> {
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
          int hs = oy * sh - ph, he = Math.min(hs + kh, h + ph);
          int y0 = Math.max(hs, 0), y1 = Math.min(he, h);
          for (int ox = 0; ox < ow; ox++) {
            int ws = ox * sw - pw, we = Math.min(ws + kw, w + pw);
            int x0 = Math.max(ws, 0), x1 = Math.min(we, w);
            float s = 0f;
            for (int iy = y0; iy < y1; iy++) {
              for (int ix = x0; ix < x1; ix++) s += x[xb + iy * w + ix];
            }
            y[yb + oy * ow + ox] = s / ((he - hs) * (we - ws));
          }
        }
      }
    });
  }

  static void avgPool2dBackward(float[] gy, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                boolean ceil, float[] gx) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    Parallel.forRange(n * c, planeGrain(oh * ow * kh * kw), (from, to) -> {
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        Arrays.fill(gx, xb, xb + h * w, 0f);
        for (int oy = 0; oy < oh; oy++) {
          int hs = oy * sh - ph, he = Math.min(hs + kh, h + ph);
          int y0 = Math.max(hs, 0), y1 = Math.min(he, h);
          for (int ox = 0; ox < ow; ox++) {
            int ws = ox * sw - pw, we = Math.min(ws + kw, w + pw);
            int x0 = Math.max(ws, 0), x1 = Math.min(we, w);
            float g = gy[yb + oy * ow + ox] / ((he - hs) * (we - ws));
            for (int iy = y0; iy < y1; iy++) {
              for (int ix = x0; ix < x1; ix++) gx[xb + iy * w + ix] += g;
            }
          }
        }
      }
    });
  }

  /**
   * Index of the first maximum of the window clipped to the image (padding is -infinity, so it
   * never wins), or -1 when the window holds no real cell. A NaN wins and stays, as in PyTorch.
   */
  private static int argmax(float[] x, int xb, int h, int w, int hs, int kh, int ws, int kw) {
    int y0 = Math.max(hs, 0), y1 = Math.min(hs + kh, h), x0 = Math.max(ws, 0), x1 = Math.min(ws + kw, w);
    if (y1 - y0 == 2 && x1 - x0 == 2) {
      // A whole 2x2 window (the common 2x2/2 pool), unrolled: same first-max and NaN rules.
      int i = xb + y0 * w + x0, best = i;
      float bv = x[i], v = x[i + 1];
      if (v > bv || (v != v && bv == bv)) { best = i + 1; bv = v; }
      v = x[i + w];
      if (v > bv || (v != v && bv == bv)) { best = i + w; bv = v; }
      v = x[i + w + 1];
      if (v > bv || (v != v && bv == bv)) best = i + w + 1;
      return best;
    }
    int best = -1;
    float bv = Float.NEGATIVE_INFINITY;
    for (int iy = y0; iy < y1; iy++) {
      for (int ix = x0; ix < x1; ix++) {
        int i = xb + iy * w + ix;
        float v = x[i];
        if (best < 0 || v > bv || (v != v && bv == bv)) {
          best = i;
          bv = v;
        }
      }
    }
    return best;
  }

  // ---- double ----

  static void maxPool2dForward(double[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                               boolean ceil, double[] y) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    Parallel.forRange(n * c, planeGrain(oh * ow * kh * kw), (from, to) -> {
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int a = argmax(x, xb, h, w, oy * sh - ph, kh, ox * sw - pw, kw);
            y[yb + oy * ow + ox] = a < 0 ? Double.NEGATIVE_INFINITY : x[a];
          }
        }
      }
    });
  }

  static void maxPool2dBackward(double[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                boolean ceil, double[] gy, double[] gx) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    Parallel.forRange(n * c, planeGrain(oh * ow * kh * kw), (from, to) -> {
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        Arrays.fill(gx, xb, xb + h * w, 0d);
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int a = argmax(x, xb, h, w, oy * sh - ph, kh, ox * sw - pw, kw);
            if (a >= 0) gx[a] += gy[yb + oy * ow + ox];
          }
        }
      }
    });
  }

  static void maxPool2dGather(double[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                              boolean ceil, double[] gx, double[] gy) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    Parallel.forRange(n * c, planeGrain(oh * ow * kh * kw), (from, to) -> {
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int a = argmax(x, xb, h, w, oy * sh - ph, kh, ox * sw - pw, kw);
            gy[yb + oy * ow + ox] = a < 0 ? 0d : gx[a];
          }
        }
      }
    });
  }

  static void avgPool2dForward(double[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                               boolean ceil, double[] y) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    Parallel.forRange(n * c, planeGrain(oh * ow * kh * kw), (from, to) -> {
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
          int hs = oy * sh - ph, he = Math.min(hs + kh, h + ph);
          int y0 = Math.max(hs, 0), y1 = Math.min(he, h);
          for (int ox = 0; ox < ow; ox++) {
            int ws = ox * sw - pw, we = Math.min(ws + kw, w + pw);
            int x0 = Math.max(ws, 0), x1 = Math.min(we, w);
            double s = 0d;
            for (int iy = y0; iy < y1; iy++) {
              for (int ix = x0; ix < x1; ix++) s += x[xb + iy * w + ix];
            }
            y[yb + oy * ow + ox] = s / ((he - hs) * (we - ws));
          }
        }
      }
    });
  }

  static void avgPool2dBackward(double[] gy, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                boolean ceil, double[] gx) {
    int oh = outSize(h, kh, sh, ph, ceil), ow = outSize(w, kw, sw, pw, ceil);
    Parallel.forRange(n * c, planeGrain(oh * ow * kh * kw), (from, to) -> {
      for (int pl = from; pl < to; pl++) {
        int xb = pl * h * w, yb = pl * oh * ow;
        Arrays.fill(gx, xb, xb + h * w, 0d);
        for (int oy = 0; oy < oh; oy++) {
          int hs = oy * sh - ph, he = Math.min(hs + kh, h + ph);
          int y0 = Math.max(hs, 0), y1 = Math.min(he, h);
          for (int ox = 0; ox < ow; ox++) {
            int ws = ox * sw - pw, we = Math.min(ws + kw, w + pw);
            int x0 = Math.max(ws, 0), x1 = Math.min(we, w);
            double g = gy[yb + oy * ow + ox] / ((he - hs) * (we - ws));
            for (int iy = y0; iy < y1; iy++) {
              for (int ix = x0; ix < x1; ix++) gx[xb + iy * w + ix] += g;
            }
          }
        }
      }
    });
  }

  /**
   * Index of the first maximum of the window clipped to the image (padding is -infinity, so it
   * never wins), or -1 when the window holds no real cell. A NaN wins and stays, as in PyTorch.
   */
  private static int argmax(double[] x, int xb, int h, int w, int hs, int kh, int ws, int kw) {
    int y0 = Math.max(hs, 0), y1 = Math.min(hs + kh, h), x0 = Math.max(ws, 0), x1 = Math.min(ws + kw, w);
    int best = -1;
    double bv = Double.NEGATIVE_INFINITY;
    for (int iy = y0; iy < y1; iy++) {
      for (int ix = x0; ix < x1; ix++) {
        int i = xb + iy * w + ix;
        double v = x[i];
        if (best < 0 || v > bv || (v != v && bv == bv)) {
          best = i;
          bv = v;
        }
      }
    }
    return best;
  }
}
