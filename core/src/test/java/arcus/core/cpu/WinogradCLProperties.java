package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The channels-last forward pass ({@link WinogradCL}) computes {@link Winograd}'s arithmetic in
 * the same order: the same output bits as the tile-vectorised path, and, in a forward pass that
 * keeps V for the weight gradient, kept floats the tile path also keeps there, from which the weight
 * gradient is the one from x. Shapes with odd sides
 * (the last 8-pixel transpose overlaps the one before it, and images under 8 pixels wide are
 * copied cell by cell), every padding the Winograd path takes, flipped filters, a bias, several
 * image groups split over one to three threads.
 */
class WinogradCLProperties {
  private static final int L = Species.FLOAT.length();

  @Property(tries = 50)
  void channelsLastGivesTheTilePathsBits(@ForAll @IntRange(min = 1, max = 4) int cUnits, @ForAll @IntRange(min = 1, max = 2) int ocUnits,
                                         @ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 1, max = 19) int h,
                                         @ForAll @IntRange(min = 1, max = 19) int w, @ForAll @IntRange(min = 0, max = 2) int pad,
                                         @ForAll boolean flipped, @ForAll boolean withBias, @ForAll @IntRange(min = 1, max = 3) int threads,
                                         @ForAll long seed) {
    int c = cUnits * Math.max(8, L), oc = ocUnits * Math.max(8, 4 * L);
    if (h + 2 * pad < 3 || w + 2 * pad < 3) return; // no output
    ConvKernels.Geom g = ConvKernels.Geom.of(n, c, h, w, oc, 3, 3, 1, 1, pad, pad, 1, 1);
    assertTrue(WinogradCL.applies(Winograd.F4, g), g.toString());
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, n * c * h * w), wt = GemmProperties.randomF(r, oc * c * 9);
    float[] bias = withBias ? GemmProperties.randomF(r, oc) : null;
    int yLen = n * oc * g.oh() * g.ow();
    int keptLen = (int) Winograd.keptLength(Winograd.F4, g);
    boolean was = WinogradCL.ON, wasInPlace = WinogradCL.IN_PLACE;
    try {
      Parallel.executor(threads).run(() -> {
        float[] yTiles = new float[yLen], yCL = new float[yLen], yTilesKeeping = new float[yLen], yCLKeeping = new float[yLen];
        float[] yApart = new float[yLen];
        float[] keepTiles = new float[keptLen], keepCL = new float[keptLen];
        Arrays.fill(keepTiles, Float.NaN);
        Arrays.fill(keepCL, Float.NaN);
        WinogradCL.ON = false;
        Winograd.forward(Winograd.F4, x, g, wt, flipped, bias, yTiles, null);
        Winograd.forward(Winograd.F4, x, g, wt, flipped, bias, yTilesKeeping, keepTiles);
        WinogradCL.ON = true;
        Winograd.forward(Winograd.F4, x, g, wt, flipped, bias, yCL, null);
        Winograd.forward(Winograd.F4, x, g, wt, flipped, bias, yCLKeeping, keepCL);
        // M in a buffer of its own rather than over V (where both are possible: oc = c = 4L)
        WinogradCL.IN_PLACE = false;
        Winograd.forward(Winograd.F4, x, g, wt, flipped, bias, yApart, null);
        WinogradCL.IN_PLACE = wasInPlace;
        assertBits(yTiles, yApart, "forward, M apart from V " + g);
        assertBits(yTiles, yCL, "forward " + g);
        assertBits(yTiles, yCLKeeping, "forward keeping V " + g);
        assertBits(yTiles, yTilesKeeping, "forward keeping V, tile path " + g);
        // the tile path also writes the spare lanes past a chunk's tiles, which nothing reads;
        // every cell this path writes is the tile path's, and the weight gradient reads no other
        for (int i = 0; i < keptLen; i++) {
          if (!Float.isNaN(keepCL[i]) && Float.floatToRawIntBits(keepCL[i]) != Float.floatToRawIntBits(keepTiles[i])) {
            throw new AssertionError("kept V " + g + ": cell " + i + " is " + keepCL[i] + ", the tile path's " + keepTiles[i]);
          }
        }
        float[] gy = GemmProperties.randomF(new Random(seed + 1), yLen), gw = new float[wt.length], gwKept = new float[wt.length];
        Winograd.backwardWeight(Winograd.F4, x, g, gy, gw);
        Winograd.backwardWeight(Winograd.F4, null, g, gy, gwKept, keepCL);
        assertBits(gw, gwKept, "weight gradient from the kept V " + g);
      });
    } finally {
      WinogradCL.ON = was;
      WinogradCL.IN_PLACE = wasInPlace;
    }
  }

  /** The kept V read back by the weight gradient: the bits of the weight gradient from x. */
  @Property(tries = 15)
  void theWeightGradientFromAChannelsLastKeptTransform(@ForAll @IntRange(min = 1, max = 4) int n, @ForAll @IntRange(min = 6, max = 30) int side,
                                                       @ForAll @IntRange(min = 0, max = 1) int pad, @ForAll @IntRange(min = 1, max = 3) int threads,
                                                       @ForAll long seed) {
    int c = Gemm.NT_W, oc = Math.max(8, 4 * L);
    ConvKernels.Geom g = ConvKernels.Geom.of(n, c, side, side + 3, oc, 3, 3, 1, 1, pad, pad, 1, 1);
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, n * c * side * (side + 3)), wt = GemmProperties.randomF(r, oc * c * 9);
    float[] gy = GemmProperties.randomF(r, n * oc * g.oh() * g.ow());
    boolean was = WinogradCL.ON;
    try {
      WinogradCL.ON = true;
      Parallel.executor(threads).run(() -> {
        float[] y = new float[n * oc * g.oh() * g.ow()], gw = new float[wt.length], gwKept = new float[wt.length];
        float[] keep = new float[(int) Winograd.keptLength(Winograd.F4, g)];
        Arrays.fill(keep, Float.NaN);
        Winograd.forward(Winograd.F4, x, g, wt, false, null, y, keep);
        Winograd.backwardWeight(Winograd.F4, x, g, gy, gw);
        Winograd.backwardWeight(Winograd.F4, null, g, gy, gwKept, keep);
        assertBits(gw, gwKept, "weight gradient " + g);
      });
    } finally {
      WinogradCL.ON = was;
    }
  }

  /**
   * The channels-last weight gradient against the float64 direct one, within the bound
   * {@link WinogradProperties} derives for F(4×4)'s weight gradient (the same sums over tiles,
   * grouped differently); the same bits when run again, and through {@link ConvKernels}'
   * dispatch. Odd sides (tiles past the edges, where gy is zero), paddings 0–2, images under
   * 8 pixels wide, several groups split over one to three threads.
   */
  @Property(tries = 40)
  void channelsLastWeightGradientMatchesDirect(@ForAll @IntRange(min = 1, max = 2) int cUnits, @ForAll @IntRange(min = 1, max = 3) int ocUnits,
                                               @ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 1, max = 19) int h,
                                               @ForAll @IntRange(min = 1, max = 19) int w, @ForAll @IntRange(min = 0, max = 2) int pad,
                                               @ForAll @IntRange(min = 1, max = 3) int threads, @ForAll long seed) {
    int c = cUnits * Math.max(8, 4 * L), oc = ocUnits * Math.max(8, L);
    if (h + 2 * pad < 3 || w + 2 * pad < 3) return; // no output
    ConvKernelsProperties.Shape s = new ConvKernelsProperties.Shape(n, c, h, w, oc, 3, 3, 1, 1, pad, pad, 1, 1);
    ConvKernels.Geom g = ConvKernels.Geom.of(n, c, h, w, oc, 3, 3, 1, 1, pad, pad, 1, 1);
    assertTrue(WinogradCL.appliesWeight(g), g.toString());
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), gy = GemmProperties.randomF(r, s.yLen());
    boolean was = WinogradCL.WEIGHT;
    ConvKernels.Algorithm algorithm = ConvKernels.winograd;
    try {
      Parallel.executor(threads).run(() -> {
        float[] gw = new float[s.wLen()], again = new float[s.wLen()], dispatched = new float[s.wLen()];
        Arrays.fill(gw, Float.NaN);
        WinogradCL.backwardWeight(x, g, gy, gw);
        WinogradCL.backwardWeight(x, g, gy, again);
        assertBits(gw, again, "run again " + g);
        WinogradCL.WEIGHT = true;
        ConvKernels.winograd = ConvKernels.Algorithm.ON;
        assertTrue(ConvKernels.channelsLastWeight(g));
        assertEquals(0, ConvKernels.keptTransformLength(g), "nothing kept for a channels-last weight gradient");
        ConvKernels.conv2dBackwardWeight(x, n, c, h, w, gy, oc, 3, 3, 1, 1, pad, pad, 1, 1, dispatched);
        assertBits(gw, dispatched, "through ConvKernels " + g);
        double[] xd = GemmProperties.toD(x), gyd = GemmProperties.toD(gy);
        int th = (g.oh() + 3) / 4, tw = (g.ow() + 3) / 4;
        WinogradProperties.assertWithin(gw, ConvKernelsProperties.refBackwardWeight(s, xd, gyd),
            WinogradProperties.absWeight(Winograd.F4, g, xd, gyd), n * th * tw + 4 * 6, "channels-last weight gradient " + g);
      });
    } finally {
      WinogradCL.WEIGHT = was;
      ConvKernels.winograd = algorithm;
    }
  }

  /** The same bits for a thread count whichever thread runs which range, and partials added in range order: three runs on two threads. */
  @Property(tries = 5)
  void channelsLastWeightGradientIsReproducible(@ForAll @IntRange(min = 3, max = 12) int n, @ForAll long seed) {
    int c = Math.max(8, 4 * L), oc = Math.max(8, L);
    ConvKernels.Geom g = ConvKernels.Geom.of(n, c, 14, 14, oc, 3, 3, 1, 1, 1, 1, 1, 1);
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, n * c * 196), gy = GemmProperties.randomF(r, n * oc * 196);
    float[][] runs = new float[3][oc * c * 9];
    Parallel.executor(2).run(() -> {
      for (float[] gw : runs) WinogradCL.backwardWeight(x, g, gy, gw);
    });
    assertBits(runs[0], runs[1], "second run");
    assertBits(runs[0], runs[2], "third run");
  }

  @Test
  void shapesItDoesNotTakeAreNamed() {
    ConvKernels.Geom g = ConvKernels.Geom.of(1, 12, 8, 8, 64, 3, 3, 1, 1, 1, 1, 1, 1);
    assertFalse(WinogradCL.applies(Winograd.F4, g));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WinogradCL.forward(new float[12 * 64], g, new float[64 * 12 * 9], false, null, new float[64 * 64]));
    assertTrue(e.getMessage().contains("c=12"), e.getMessage());
    assertFalse(WinogradCL.applies(Winograd.F2, ConvKernels.Geom.of(1, 64, 8, 8, 64, 3, 3, 1, 1, 1, 1, 1, 1)));
    ConvKernels.Geom narrowOut = ConvKernels.Geom.of(1, 64, 8, 8, 12, 3, 3, 1, 1, 1, 1, 1, 1);
    assertFalse(WinogradCL.appliesWeight(narrowOut));
    IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
        () -> WinogradCL.backwardWeight(new float[64 * 64], narrowOut, new float[12 * 64], new float[12 * 64 * 9]));
    assertTrue(w.getMessage().contains("oc=12"), w.getMessage());
  }

  private static void assertBits(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
        throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
      }
    }
  }
}
