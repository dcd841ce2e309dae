package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Pooling against a cell-by-cell scalar reference, in both rounding modes, plus adjointness. */
class PoolKernelsProperties {
  record Geo(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil) {
    int oh() { return PoolKernels.outSize(h, kh, sh, ph, ceil); }
    int ow() { return PoolKernels.outSize(w, kw, sw, pw, ceil); }
    int xLen() { return n * c * h * w; }
    int yLen() { return n * c * oh() * ow(); }
  }

  @Provide
  Arbitrary<Geo> geos() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(1, 11), Arbitraries.integers().between(1, 11),
            Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(1, 3), Arbitraries.of(true, false))
        .flatAs((n, c, h, w, kh, kw, s, ceil) -> Combinators.combine(
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, kh / 2),
                Arbitraries.integers().between(0, kw / 2))
            .as((sw, ph, pw) -> new Geo(n, c, h, w, kh, kw, s, sw, ph, pw, ceil)))
        .filter(g -> g.h + 2 * g.ph >= g.kh && g.w + 2 * g.pw >= g.kw);
  }

  @Property(tries = 200)
  void outSizeFollowsCaffeRounding(@ForAll("geos") Geo g) {
    for (int[] a : new int[][] {{g.h, g.kh, g.sh, g.ph}, {g.w, g.kw, g.sw, g.pw}}) {
      int in = a[0], k = a[1], s = a[2], p = a[3];
      double q = (double) (in + 2 * p - k) / s;
      int want = (int) (g.ceil ? Math.ceil(q) : Math.floor(q)) + 1;
      if (g.ceil && (want - 1) * s >= in + p) want--;
      assertEquals(want, PoolKernels.outSize(in, k, s, p, g.ceil));
    }
  }

  @Property(tries = 100)
  void floatPoolingMatchesReference(@ForAll("geos") Geo g, @ForAll long seed) {
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, g.xLen()), gy = GemmProperties.randomF(r, g.yLen());
    double[] xd = GemmProperties.toD(x), gyd = GemmProperties.toD(gy);
    float[] y = new float[g.yLen()], gx = GemmProperties.randomF(r, g.xLen());
    // the outputs start as NaN: every kernel must write every cell of its output (the backward
    // kernels' outputs come from the recycler, whose contents are arbitrary)
    java.util.Arrays.fill(y, Float.NaN);
    PoolKernels.maxPool2dForward(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, y);
    assertClose(ref(g, xd, gyd, true, false), y);
    PoolKernels.maxPool2dBackward(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, gy, gx);
    assertClose(ref(g, xd, gyd, true, true), gx);
    java.util.Arrays.fill(y, Float.NaN);
    PoolKernels.avgPool2dForward(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, y);
    assertClose(ref(g, xd, gyd, false, false), y);
    PoolKernels.avgPool2dBackward(gy, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, gx);
    assertClose(ref(g, xd, gyd, false, true), gx);
  }

  @Property(tries = 100)
  void doublePoolingMatchesReferenceAndIsAdjoint(@ForAll("geos") Geo g, @ForAll long seed) {
    Random r = new Random(seed);
    double[] x = GemmProperties.randomD(r, g.xLen()), gy = GemmProperties.randomD(r, g.yLen());
    double[] y = new double[g.yLen()], gx = GemmProperties.randomD(r, g.xLen());

    PoolKernels.maxPool2dForward(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, y);
    assertArrayEquals(ref(g, x, gy, true, false), y, 1e-12);
    // Gathering x itself through the argmax must reproduce the forward pass.
    double[] gathered = new double[g.yLen()];
    PoolKernels.maxPool2dGather(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, x, gathered);
    assertArrayEquals(y, gathered, 0);

    PoolKernels.maxPool2dBackward(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, gy, gx);
    assertArrayEquals(ref(g, x, gy, true, true), gx, 1e-12);
    double[] v = GemmProperties.randomD(r, g.xLen()), gv = new double[g.yLen()];
    PoolKernels.maxPool2dGather(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, v, gv);
    assertEquals(ConvKernelsProperties.dot(gx, v), ConvKernelsProperties.dot(gy, gv), 1e-12 * g.xLen());

    PoolKernels.avgPool2dForward(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, y);
    assertArrayEquals(ref(g, x, gy, false, false), y, 1e-12);
    PoolKernels.avgPool2dBackward(gy, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, gx);
    assertArrayEquals(ref(g, x, gy, false, true), gx, 1e-12);
    assertEquals(ConvKernelsProperties.dot(gy, y), ConvKernelsProperties.dot(gx, x), 1e-12 * g.xLen());
  }

  /** Forward (y) or backward (gx) of max or average pooling, one window cell at a time. */
  /** 2x2/2 windows (the unrolled path) on values with many ties: the gradient goes to the first max. */
  @Property(tries = 60)
  void floatMaxPool2x2WithTiesMatchesReference(@ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                                               @ForAll boolean ceil, @ForAll long seed) {
    Assume.that(h >= 2 && w >= 2);
    Geo g = new Geo(2, 3, h, w, 2, 2, 2, 2, 0, 0, ceil);
    Random r = new Random(seed);
    float[] x = new float[g.xLen()], gy = GemmProperties.randomF(r, g.yLen());
    for (int i = 0; i < x.length; i++) x[i] = r.nextInt(3) - 1;
    float[] y = new float[g.yLen()], gx = new float[g.xLen()];
    java.util.Arrays.fill(y, Float.NaN);
    java.util.Arrays.fill(gx, Float.NaN);
    PoolKernels.maxPool2dForward(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, y);
    assertClose(ref(g, GemmProperties.toD(x), GemmProperties.toD(gy), true, false), y);
    PoolKernels.maxPool2dBackward(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, gy, gx);
    assertClose(ref(g, GemmProperties.toD(x), GemmProperties.toD(gy), true, true), gx);
  }

  /**
   * The vectorised 2×2/2 forward on rows of several vectors, odd sizes and ceil mode's partial
   * windows, with ties, ±0 and NaN: each output is the window's maximum (NaN when the window holds
   * one), as {@code Math.max} gives it; ±0 compare equal (the argmax path may keep −0).
   */
  @Property(tries = 80)
  void floatMaxPool2x2ForwardIsTheWindowMaximum(@ForAll @IntRange(min = 2, max = 40) int h, @ForAll @IntRange(min = 2, max = 45) int w,
                                                 @ForAll boolean ceil, @ForAll long seed) {
    Geo g = new Geo(1, 2, h, w, 2, 2, 2, 2, 0, 0, ceil);
    Random r = new Random(seed);
    float[] pool = {-1f, 0f, -0f, 1f, Float.NaN, 2.5f};
    float[] x = new float[g.xLen()];
    for (int i = 0; i < x.length; i++) x[i] = r.nextInt(4) == 0 ? pool[r.nextInt(pool.length)] : (float) r.nextGaussian();
    float[] y = new float[g.yLen()];
    PoolKernels.maxPool2dForward(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, y);
    int oh = g.oh(), ow = g.ow();
    for (int pl = 0; pl < g.n * g.c; pl++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          float want = Float.NEGATIVE_INFINITY;
          for (int iy = 2 * oy; iy < Math.min(h, 2 * oy + 2); iy++)
            for (int ix = 2 * ox; ix < Math.min(w, 2 * ox + 2); ix++) want = Math.max(want, x[(pl * h + iy) * w + ix]);
          assertEquals(want, y[(pl * oh + oy) * ow + ox], 0f, "plane " + pl + " at " + oy + "," + ox);
        }
      }
    }
  }

  /**
   * The vectorised 2×2/2 backward on rows of several vectors, odd sizes and ceil mode's partial
   * windows, with ties, ±0, ±∞ and NaN in x and ±0 and NaN in gy: bit for bit what the argmax
   * path gives (the first maximum in window order, NaN over a number, gx = 0 + gy at the winner).
   * Half the tries have no NaN in x, so the vector groups without one (the comparison alone) and
   * those with one (the full rule) are both taken, and infinities of both signs in one group.
   */
  @Property(tries = 120)
  void floatMaxPool2x2BackwardMatchesTheArgmaxPathBitForBit(@ForAll @IntRange(min = 2, max = 12) int h,
                                                             @ForAll @IntRange(min = 2, max = 70) int w,
                                                             @ForAll boolean ceil, @ForAll boolean withNaN, @ForAll long seed) {
    Geo g = new Geo(2, 2, h, w, 2, 2, 2, 2, 0, 0, ceil);
    Random r = new Random(seed);
    float[] pool = {-1f, 0f, -0f, 1f, 2.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
    float[] x = new float[g.xLen()], gy = new float[g.yLen()];
    int choices = withNaN ? pool.length : pool.length - 1;
    for (int i = 0; i < x.length; i++) x[i] = r.nextInt(3) == 0 ? pool[r.nextInt(choices)] : r.nextInt(3) - 1;
    for (int i = 0; i < gy.length; i++) gy[i] = r.nextInt(6) == 0 ? pool[r.nextInt(3) + 1] : (float) r.nextGaussian();
    if (r.nextInt(4) == 0) gy[r.nextInt(gy.length)] = Float.NaN;
    // gx arrives dirty (a recycled buffer): every cell must be written
    float[] gx = new float[g.xLen()];
    java.util.Arrays.fill(gx, Float.NaN);
    PoolKernels.maxPool2dBackward(x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil, gy, gx);
    int oh = g.oh(), ow = g.ow();
    float[] want = new float[g.xLen()];
    for (int pl = 0; pl < g.n * g.c; pl++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int best = -1;
          float bv = 0f;
          for (int iy = 2 * oy; iy < Math.min(h, 2 * oy + 2); iy++) {
            for (int ix = 2 * ox; ix < Math.min(w, 2 * ox + 2); ix++) {
              int i = (pl * h + iy) * w + ix;
              float v = x[i];
              if (best < 0 || v > bv || (Float.isNaN(v) && !Float.isNaN(bv))) {
                best = i;
                bv = v;
              }
            }
          }
          want[best] += gy[(pl * oh + oy) * ow + ox];
        }
      }
    }
    assertArrayEquals(want, gx, "h=" + h + " w=" + w + " ceil=" + ceil + " withNaN=" + withNaN);
  }

  @Example
  void floatMaxPool2x2NaNWinsAndStays() {
    float[] x = {1f, Float.NaN, 3f, Float.NaN}, y = new float[1], gx = new float[4];
    PoolKernels.maxPool2dForward(x, 1, 1, 2, 2, 2, 2, 2, 2, 0, 0, false, y);
    assertTrue(Float.isNaN(y[0]));
    PoolKernels.maxPool2dBackward(x, 1, 1, 2, 2, 2, 2, 2, 2, 0, 0, false, new float[] {5f}, gx);
    assertArrayEquals(new float[] {0f, 5f, 0f, 0f}, gx);
  }

  static double[] ref(Geo g, double[] x, double[] gy, boolean max, boolean backward) {
    int oh = g.oh(), ow = g.ow();
    double[] out = new double[backward ? g.xLen() : g.yLen()];
    for (int pl = 0; pl < g.n * g.c; pl++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int o = (pl * oh + oy) * ow + ox;
          int best = -1, count = 0;
          double sum = 0;
          for (int iy = oy * g.sh - g.ph; iy < oy * g.sh - g.ph + g.kh; iy++) {
            for (int ix = ox * g.sw - g.pw; ix < ox * g.sw - g.pw + g.kw; ix++) {
              boolean inPadded = iy < g.h + g.ph && ix < g.w + g.pw;
              if (inPadded) count++;
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              int i = (pl * g.h + iy) * g.w + ix;
              sum += x[i];
              if (best < 0 || x[i] > x[best]) best = i;
            }
          }
          if (max) {
            if (backward) out[best] += gy[o];
            else out[o] = x[best];
          } else if (backward) {
            for (int iy = Math.max(0, oy * g.sh - g.ph); iy < Math.min(g.h, oy * g.sh - g.ph + g.kh); iy++) {
              for (int ix = Math.max(0, ox * g.sw - g.pw); ix < Math.min(g.w, ox * g.sw - g.pw + g.kw); ix++) {
                out[(pl * g.h + iy) * g.w + ix] += gy[o] / count;
              }
            }
          } else {
            out[o] = sum / count;
          }
        }
      }
    }
    return out;
  }

  static void assertClose(double[] want, float[] got) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5, "index " + i);
  }
}
