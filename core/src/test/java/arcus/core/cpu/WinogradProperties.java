package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.cpu.ConvKernelsProperties.Shape;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Winograd convolution against the float64 direct convolution, for all three passes.
 *
 * <p>The tolerance. Winograd computes y = Aᵀ[Σ_c (G g Gᵀ) ⊙ (Bᵀ d B)]A in float32. Every
 * intermediate is a sum of products of the inputs with the transform coefficients, so each of
 * its roundings errs by at most u = 2⁻²⁴ times the same sum taken over absolute values: the
 * error of an output is bounded by a multiple of S = Aᵀ-abs[Σ_c |G||g||G|ᵀ ⊙ |Bᵀ||d||B|]|A|
 * (all matrices and data replaced by their absolute values), which plays the role that Σ|x·w|
 * plays for a direct sum. The multiple is the rounding depth: K = c (the GEMM's sum over
 * channels) plus the depth of the transforms (at most 2·(m+2) additions each way), and as
 * for the reductions (Float32MatchesFloat64Properties.sumClose) independent roundings grow
 * like √K, so the bound used is (2 + 4√K)·u·S. For the weight gradient the GEMM sums over
 * tiles instead of channels (K = n · tiles per image + the transforms' depth), and S is built
 * the same way from |gy| and |x|. S/Σ|x·w| is what the transform's coefficients cost: ≈ 1-2 for
 * F(2×2), ≈ 10-30 for F(4×4). Over 300 tries the largest error seen was 0.07 of this bound
 * (F(4×4) input gradient); measured on the network's shapes, F(4×4)'s rms relative error is
 * 1.3-2.1e-6 against im2col's 2e-7 (docs/performance.md).
 */
class WinogradProperties {
  private static final double U = 0x1p-24;

  @Provide
  Arbitrary<Shape> shapes() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 19),
            Arbitraries.integers().between(1, 19), Arbitraries.integers().between(1, 19),
            Arbitraries.integers().between(1, 21), Arbitraries.integers().between(0, 1),
            Arbitraries.integers().between(0, 1))
        .as((n, c, h, w, oc, pH, pW) -> new Shape(n, c, h + 2 - 2 * pH, w + 2 - 2 * pW, oc, 3, 3, 1, 1, pH, pW, 1, 1))
        .filter(s -> s.oh() > 0 && s.ow() > 0);
  }

  @Property(tries = 60)
  void forwardMatchesDirect(@ForAll("shapes") Shape s, @ForAll long seed) {
    check(Winograd.DEFAULT, s, seed, Pass.FORWARD);
  }

  @Property(tries = 60)
  void inputGradientMatchesDirect(@ForAll("shapes") Shape s, @ForAll long seed) {
    check(Winograd.DEFAULT, s, seed, Pass.INPUT);
  }

  @Property(tries = 60)
  void weightGradientMatchesDirect(@ForAll("shapes") Shape s, @ForAll long seed) {
    check(Winograd.DEFAULT, s, seed, Pass.WEIGHT);
  }

  /**
   * Rows of more than one vector of tiles (width 33-140: 2-5 vectors of 8 tiles at m = 4), so the
   * vectorised row copy into phase layout and the interleaving copy back run over several blocks.
   */
  @Provide
  Arbitrary<Shape> wideShapes() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(1, 6), Arbitraries.integers().between(33, 140),
            Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 1),
            Arbitraries.integers().between(0, 1))
        .as((n, c, h, w, oc, pH, pW) -> new Shape(n, c, h + 2 - 2 * pH, w + 2 - 2 * pW, oc, 3, 3, 1, 1, pH, pW, 1, 1));
  }

  @Property(tries = 20)
  void wideRowsMatchDirect(@ForAll("wideShapes") Shape s, @ForAll long seed) {
    for (Pass p : Pass.values()) check(Winograd.DEFAULT, s, seed, p);
  }

  @Property(tries = 30)
  void f2MatchesDirect(@ForAll("shapes") Shape s, @ForAll long seed) {
    for (Pass p : Pass.values()) check(Winograd.F2, s, seed, p);
  }

  /**
   * Shapes whose tile rows fit half a vector (at most L/2 − 1 tiles of 4), so the input-side
   * transforms take channels in pairs: 2-9 channels (odd counts leave one unpaired), any batch.
   */
  @Provide
  Arbitrary<Shape> pairedShapes() {
    int maxOut = 4 * (Species.FLOAT.length() / 2 - 1);
    return Combinators.combine(
            Arbitraries.integers().between(1, 3), Arbitraries.integers().between(2, 9),
            Arbitraries.integers().between(1, 13), Arbitraries.integers().between(Math.max(1, maxOut - 6), maxOut),
            Arbitraries.integers().between(2, 9), Arbitraries.integers().between(0, 1),
            Arbitraries.integers().between(0, 1))
        .as((n, c, oh, ow, oc, pH, pW) -> new Shape(n, c, oh + 2 - 2 * pH, ow + 2 - 2 * pW, oc, 3, 3, 1, 1, pH, pW, 1, 1));
  }

  /**
   * Channel pairs change which lanes compute, not what: all three passes give the same bits with
   * and without them. (The shapes are ones the pairs apply to; the properties above check the
   * values against the direct convolution with pairs on, as the library runs.)
   */
  @Property(tries = 40)
  void pairedTransformsAreTheUnpairedBitForBit(@ForAll("pairedShapes") Shape s, @ForAll long seed) {
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n(), s.c(), s.h(), s.w(), s.oc(), 3, 3, 1, 1, s.pH(), s.pW(), 1, 1);
    assertTrue(Winograd.pairsInForward(g), "pairs apply to " + s);
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), wt = GemmProperties.randomF(r, s.wLen()), gy = GemmProperties.randomF(r, s.yLen());
    float[][] on = allPasses(g, x, wt, gy, true), off = allPasses(g, x, wt, gy, false);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < on[i].length; j++) {
        assertEquals(Float.floatToRawIntBits(off[i][j]), Float.floatToRawIntBits(on[i][j]), "pass " + i + " cell " + j + " " + s);
      }
    }
  }

  /**
   * Reading the rows in place (Winograd.DIRECT_ROWS: masked loads from the tensor, a gathered
   * vector at its first and last cells) changes no bit of any pass against copying them into a
   * zeroed buffer: narrow, paired and wide rows, padding 0 and 1 (the input gradient's flipped
   * form pads 1 and 2).
   */
  @Property(tries = 60)
  void rowsReadInPlaceAreTheCopiedRowsBitForBit(@ForAll("anyShapes") Shape s, @ForAll long seed) {
    sameBitsEitherWay(s, seed, v -> Winograd.DIRECT_ROWS = v, Winograd.DIRECT_ROWS);
  }

  /**
   * Gathering the windows of narrow planes (Winograd.gathers: at most L/8 tiles a row) changes no
   * bit of any pass against the row and column passes: tiles of several rows and images in one
   * vector, the padding's cells, lanes past a chunk's last tile, padding 0-2.
   */
  @Property(tries = 60)
  void gatheredWindowsAreTheRowPassesBitForBit(@ForAll("gatheredShapes") Shape s, @ForAll long seed) {
    sameBitsEitherWay(s, seed, v -> Winograd.GATHER = v, Winograd.GATHER);
  }

  /**
   * Copying the output cells of narrow planes one by one through a table (Winograd.scatters: at
   * most L/4 tiles a row) changes no bit of any pass against interleaving tile rows: cells past the
   * plane's edge, chunks that start mid-image, padding 0-2.
   */
  @Property(tries = 60)
  void scatteredOutputsAreTheInterleavedRowsBitForBit(@ForAll("scatteredShapes") Shape s, @ForAll long seed) {
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n(), s.c(), s.h(), s.w(), s.oc(), 3, 3, 1, 1, s.pH(), s.pW(), 1, 1);
    assertTrue(Winograd.scattersInForward(g), "scatters " + s);
    sameBitsEitherWay(s, seed, v -> Winograd.SCATTER = v, Winograd.SCATTER);
  }

  /** Planes whose output transform copies cell by cell (at most L/4 tiles of 4 a row), batches of up to 40 images. */
  @Provide
  Arbitrary<Shape> scatteredShapes() {
    return narrowShapes(4 * Math.max(1, Species.FLOAT.length() / 4), 6);
  }

  /**
   * Batches of up to 40 images (so chunks start mid-image), 1 to maxC channels, outputs of at most
   * maxOut columns and 1 to 13 rows, padding 0 or 1.
   */
  private static Arbitrary<Shape> narrowShapes(int maxOut, int maxC) {
    return Combinators.combine(
            Arbitraries.integers().between(1, 40), Arbitraries.integers().between(1, maxC),
            Arbitraries.integers().between(1, 13), Arbitraries.integers().between(1, maxOut),
            Arbitraries.integers().between(1, 5), Arbitraries.integers().between(0, 1),
            Arbitraries.integers().between(0, 1))
        .as((n, c, oh, ow, oc, pH, pW) -> new Shape(n, c, oh + 2 - 2 * pH, ow + 2 - 2 * pW, oc, 3, 3, 1, 1, pH, pW, 1, 1));
  }

  /** All three passes on random data with a flag on, then off (then as it was): the same bits. */
  private static void sameBitsEitherWay(Shape s, long seed, java.util.function.Consumer<Boolean> flag, boolean was) {
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n(), s.c(), s.h(), s.w(), s.oc(), 3, 3, 1, 1, s.pH(), s.pW(), 1, 1);
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), wt = GemmProperties.randomF(r, s.wLen()), gy = GemmProperties.randomF(r, s.yLen());
    float[][] on, off;
    try {
      flag.accept(true);
      on = allPasses(g, x, wt, gy, Winograd.PAIRS);
      flag.accept(false);
      off = allPasses(g, x, wt, gy, Winograd.PAIRS);
    } finally {
      flag.accept(was);
    }
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < on[i].length; j++) {
        assertEquals(Float.floatToRawIntBits(off[i][j]), Float.floatToRawIntBits(on[i][j]), "pass " + i + " cell " + j + " " + s);
      }
    }
  }

  /** Planes whose tile rows gather (at most L/8 tiles of 4 a row), batches of up to 40 images: chunks that start mid-image. */
  @Provide
  Arbitrary<Shape> gatheredShapes() {
    return narrowShapes(4 * Math.max(1, Species.FLOAT.length() / 8), 9);
  }

  @Property(tries = 20)
  void gatheredShapesMatchDirect(@ForAll("gatheredShapes") Shape s, @ForAll long seed) {
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n(), s.c(), s.h(), s.w(), s.oc(), 3, 3, 1, 1, s.pH(), s.pW(), 1, 1);
    // with 4 lanes (-Darcus.vector.bits=128) no plan gathers (8 · tiles a row ≤ L never holds):
    // these shapes then take the row passes, which the other properties check
    assertEquals(Species.FLOAT.length() >= 8, Winograd.gathersInForward(g), "gathers " + s);
    for (Pass p : Pass.values()) check(Winograd.DEFAULT, s, seed, p);
  }

  @Provide
  Arbitrary<Shape> anyShapes() {
    return Arbitraries.oneOf(shapes(), pairedShapes(), wideShapes());
  }

  private static float[][] allPasses(ConvKernels.Geom g, float[] x, float[] wt, float[] gy, boolean pairs) {
    boolean was = Winograd.PAIRS;
    Winograd.PAIRS = pairs;
    try {
      float[] y = new float[g.n() * g.oc() * g.oh() * g.ow()], gx = new float[x.length], gw = new float[wt.length];
      Winograd.forward(Winograd.F4, x, g, wt, false, y);
      Winograd.forward(Winograd.F4, gy, ConvKernels.flipped(g), wt, true, gx);
      Winograd.backwardWeight(Winograd.F4, x, g, gy, gw);
      return new float[][] {y, gx, gw};
    } finally {
      Winograd.PAIRS = was;
    }
  }

  /** The measured rule's examples (Winograd.pays): the MNIST network's layers at batch 50. */
  @Test
  void theRuleTakesTheMeasuredSide() {
    ConvKernels.Geom c28 = ConvKernels.Geom.of(50, 64, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1);
    ConvKernels.Geom c14 = ConvKernels.Geom.of(50, 64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1);
    ConvKernels.Geom c7 = ConvKernels.Geom.of(50, 64, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1);
    ConvKernels.Geom narrow = ConvKernels.Geom.of(50, 32, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1);
    for (ConvKernels.Geom g : new ConvKernels.Geom[] {c28, c14, c7}) assertTrue(Winograd.pays(g, false));
    assertFalse(Winograd.pays(narrow, false));
    assertTrue(Winograd.pays(c28, true));
    assertFalse(Winograd.pays(c7, true));
    boolean was = WinogradCL.WEIGHT;
    try {
      // the channels-last weight gradient takes 64 × 14² with either vector width
      WinogradCL.WEIGHT = true;
      assertTrue(ConvKernels.channelsLastWeight(c14));
      assertTrue(Winograd.pays(c14, true));
      assertTrue(Winograd.pays(c28, true));
      assertFalse(Winograd.pays(c7, true));
      // the tile path's: Winograd with 8-lane vectors, im2col with 16 (64 columns pad to 96)
      WinogradCL.WEIGHT = false;
      assertEquals(Species.FLOAT.length() < 16, Winograd.pays(c14, true));
      assertTrue(Winograd.pays(c28, true));
    } finally {
      WinogradCL.WEIGHT = was;
    }
  }

  enum Pass { FORWARD, INPUT, WEIGHT }


  static void check(Winograd.Transform tf, Shape s, long seed, Pass pass) {
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), wt = GemmProperties.randomF(r, s.wLen()), gy = GemmProperties.randomF(r, s.yLen());
    double[] xd = GemmProperties.toD(x), wd = GemmProperties.toD(wt), gyd = GemmProperties.toD(gy);
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n(), s.c(), s.h(), s.w(), s.oc(), 3, 3, 1, 1, s.pH(), s.pW(), 1, 1);
    float[] got;
    double[] want, bound;
    double k;
    switch (pass) {
      case FORWARD -> {
        got = new float[s.yLen()];
        Winograd.forward(tf, x, g, wt, false, got);
        want = ConvKernelsProperties.refForward(s, xd, wd);
        bound = absForward(tf, g, xd, wd, false);
        k = s.c() + 4 * tf.a();
      }
      case INPUT -> {
        got = new float[s.xLen()];
        ConvKernels.Geom f = ConvKernels.flipped(g);
        Winograd.forward(tf, gy, f, wt, true, got);
        want = ConvKernelsProperties.refBackwardInput(s, gyd, wd);
        bound = absForward(tf, f, gyd, wd, true);
        k = s.oc() + 4 * tf.a();
      }
      default -> {
        got = new float[s.wLen()];
        Winograd.backwardWeight(tf, x, g, gy, got);
        want = ConvKernelsProperties.refBackwardWeight(s, xd, gyd);
        bound = absWeight(tf, g, xd, gyd);
        int th = (g.oh() + tf.m() - 1) / tf.m(), tw = (g.ow() + tf.m() - 1) / tf.m();
        k = s.n() * th * tw + 4 * tf.a();
      }
    }
    assertWithin(got, want, bound, k, pass + " m=" + tf.m() + " " + s);
  }

  /** |got − want| ≤ (2 + 4√K)·u·S elementwise (see the class comment). */
  static void assertWithin(float[] got, double[] want, double[] bound, double k, String what) {
    double factor = (2 + 4 * Math.sqrt(k)) * U;
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      double err = Math.abs(got[i] - want[i]);
      assertTrue(err <= factor * bound[i], what + " index " + i + ": " + got[i] + " vs " + want[i]
          + " (error " + err + ", S = " + bound[i] + ", error/(u·S) = " + err / (U * bound[i]) + ", K = " + k + ")");
    }
  }

  /**
   * Through the public tensor API and autodiff, with Winograd forced on: a float32 conv2d and its
   * input and weight gradients (the VJP of Σ conv(x, w) ⊙ probe) match the float64 direct
   * convolution within the same bound. This is the conv gradient path a training step takes.
   */
  @Property(tries = 30)
  void autodiffGradientsWithWinogradOn(@ForAll("shapes") Shape s, @ForAll long seed) {
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), wt = GemmProperties.randomF(r, s.wLen()), gy = GemmProperties.randomF(r, s.yLen());
    double[] xd = GemmProperties.toD(x), wd = GemmProperties.toD(wt), gyd = GemmProperties.toD(gy);
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n(), s.c(), s.h(), s.w(), s.oc(), 3, 3, 1, 1, s.pH(), s.pW(), 1, 1);
    arcus.core.Conv2dSpec spec = new arcus.core.Conv2dSpec(1, 1, s.pH(), s.pW(), 1, 1);
    arcus.core.Tensor xt = arcus.core.Tensor.of(x, s.n(), s.c(), s.h(), s.w()), wtt = arcus.core.Tensor.of(wt, s.oc(), s.c(), 3, 3);
    arcus.core.Tensor probe = arcus.core.Tensor.of(gy, s.n(), s.oc(), s.oh(), s.ow());
    ConvKernels.Algorithm before = ConvKernels.winograd;
    ConvKernels.winograd = ConvKernels.Algorithm.ON;
    float[] y, gx, gw;
    try {
      y = xt.conv2d(wtt, spec).toFloatArray();
      java.util.List<arcus.core.Tensor> grads = arcus.core.Autodiff.grad(v -> v.get(0).conv2d(v.get(1), spec).mul(probe).sum(), java.util.List.of(xt, wtt));
      gx = grads.get(0).toFloatArray();
      gw = grads.get(1).toFloatArray();
    } finally {
      ConvKernels.winograd = before;
    }
    Winograd.Transform tf = Winograd.DEFAULT;
    int tiles = s.n() * ((g.oh() + tf.m() - 1) / tf.m()) * ((g.ow() + tf.m() - 1) / tf.m());
    assertWithin(y, ConvKernelsProperties.refForward(s, xd, wd), absForward(tf, g, xd, wd, false), s.c() + 4 * tf.a(), "y " + s);
    assertWithin(gx, ConvKernelsProperties.refBackwardInput(s, gyd, wd), absForward(tf, ConvKernels.flipped(g), gyd, wd, true),
        s.oc() + 4 * tf.a(), "gx " + s);
    assertWithin(gw, ConvKernelsProperties.refBackwardWeight(s, xd, gyd), absWeight(tf, g, xd, gyd), tiles + 4 * tf.a(), "gw " + s);
  }

  /** S for a forward convolution (or, flipped, the input gradient's forward form). */
  static double[] absForward(Winograd.Transform tf, ConvKernels.Geom g, double[] x, double[] wt, boolean flipped) {
    int m = tf.m(), a = tf.a();
    int th = (g.oh() + m - 1) / m, tw = (g.ow() + m - 1) / m;
    double[][] bt = abs(tf.bt()), gm = abs(tf.g()), at = abs(tf.at());
    double[] y = new double[g.n() * g.oc() * g.oh() * g.ow()];
    double[] d = new double[a * a], v = new double[a * a], u = new double[a * a], mm = new double[a * a], gg = new double[9];
    for (int n = 0; n < g.n(); n++)
      for (int o = 0; o < g.oc(); o++)
        for (int ty = 0; ty < th; ty++)
          for (int tx = 0; tx < tw; tx++) {
            java.util.Arrays.fill(mm, 0);
            for (int c = 0; c < g.c(); c++) {
              for (int i = 0; i < a; i++)
                for (int j = 0; j < a; j++) {
                  int iy = ty * m + i - g.pH(), ix = tx * m + j - g.pW();
                  d[i * a + j] = iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w() ? Math.abs(x[((n * g.c() + c) * g.h() + iy) * g.w() + ix]) : 0;
                }
              for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                  gg[i * 3 + j] = Math.abs(flipped ? wt[((c * g.oc() + o) * 3 + 2 - i) * 3 + 2 - j] : wt[((o * g.c() + c) * 3 + i) * 3 + j]);
              sandwich(bt, d, a, a, v);
              sandwich(gm, gg, a, 3, u);
              for (int p = 0; p < a * a; p++) mm[p] += u[p] * v[p];
            }
            double[] out = new double[m * m];
            sandwich(at, mm, m, a, out);
            for (int k = 0; k < m; k++)
              for (int l = 0; l < m; l++) {
                int oy = ty * m + k, ox = tx * m + l;
                if (oy < g.oh() && ox < g.ow()) y[((n * g.oc() + o) * g.oh() + oy) * g.ow() + ox] = out[k * m + l];
              }
          }
    return y;
  }

  /** S for the weight gradient: Σ over tiles of |G|ᵀ (|A||gY||A|ᵀ ⊙ |Bᵀ||d||B|) |G|. */
  static double[] absWeight(Winograd.Transform tf, ConvKernels.Geom g, double[] x, double[] gy) {
    int m = tf.m(), a = tf.a();
    int th = (g.oh() + m - 1) / m, tw = (g.ow() + m - 1) / m;
    double[][] bt = abs(tf.bt()), gm = abs(tf.g()), at = abs(tf.at());
    double[][] a_ = transpose(at), gmT = transpose(gm);
    double[] gw = new double[g.oc() * g.c() * 9];
    double[] d = new double[a * a], v = new double[a * a], gY = new double[m * m], gM = new double[a * a], su = new double[a * a], w9 = new double[9];
    for (int o = 0; o < g.oc(); o++)
      for (int c = 0; c < g.c(); c++) {
        java.util.Arrays.fill(su, 0);
        for (int n = 0; n < g.n(); n++)
          for (int ty = 0; ty < th; ty++)
            for (int tx = 0; tx < tw; tx++) {
              for (int i = 0; i < a; i++)
                for (int j = 0; j < a; j++) {
                  int iy = ty * m + i - g.pH(), ix = tx * m + j - g.pW();
                  d[i * a + j] = iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w() ? Math.abs(x[((n * g.c() + c) * g.h() + iy) * g.w() + ix]) : 0;
                }
              for (int k = 0; k < m; k++)
                for (int l = 0; l < m; l++) {
                  int oy = ty * m + k, ox = tx * m + l;
                  gY[k * m + l] = oy < g.oh() && ox < g.ow() ? Math.abs(gy[((n * g.oc() + o) * g.oh() + oy) * g.ow() + ox]) : 0;
                }
              sandwich(bt, d, a, a, v);
              sandwich(a_, gY, a, m, gM);
              for (int p = 0; p < a * a; p++) su[p] += gM[p] * v[p];
            }
        sandwich(gmT, su, 3, a, w9);
        System.arraycopy(w9, 0, gw, (o * g.c() + c) * 9, 9);
      }
    return gw;
  }

  /** out[rows×rows] = M · in[cols×cols] · Mᵀ for M [rows × cols]. */
  static void sandwich(double[][] mat, double[] in, int rows, int cols, double[] out) {
    double[] t = new double[rows * cols];
    for (int i = 0; i < rows; i++)
      for (int j = 0; j < cols; j++) {
        double acc = 0;
        for (int k = 0; k < cols; k++) acc += mat[i][k] * in[k * cols + j];
        t[i * cols + j] = acc;
      }
    for (int i = 0; i < rows; i++)
      for (int j = 0; j < rows; j++) {
        double acc = 0;
        for (int k = 0; k < cols; k++) acc += t[i * cols + k] * mat[j][k];
        out[i * rows + j] = acc;
      }
  }

  static double[][] abs(double[][] m) {
    double[][] r = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      r[i] = m[i].clone();
      for (int j = 0; j < r[i].length; j++) r[i][j] = Math.abs(r[i][j]);
    }
    return r;
  }

  static double[][] transpose(double[][] m) {
    double[][] r = new double[m[0].length][m.length];
    for (int i = 0; i < m.length; i++)
      for (int j = 0; j < m[0].length; j++) r[j][i] = m[i][j];
    return r;
  }

  /** With Winograd forced on, the float kernel properties of ConvKernelsProperties hold on 3×3 stride-1 shapes. */
  @Property(tries = 40)
  void convKernelPropertiesHoldWithWinogradOn(@ForAll("shapes") Shape s, @ForAll long seed) {
    ConvKernels.Algorithm before = ConvKernels.winograd;
    ConvKernels.winograd = ConvKernels.Algorithm.ON;
    try {
      ConvKernels.Geom g = ConvKernels.Geom.of(s.n(), s.c(), s.h(), s.w(), s.oc(), 3, 3, 1, 1, s.pH(), s.pW(), 1, 1);
      assertTrue(ConvKernels.useWinograd(g, false) && ConvKernels.useWinograd(g, true));
      ConvKernelsProperties props = new ConvKernelsProperties();
      props.floatPassesMatchReference(s, seed);
      props.floatBackwardPassesAreAdjoints(s, seed);
    } finally {
      ConvKernels.winograd = before;
    }
  }

  /** The Winograd passes are exact up to rounding: in double arithmetic the transforms reproduce the direct sums. */
  @Test
  void transformsAreExactInDouble() {
    for (Winograd.Transform tf : new Winograd.Transform[] {Winograd.F2, Winograd.F4}) {
      int m = tf.m(), a = tf.a();
      // every (input tap, filter tap) pair: Aᵀ[(G e_g Gᵀ) ⊙ (Bᵀ e_d B)]A must be the correlation of e_d with e_g
      for (int gi = 0; gi < 9; gi++)
        for (int di = 0; di < a * a; di++) {
          double[] gg = new double[9], d = new double[a * a], u = new double[a * a], v = new double[a * a], y = new double[m * m];
          gg[gi] = 1;
          d[di] = 1;
          sandwich(tf.g(), gg, a, 3, u);
          sandwich(tf.bt(), d, a, a, v);
          for (int q = 0; q < a * a; q++) u[q] *= v[q];
          sandwich(tf.at(), u, m, a, y);
          for (int k = 0; k < m; k++)
            for (int l = 0; l < m; l++) {
              int i = di / a - k, j = di % a - l;
              double want = i >= 0 && i < 3 && j >= 0 && j < 3 && i * 3 + j == gi ? 1 : 0;
              assertEquals(want, y[k * m + l], 1e-12, "m=" + m + " filter tap " + gi + " input " + di + " output " + k + "," + l);
            }
        }
    }
  }

  /**
   * Same inputs, same thread count → the same bits, on a shape that splits into several chunks
   * per thread (the weight gradient's chunks are 64 tiles) so per-thread scratch and partials
   * are reused across chunks and summed across threads.
   */
  @Test
  void repeatedCallsGiveTheSameBits() {
    Random r = new Random(7);
    ConvKernels.Geom g = ConvKernels.Geom.of(3, 9, 37, 29, 11, 3, 3, 1, 1, 1, 0, 1, 1);
    float[] x = GemmProperties.randomF(r, 3 * 9 * 37 * 29), wt = GemmProperties.randomF(r, 11 * 9 * 9);
    float[] gy = GemmProperties.randomF(r, 3 * 11 * g.oh() * g.ow());
    float[][] first = null;
    for (int rep = 0; rep < 3; rep++) {
      float[] y = new float[gy.length], gx = new float[x.length], gw = new float[wt.length];
      Winograd.forward(Winograd.DEFAULT, x, g, wt, false, y);
      Winograd.forward(Winograd.DEFAULT, gy, ConvKernels.flipped(g), wt, true, gx);
      Winograd.backwardWeight(Winograd.DEFAULT, x, g, gy, gw);
      if (first == null) {
        first = new float[][] {y, gx, gw};
      } else {
        org.junit.jupiter.api.Assertions.assertArrayEquals(first[0], y);
        org.junit.jupiter.api.Assertions.assertArrayEquals(first[1], gx);
        org.junit.jupiter.api.Assertions.assertArrayEquals(first[2], gw);
      }
    }
  }

  @Test
  void algorithmSwitch() {
    assertEquals(ConvKernels.Algorithm.ON, ConvKernels.parseAlgorithm(" On "));
    assertEquals(ConvKernels.Algorithm.OFF, ConvKernels.parseAlgorithm("off"));
    assertEquals(ConvKernels.Algorithm.AUTO, ConvKernels.parseAlgorithm("auto"));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ConvKernels.parseAlgorithm("yes"));
    assertEquals("-Darcus.conv.winograd must be auto, on or off, got 'yes'", e.getMessage());
    ConvKernels.Algorithm before = ConvKernels.winograd;
    try {
      ConvKernels.Geom wide = ConvKernels.Geom.of(64, 64, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1);
      ConvKernels.Geom narrow = ConvKernels.Geom.of(64, 16, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1);
      ConvKernels.Geom small = ConvKernels.Geom.of(64, 64, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1);
      ConvKernels.Geom strided = ConvKernels.Geom.of(64, 64, 28, 28, 64, 3, 3, 2, 2, 1, 1, 1, 1);
      ConvKernels.winograd = ConvKernels.Algorithm.AUTO;
      assertTrue(ConvKernels.useWinograd(wide, false) && ConvKernels.useWinograd(wide, true));
      assertTrue(!ConvKernels.useWinograd(narrow, false) && !ConvKernels.useWinograd(narrow, true));
      assertTrue(ConvKernels.useWinograd(small, false) && !ConvKernels.useWinograd(small, true));
      assertTrue(!ConvKernels.useWinograd(strided, false));
      ConvKernels.winograd = ConvKernels.Algorithm.ON;
      assertTrue(ConvKernels.useWinograd(narrow, true) && !ConvKernels.useWinograd(strided, false));
      ConvKernels.winograd = ConvKernels.Algorithm.OFF;
      assertTrue(!ConvKernels.useWinograd(wide, false) && !ConvKernels.useWinograd(wide, true));
    } finally {
      ConvKernels.winograd = before;
    }
  }

  /**
   * The filter transform written straight into Gemm's packed panels is the transform packed
   * afterwards by {@link Gemm#packAInto}, bit for bit (padding rows of a ragged last panel
   * included), for F(2×2) and F(4×4), forward and flipped filters, channel counts on and off
   * the panel height.
   */
  @Property(tries = 60)
  void packedFilterTransformIsTheTransformPacked(@ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 70) int oc,
                                                 @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 70) int c,
                                                 @ForAll boolean flipped, @ForAll boolean f4, @ForAll long seed) {
    Winograd.Transform tf = f4 ? Winograd.F4 : Winograd.F2;
    int positions = tf.a() * tf.a(), plane = Gemm.PackedA.length(oc, c);
    float[] wt = GemmProperties.randomF(new Random(seed), oc * c * 9);
    float[] u = Winograd.filters(tf, wt, oc, c, flipped).clone();
    float[] want = new float[positions * plane];
    for (int pos = 0; pos < positions; pos++) Gemm.packAInto(false, u, pos * oc * c, c, oc, c, want, pos * plane);
    Gemm.PackedA[] got = Winograd.packedFilters(tf, wt, oc, c, flipped);
    assertEquals(positions, got.length);
    for (int pos = 0; pos < positions; pos++) {
      assertEquals(pos * plane, got[pos].base());
      assertEquals(oc, got[pos].m());
      assertEquals(c, got[pos].k());
      for (int i = 0; i < plane; i++) {
        assertEquals(Float.floatToRawIntBits(want[pos * plane + i]), Float.floatToRawIntBits(got[pos].data()[pos * plane + i]),
            "position " + pos + ", packed float " + i + " of " + plane);
      }
    }
  }

}
