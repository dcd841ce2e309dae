package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Autodiff;
import arcus.core.Conv2dSpec;
import arcus.core.DType;
import arcus.core.Fused;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.core.cpu.ConvKernelsProperties.Shape;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A recorded forward convolution may keep its input's Winograd transform V for the weight
 * gradient ({@link CpuBackend#conv2dForTraining}); the weight gradient then reads V instead of
 * transforming x again (and instead of recomputing x, where x is a batch norm's output). Nothing
 * computed may change: every value and gradient is the same bit for bit with V kept or not.
 */
class KeptTransformProperties {
  /**
   * The kernels: a forward pass that keeps V gives the forward pass's bits, and the weight
   * gradient from V, with no x at all, the bits of the one from x; on one to three threads,
   * where the weight gradient's fixed chunks are several and split between threads; a bias
   * added inside the forward pass gives the bits of adding it after.
   */
  @Property(tries = 60)
  void theKeptTransformGivesTheSameBits(@ForAll("keptShapes") Shape s, @ForAll @IntRange(min = 1, max = 3) int threads, @ForAll long seed) {
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n(), s.c(), s.h(), s.w(), s.oc(), 3, 3, 1, 1, s.pH(), s.pW(), 1, 1);
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), wt = GemmProperties.randomF(r, s.wLen()), gy = GemmProperties.randomF(r, s.yLen());
    Parallel.executor(threads).run(() -> {
      int yLen = s.yLen();
      float[] y = new float[yLen], yKeeping = new float[yLen], gw = new float[wt.length], gwKept = new float[wt.length];
      float[] keep = new float[(int) Winograd.keptLength(Winograd.DEFAULT, g)];
      java.util.Arrays.fill(keep, Float.NaN); // cells the forward pass does not write stay NaN: the gradient must not read them
      Winograd.forward(Winograd.DEFAULT, x, g, wt, false, y);
      Winograd.forward(Winograd.DEFAULT, x, g, wt, false, null, yKeeping, keep);
      Winograd.backwardWeight(Winograd.DEFAULT, x, g, gy, gw);
      Winograd.backwardWeight(Winograd.DEFAULT, null, g, gy, gwKept, keep);
      assertBits(y, yKeeping, "forward " + s);
      assertBits(gw, gwKept, "weight gradient " + s);
      // a bias added inside the output transform, with and without keeping V: the bits of the
      // forward pass followed by a separate pass adding it
      float[] bias = GemmProperties.randomF(r, s.oc()), yBias = new float[yLen], yBiasKeeping = new float[yLen];
      NormKernels.addChannelBias(y, s.n(), s.oc(), s.yLen() / (s.n() * s.oc()), bias);
      Winograd.forward(Winograd.DEFAULT, x, g, wt, false, bias, yBias, null);
      Winograd.forward(Winograd.DEFAULT, x, g, wt, false, bias, yBiasKeeping, keep);
      assertBits(y, yBias, "forward with bias " + s);
      assertBits(y, yBiasKeeping, "forward with bias, keeping V " + s);
    });
  }

  /**
   * Channel counts of whole 4-vector panels, where the kept V of a chunk large enough for the
   * weight gradient's own GEMM path is stored packed for it ({@link Winograd#packsKept}), and
   * batches of several chunks, the last one often too small for it: the forward pass and the
   * weight gradient give the same bits as with nothing kept, and as with the kept V unpacked.
   */
  @Property(tries = 25)
  void aPackedKeptTransformGivesTheSameBits(@ForAll @IntRange(min = 1, max = 2) int panels, @ForAll @IntRange(min = 1, max = 20) int oc,
                                            @ForAll @IntRange(min = 1, max = 4) int n, @ForAll @IntRange(min = 6, max = 30) int side,
                                            @ForAll @IntRange(min = 0, max = 1) int pad, @ForAll @IntRange(min = 1, max = 3) int threads,
                                            @ForAll long seed) {
    Shape s = new Shape(n, panels * Gemm.NT_W, side, side + 3, oc, 3, 3, 1, 1, pad, pad, 1, 1);
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n(), s.c(), s.h(), s.w(), s.oc(), 3, 3, 1, 1, pad, pad, 1, 1);
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), wt = GemmProperties.randomF(r, s.wLen()), gy = GemmProperties.randomF(r, s.yLen());
    boolean was = Winograd.PACK_KEPT;
    Parallel.executor(threads).run(() -> {
      float[] y = new float[s.yLen()], gw = new float[wt.length];
      Winograd.forward(Winograd.DEFAULT, x, g, wt, false, y);
      Winograd.backwardWeight(Winograd.DEFAULT, x, g, gy, gw);
      try {
        for (boolean pack : new boolean[] {true, false}) {
          Winograd.PACK_KEPT = pack;
          float[] yKeeping = new float[y.length], gwKept = new float[gw.length];
          float[] keep = new float[(int) Winograd.keptLength(Winograd.DEFAULT, g)];
          java.util.Arrays.fill(keep, Float.NaN);
          Winograd.forward(Winograd.DEFAULT, x, g, wt, false, null, yKeeping, keep);
          Winograd.backwardWeight(Winograd.DEFAULT, null, g, gy, gwKept, keep);
          assertBits(y, yKeeping, "forward, packed " + pack + ", " + s);
          assertBits(gw, gwKept, "weight gradient, packed " + pack + ", " + s);
        }
      } finally {
        Winograd.PACK_KEPT = was;
      }
    });
  }

  /**
   * A batch whose chunks differ by one tile row, with the output channels chosen so that the
   * larger chunks' V is packed and the smaller ones' is not: the same bits as with nothing kept,
   * on one and two threads.
   */
  @org.junit.jupiter.api.Test
  void packedAndUnpackedChunksInOneBatch() {
    ConvKernels.Geom g = null;
    search:
    for (int rows = 17; rows < 60; rows++) {
      for (int oc = 1; oc <= 64; oc++) {
        ConvKernels.Geom t = ConvKernels.Geom.of(1, Gemm.NT_W, 4 * rows, 4 * 9, oc, 3, 3, 1, 1, 1, 1, 1, 1);
        int[] pc = Winograd.packedKeptChunks(t);
        if (pc[0] > 0 && pc[0] < pc[1]) {
          g = t;
          break search;
        }
      }
    }
    assertTrue(g != null, "some geometry has both packed and unpacked chunks");
    ConvKernels.Geom geom = g;
    Random r = new Random(7);
    float[] x = GemmProperties.randomF(r, geom.n() * geom.c() * geom.h() * geom.w()), wt = GemmProperties.randomF(r, geom.oc() * geom.c() * 9);
    float[] gy = GemmProperties.randomF(r, geom.n() * geom.oc() * geom.oh() * geom.ow());
    for (int threads = 1; threads <= 2; threads++) {
      Parallel.executor(threads).run(() -> {
        float[] y = new float[gy.length], gw = new float[wt.length], yKeeping = new float[gy.length], gwKept = new float[wt.length];
        float[] keep = new float[(int) Winograd.keptLength(Winograd.DEFAULT, geom)];
        java.util.Arrays.fill(keep, Float.NaN);
        Winograd.forward(Winograd.DEFAULT, x, geom, wt, false, y);
        Winograd.backwardWeight(Winograd.DEFAULT, x, geom, gy, gw);
        Winograd.forward(Winograd.DEFAULT, x, geom, wt, false, null, yKeeping, keep);
        Winograd.backwardWeight(Winograd.DEFAULT, null, geom, gy, gwKept, keep);
        assertBits(y, yKeeping, "forward " + geom);
        assertBits(gw, gwKept, "weight gradient " + geom);
      });
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Shape> keptShapes() {
    return net.jqwik.api.Combinators.combine(
            net.jqwik.api.Arbitraries.integers().between(1, 6), net.jqwik.api.Arbitraries.integers().between(1, 11),
            net.jqwik.api.Arbitraries.integers().between(1, 21), net.jqwik.api.Arbitraries.integers().between(1, 21),
            net.jqwik.api.Arbitraries.integers().between(1, 11), net.jqwik.api.Arbitraries.integers().between(0, 1),
            net.jqwik.api.Arbitraries.integers().between(0, 1))
        .as((n, c, h, w, oc, pH, pW) -> new Shape(n, c, h + 2 - 2 * pH, w + 2 - 2 * pW, oc, 3, 3, 1, 1, pH, pW, 1, 1));
  }

  private static void assertBits(float[] want, float[] got, String what) {
    for (int i = 0; i < want.length; i++)
      assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + ", cell " + i);
  }

  /**
   * Through the autodiff engine, two training steps of a convolution whose input is a fused
   * PReLU + batch norm output (recomputed for the weight gradient when nothing is kept), with the
   * recycler's poison on (the second step's forward pass keeps V in the array the first step's
   * reverse pass released): the loss and every gradient equal those with nothing kept, and the
   * kept path did run.
   */
  @Property(tries = 15)
  void trainingStepsKeepingTheTransformAreTheSame(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 5) int c,
                                                  @ForAll @IntRange(min = 1, max = 7) int oc, @ForAll @IntRange(min = 3, max = 12) int side,
                                                  @ForAll @IntRange(min = 1, max = 2) int threads, @ForAll long seed) {
    Rng rng = new Rng(seed);
    List<Tensor> p = List.of(rng.normal(DType.F32, 0, 0.3, oc, c, 3, 3), rng.normal(DType.F32, 0, 0.1, oc),
        rng.normal(DType.F32, 0.2, 0.1, oc), rng.normal(DType.F32, 1, 0.1, oc), rng.normal(DType.F32, 0, 0.1, oc),
        rng.normal(DType.F32, 0, 0.3, oc, oc, 3, 3), rng.normal(DType.F32, 0, 0.1, oc));
    Tensor x = rng.normal(DType.F32, 0, 1, n, c, side, side), q = rng.normal(DType.F32, 0, 1, n, oc, side, side);
    java.util.function.Function<List<Tensor>, Tensor> f = v -> {
      Tensor z = x.conv2d(v.get(0), v.get(1), Conv2dSpec.of(1, 1));
      Tensor h = Fused.preluBatchNorm(z, v.get(2), v.get(3), v.get(4), 1e-5).y();
      return h.conv2d(v.get(5), v.get(6), Conv2dSpec.of(1, 1)).mul(q).sum();
    };
    Parallel.executor(threads).run(() -> {
      for (int step = 0; step < 2; step++) {
        Autodiff.ValueAndGrad<List<Tensor>> plain = withKeeping(false, () -> Autodiff.valueAndGrad(f, p));
        long before = ConvKernels.KEPT_WEIGHT_GRADIENTS.sum();
        Autodiff.ValueAndGrad<List<Tensor>> kept = withKeeping(true, () -> Autodiff.valueAndGrad(f, p));
        assertEquals(2, ConvKernels.KEPT_WEIGHT_GRADIENTS.sum() - before, "both convolutions' weight gradients from their kept transforms");
        assertEquals(Float.floatToRawIntBits((float) plain.value().item()), Float.floatToRawIntBits((float) kept.value().item()), "loss, step " + step);
        for (int i = 0; i < p.size(); i++) {
          float[] got = kept.grad().get(i).toFloatArray();
          for (float v : got) assertFalse(Float.isNaN(v), "gradient " + i + " has NaN: a poisoned array was read");
          assertBits(plain.grad().get(i).toFloatArray(), got, "gradient " + i + ", step " + step);
        }
      }
    });
  }

  /**
   * A second-order gradient records its first-order reverse pass, so that pass must not take the
   * shortcut (the weight gradient's own rule reads x): with V kept it falls back to x and gives the
   * same bits.
   */
  @Property(tries = 10)
  void secondOrderGradientsFallBackToTheInput(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 4) int c,
                                              @ForAll @IntRange(min = 3, max = 9) int side, @ForAll long seed) {
    Rng rng = new Rng(seed);
    Tensor x = rng.normal(DType.F32, 0, 1, n, c, side, side), w0 = rng.normal(DType.F32, 0, 0.3, c, c, 3, 3);
    Tensor q = rng.normal(DType.F32, 0, 1, n, c, side, side);
    // d/dw Σ (∂/∂w Σ conv(x, w)²·q)²: the inner gradient (the weight gradient of cotangent 2·conv(x, w)·q)
    // is recorded for the outer one
    java.util.function.Function<Tensor, Tensor> outer = w -> Autodiff.grad(v -> x.conv2d(v, Conv2dSpec.of(1, 1)).square().mul(q).sum(), w).square().sum();
    Tensor plain = withKeeping(false, () -> Autodiff.grad(outer, w0));
    Tensor kept = withKeeping(true, () -> Autodiff.grad(outer, w0));
    float[] want = plain.toFloatArray();
    boolean nonzero = false;
    for (float v : want) nonzero |= v != 0;
    assertTrue(nonzero, "the second-order gradient is not identically zero");
    assertBits(want, kept.toFloatArray(), "second-order gradient");
  }

  /** The budget's property: whole MiB from 0 on, anything else refused with its name. */
  @net.jqwik.api.Example
  void theBudgetPropertyIsParsedStrictly() {
    assertEquals(32, ConvKernels.parseMiB("arcus.conv.keepTransformMiB", " 32 "));
    assertEquals(0, ConvKernels.parseMiB("arcus.conv.keepTransformMiB", "0"));
    for (String bad : new String[] {"abc", "-1", "1.5", "", "99999999999"}) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> ConvKernels.parseMiB("arcus.conv.keepTransformMiB", bad), bad);
      assertTrue(e.getMessage().contains("arcus.conv.keepTransformMiB"), e.getMessage());
    }
  }

  /** body with every applicable convolution on Winograd, V kept (budget 1 GiB) or not, the recycler poisoned; all restored after. */
  private static <T> T withKeeping(boolean keep, Supplier<T> body) {
    ConvKernels.Algorithm was = ConvKernels.winograd;
    long budget = ConvKernels.keepTransformBytes;
    ConvKernels.winograd = ConvKernels.Algorithm.ON;
    ConvKernels.keepTransformBytes = keep ? 1L << 30 : 0;
    try {
      return RecyclerProperties.withRecycler(true, true, body);
    } finally {
      ConvKernels.winograd = was;
      ConvKernels.keepTransformBytes = budget;
    }
  }
}
