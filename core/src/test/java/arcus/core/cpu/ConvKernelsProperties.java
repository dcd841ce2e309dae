package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The three convolution passes against a direct 7-loop reference, plus adjointness. */
class ConvKernelsProperties {
  record Shape(int n, int c, int h, int w, int oc, int kh, int kw, int sH, int sW, int pH, int pW, int dH, int dW) {
    int oh() { return ConvKernels.outDim(h, kh, sH, pH, dH); }
    int ow() { return ConvKernels.outDim(w, kw, sW, pW, dW); }
    int xLen() { return n * c * h * w; }
    int wLen() { return oc * c * kh * kw; }
    int yLen() { return n * oc * oh() * ow(); }
  }

  @Provide
  Arbitrary<Shape> shapes() {
    Arbitrary<Integer> kernel = Arbitraries.of(1, 1, 3, 3, 2, 5);
    return Combinators.combine(
            Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 9),
            Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(1, 9), kernel, Arbitraries.integers().between(1, 2),
            Arbitraries.integers().between(0, 2))
        .flatAs((n, c, h, w, oc, k, s, p) -> Combinators.combine(
                Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 2),
                Arbitraries.integers().between(1, 2), Arbitraries.of(true, false))
            .as((dil, s2, p2, square) -> new Shape(n, c, h, w, oc, k, square ? k : Math.max(1, k - 2), s,
                square ? s : s2, p, Math.min(p2, 2), dil, square ? dil : 1)))
        .filter(s -> s.oh() > 0 && s.ow() > 0);
  }

  /**
   * The expanded image written as masked vectors (ConvKernels.VECTOR_FILL) is the element-wise
   * copy bit for bit, and neither touches a cell outside its image's slot: stride-1 shapes with
   * padding 0-2, dilation, widths past one vector, groups of up to 3 images, any slot and image.
   */
  @Property(tries = 80)
  void expandedImageAsVectorsIsTheCopyBitForBit(@ForAll("expandedShapes") Shape s, @ForAll long seed) {
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n, s.c, s.h, s.w, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW);
    Random r = new Random(seed);
    int group = 1 + r.nextInt(3), slot = r.nextInt(group), img = r.nextInt(s.n), xsOff = r.nextInt(5);
    ConvKernels.Expanded ex = ConvKernels.Expanded.of(g, group);
    float[] x = GemmProperties.randomF(r, s.xLen()), garbage = GemmProperties.randomF(r, xsOff + ex.len() + 3);
    float[] on = garbage.clone(), off = garbage.clone();
    boolean was = ConvKernels.VECTOR_FILL;
    try {
      ConvKernels.VECTOR_FILL = true;
      ex.fill(x, img * s.c * s.h * s.w, on, xsOff, slot);
      ConvKernels.VECTOR_FILL = false;
      ex.fill(x, img * s.c * s.h * s.w, off, xsOff, slot);
    } finally {
      ConvKernels.VECTOR_FILL = was;
    }
    for (int i = 0; i < on.length; i++) {
      assertEquals(Float.floatToRawIntBits(off[i]), Float.floatToRawIntBits(on[i]), "cell " + i + " group " + group + " slot " + slot + " " + s);
    }
  }

  @Provide
  Arbitrary<Shape> expandedShapes() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 5),
            Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 40),
            Arbitraries.of(2, 3, 5), Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(1, 2))
        .as((n, c, h, w, k, pH, pW, dil) -> new Shape(n, c, h, w, 1, k, k, 1, 1, pH, pW, dil, dil))
        .filter(s -> s.oh() > 0 && s.ow() > 0);
  }

  @Property(tries = 80)
  void floatPassesMatchReference(@ForAll("shapes") Shape s, @ForAll long seed) {
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), wt = GemmProperties.randomF(r, s.wLen()), gy = GemmProperties.randomF(r, s.yLen());
    double[] xd = GemmProperties.toD(x), wd = GemmProperties.toD(wt), gyd = GemmProperties.toD(gy);

    float[] y = new float[s.yLen()];
    ConvKernels.conv2dForward(x, s.n, s.c, s.h, s.w, wt, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, y);
    assertClose(refForward(s, xd, wd), y, s.c * s.kh * s.kw);

    float[] gx = GemmProperties.randomF(r, s.xLen());
    ConvKernels.conv2dBackwardInput(gy, s.n, s.c, s.h, s.w, wt, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, gx);
    assertClose(refBackwardInput(s, gyd, wd), gx, s.oc * s.kh * s.kw);

    float[] gw = GemmProperties.randomF(r, s.wLen());
    ConvKernels.conv2dBackwardWeight(x, s.n, s.c, s.h, s.w, gy, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, gw);
    assertClose(refBackwardWeight(s, xd, gyd), gw, s.n * s.oh() * s.ow());
  }

  @Property(tries = 60)
  void doublePassesMatchReferenceAndAreAdjoint(@ForAll("shapes") Shape s, @ForAll long seed) {
    Random r = new Random(seed);
    double[] x = GemmProperties.randomD(r, s.xLen()), wt = GemmProperties.randomD(r, s.wLen()), gy = GemmProperties.randomD(r, s.yLen());
    double[] y = new double[s.yLen()], gx = GemmProperties.randomD(r, s.xLen()), gw = GemmProperties.randomD(r, s.wLen());
    ConvKernels.conv2dForward(x, s.n, s.c, s.h, s.w, wt, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, y);
    ConvKernels.conv2dBackwardInput(gy, s.n, s.c, s.h, s.w, wt, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, gx);
    ConvKernels.conv2dBackwardWeight(x, s.n, s.c, s.h, s.w, gy, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, gw);
    assertClose(refForward(s, x, wt), y, 1e-12);
    assertClose(refBackwardInput(s, gy, wt), gx, 1e-12);
    assertClose(refBackwardWeight(s, x, gy), gw, 1e-12);
    // <gy, conv(x, w)> is bilinear in x and w, so both backward passes must be its adjoints.
    double yy = dot(gy, y);
    assertEquals(yy, dot(gx, x), 1e-10 * Math.max(1, Math.abs(yy)));
    assertEquals(yy, dot(gw, wt), 1e-10 * Math.max(1, Math.abs(yy)));
  }

  @Property(tries = 40)
  void floatBackwardPassesAreAdjoints(@ForAll("shapes") Shape s, @ForAll long seed) {
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), wt = GemmProperties.randomF(r, s.wLen()), gy = GemmProperties.randomF(r, s.yLen());
    float[] y = new float[s.yLen()], gx = new float[s.xLen()], gw = new float[s.wLen()];
    ConvKernels.conv2dForward(x, s.n, s.c, s.h, s.w, wt, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, y);
    ConvKernels.conv2dBackwardInput(gy, s.n, s.c, s.h, s.w, wt, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, gx);
    ConvKernels.conv2dBackwardWeight(x, s.n, s.c, s.h, s.w, gy, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, gw);
    double yy = dot(gy, y);
    double tol = 1e-4 * Math.sqrt(s.yLen()) * Math.sqrt(s.c * s.kh * s.kw + 1) + 1e-5;
    assertEquals(yy, dot(gx, x), tol);
    assertEquals(yy, dot(gw, wt), tol);
  }

  /** Stride-1, dilation-1 shapes with enough input channels that the flipped-kernel path runs. */
  @Provide
  Arbitrary<Shape> flippableShapes() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 3), Arbitraries.integers().between(Gemm.MR, 14),
            Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(1, 9), Arbitraries.of(1, 2, 3, 5), Arbitraries.of(1, 3),
            Arbitraries.integers().between(0, 4))
        .as((n, c, h, w, oc, kh, kw, p) -> new Shape(n, c, h, w, oc, kh, kw, 1, 1, Math.min(p, kh - 1), Math.min(p / 2, kw - 1), 1, 1))
        .filter(s -> s.oh() > 0 && s.ow() > 0);
  }

  /** The flipped-kernel input gradient against the col2im path and the direct reference. */
  @Property(tries = 60)
  void flippedInputGradientMatchesCol2im(@ForAll("flippableShapes") Shape s, @ForAll long seed) {
    Random r = new Random(seed);
    float[] wt = GemmProperties.randomF(r, s.wLen()), gy = GemmProperties.randomF(r, s.yLen());
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n, s.c, s.h, s.w, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW);
    float[] flipped = GemmProperties.randomF(r, s.xLen()), col2im = GemmProperties.randomF(r, s.xLen());
    if (s.kh * s.kw > 1) assertTrue(ConvKernels.flipShaped(g), s.toString());
    assertEquals(ConvKernels.flipShaped(g) && ConvKernels.flipWaste(g) <= ConvKernels.MAX_FLIP_WASTE, ConvKernels.flippable(g));
    ConvKernels.backwardInputFlipped(g, gy, wt, flipped);
    ConvKernels.backwardInputCol2im(g, gy, wt, col2im);
    double[] want = refBackwardInput(s, GemmProperties.toD(gy), GemmProperties.toD(wt));
    assertClose(want, flipped, s.oc * s.kh * s.kw);
    assertClose(want, col2im, s.oc * s.kh * s.kw);
  }

  @Example
  void aLargeKernelOnASmallImageTakesTheCol2imInputGradient() {
    // LeNet's second convolution: 20 -> 50 channels, 5x5, 12x12 -> 8x8: flipped, 3x the multiply-adds
    ConvKernels.Geom lenet = ConvKernels.Geom.of(256, 20, 12, 12, 50, 5, 5, 1, 1, 0, 0, 1, 1);
    assertEquals(3.0, ConvKernels.flipWaste(lenet), 1e-12);
    assertFalse(ConvKernels.flippable(lenet));
    // a 3x3, padding-1 convolution on 28x28 keeps the flipped path
    assertTrue(ConvKernels.flippable(ConvKernels.Geom.of(8, 16, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1)));
  }

  /** Stride-1 shapes (the shifted-view path), with dilation and padding up to and past the kernel. */
  @Provide
  Arbitrary<Shape> stride1Shapes() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(1, 16), Arbitraries.integers().between(1, 16),
            Arbitraries.integers().between(1, 20), Arbitraries.of(1, 2, 3, 5), Arbitraries.of(1, 3),
            Arbitraries.integers().between(0, 3))
        .flatAs((n, c, h, w, oc, kh, kw, p) -> Arbitraries.integers().between(1, 2)
            .map(d -> new Shape(n, c, h, w, oc, kh, kw, 1, 1, p, Math.max(0, p - 1), d, 3 - d)))
        .filter(s -> s.oh() > 0 && s.ow() > 0);
  }

  @Property(tries = 60)
  void stride1PassesMatchReference(@ForAll("stride1Shapes") Shape s, @ForAll long seed) {
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n, s.c, s.h, s.w, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW);
    if (s.kh * s.kw > 1) assertTrue(ConvKernels.shiftable(g));
    floatPassesMatchReference(s, seed);
  }

  /** Stride-1 shapes with up to 11 images, so the dot-product weight gradient runs several image groups. */
  @Provide
  Arbitrary<Shape> stride1Batches() {
    return stride1Shapes().flatMap(s -> Arbitraries.integers().between(1, 11)
        .map(n -> new Shape(n, s.c, s.h, s.w, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW)));
  }

  /**
   * Both weight-gradient algorithms of a stride-1 convolution, dot products and the GEMM (on the
   * expanded or the shifted image, by the shape), against the direct reference, whatever the
   * rule would pick; ragged vector tails (oh*ow not a multiple of the lanes) and channel counts
   * off the 3 x 3 blocks included. The forward and the col2im input gradient on the same batches.
   */
  @Property(tries = 60)
  void everyStride1WeightGradientMatchesReference(@ForAll("stride1Batches") Shape s, @ForAll long seed) {
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), gy = GemmProperties.randomF(r, s.yLen());
    double[] want = refBackwardWeight(s, GemmProperties.toD(x), GemmProperties.toD(gy));
    // up to 11 images: the expanded layout's GEMMs over groups of images (ConvKernels.imageGroup), a partial last group included
    float[] wt = GemmProperties.randomF(r, s.wLen());
    float[] y = GemmProperties.randomF(r, s.yLen()), gx = GemmProperties.randomF(r, s.xLen());
    ConvKernels.conv2dForward(x, s.n, s.c, s.h, s.w, wt, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, y);
    assertClose(refForward(s, GemmProperties.toD(x), GemmProperties.toD(wt)), y, s.c * s.kh * s.kw);
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n, s.c, s.h, s.w, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW);
    ConvKernels.backwardInputCol2im(g, gy, wt, gx);
    assertClose(refBackwardInput(s, GemmProperties.toD(gy), GemmProperties.toD(wt)), gx, s.oc * s.kh * s.kw);
    ConvKernels.Algorithm before = ConvKernels.dotWeight, winograd = ConvKernels.winograd;
    try {
      ConvKernels.winograd = ConvKernels.Algorithm.OFF;
      for (ConvKernels.Algorithm a : new ConvKernels.Algorithm[] {ConvKernels.Algorithm.ON, ConvKernels.Algorithm.OFF}) {
        ConvKernels.dotWeight = a;
        float[] gw = GemmProperties.randomF(r, s.wLen());
        ConvKernels.conv2dBackwardWeight(x, s.n, s.c, s.h, s.w, gy, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, gw);
        assertClose(want, gw, s.n * s.oh() * s.ow());
      }
    } finally {
      ConvKernels.dotWeight = before;
      ConvKernels.winograd = winograd;
    }
  }

  /** Stride-1 batches with 1 or 2 panels of Gemm's NT tile as output channels, on the expanded image's path. */
  @Provide
  Arbitrary<Shape> ntWeightGradShapes() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 6),
            Arbitraries.integers().between(3, 16), Arbitraries.integers().between(3, 16),
            Arbitraries.integers().between(1, 2), Arbitraries.of(3, 5), Arbitraries.integers().between(0, 2))
        .as((n, c, h, w, panels, k, p) -> new Shape(n, c, h, w, panels * Gemm.NT_W, k, k, 1, 1, Math.min(p, k / 2), Math.min(p, k / 2), 1, 1))
        .filter(s -> s.oh() > 0 && s.ow() > 0);
  }

  /**
   * The im2col weight gradient computed transposed (gwᵀ = col gyᵀ, the im2col rows read in place,
   * {@link Gemm#sgemmRowsNT}) gives the bits of gw = gy colᵀ, over one or several images (one
   * partial assigned, or partials added in range order), and is within rounding of the reference.
   */
  @Property(tries = 40)
  void theTransposedIm2colWeightGradientIsTheUntransposedBitForBit(@ForAll("ntWeightGradShapes") Shape s, @ForAll long seed) {
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n, s.c, s.h, s.w, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW);
    org.junit.jupiter.api.Assumptions.assumeTrue(ConvKernels.expands(g) && Gemm.ntApplies(g.ckk(), s.oc, g.ohw()));
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), gy = GemmProperties.randomF(r, s.yLen());
    float[] want = GemmProperties.randomF(r, s.wLen()), got = GemmProperties.randomF(r, s.wLen());
    ConvKernels.Algorithm dot = ConvKernels.dotWeight, winograd = ConvKernels.winograd;
    boolean nt = Gemm.NT;
    try {
      ConvKernels.winograd = ConvKernels.Algorithm.OFF;
      ConvKernels.dotWeight = ConvKernels.Algorithm.OFF;
      Gemm.NT = false;
      ConvKernels.conv2dBackwardWeight(x, s.n, s.c, s.h, s.w, gy, s.oc, s.kh, s.kw, 1, 1, s.pH, s.pW, 1, 1, want);
      Gemm.NT = true;
      ConvKernels.conv2dBackwardWeight(x, s.n, s.c, s.h, s.w, gy, s.oc, s.kh, s.kw, 1, 1, s.pH, s.pW, 1, 1, got);
    } finally {
      ConvKernels.dotWeight = dot;
      ConvKernels.winograd = winograd;
      Gemm.NT = nt;
    }
    for (int i = 0; i < want.length; i++) assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "gw[" + i + "] of " + s);
    assertClose(refBackwardWeight(s, GemmProperties.toD(x), GemmProperties.toD(gy)), got, s.n * s.oh() * s.ow());
  }

  /**
   * The dot-product weight gradient's 4 x 5 blocks (32-register machines) and 3 x 3 blocks give
   * the same bits: each (output channel, im2col row) pair is its own chain in the same order,
   * whichever block it falls in, edge blocks and scalar tails included.
   */
  @Property(tries = 40)
  void dotWeightBlockShapesAgreeBitForBit(@ForAll("stride1Batches") Shape s, @ForAll long seed) {
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, s.xLen()), gy = GemmProperties.randomF(r, s.yLen());
    ConvKernels.Geom g = ConvKernels.Geom.of(s.n, s.c, s.h, s.w, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW);
    boolean before = DotWeightGrad.WIDE;
    try {
      float[] narrow = new float[s.wLen()], wide = new float[s.wLen()];
      DotWeightGrad.WIDE = false;
      DotWeightGrad.backwardWeight(g, x, gy, narrow);
      DotWeightGrad.WIDE = true;
      DotWeightGrad.backwardWeight(g, x, gy, wide);
      assertArrayEquals(narrow, wide);
    } finally {
      DotWeightGrad.WIDE = before;
    }
  }

  /**
   * The bias added image by image inside the forward convolution gives the bits of the
   * convolution followed by one pass adding the bias over the whole batch, on every path (the
   * expanded image alone and in groups, the shifted view, im2col, pointwise, Winograd).
   */
  @Property(tries = 80)
  void theBiasAddedImageByImageEqualsASeparatePass(@ForAll("stride1Batches") Shape t, @ForAll boolean anyStride, @ForAll long seed) {
    Random r = new Random(seed);
    Shape s = anyStride ? new Shape(t.n, t.c, t.h, t.w, t.oc, t.kh, t.kw, 1 + r.nextInt(2), 1 + r.nextInt(2), t.pH, t.pW, t.dH, t.dW) : t;
    if (s.oh() <= 0 || s.ow() <= 0) return;
    float[] x = GemmProperties.randomF(r, s.xLen()), wt = GemmProperties.randomF(r, s.wLen()), bias = GemmProperties.randomF(r, s.oc);
    ConvKernels.Algorithm winograd = ConvKernels.winograd;
    try {
      for (ConvKernels.Algorithm a : new ConvKernels.Algorithm[] {ConvKernels.Algorithm.OFF, ConvKernels.Algorithm.ON}) {
        ConvKernels.winograd = a;
        float[] fused = GemmProperties.randomF(r, s.yLen()), separate = new float[s.yLen()];
        ConvKernels.conv2dForward(x, s.n, s.c, s.h, s.w, wt, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, bias, fused);
        ConvKernels.conv2dForward(x, s.n, s.c, s.h, s.w, wt, s.oc, s.kh, s.kw, s.sH, s.sW, s.pH, s.pW, s.dH, s.dW, separate);
        NormKernels.addChannelBias(separate, s.n, s.oc, s.oh() * s.ow(), bias);
        assertArrayEquals(separate, fused, s + " winograd " + a);
      }
    } finally {
      ConvKernels.winograd = winograd;
    }
  }

  @Example
  void aBiasOfTheWrongLengthIsRefused() {
    float[] x = new float[2 * 3 * 5 * 5], wt = new float[4 * 3 * 9], y = new float[2 * 4 * 3 * 3];
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ConvKernels.conv2dForward(x, 2, 3, 5, 5, wt, 4, 3, 3, 1, 1, 0, 0, 1, 1, new float[3], y));
    assertTrue(e.getMessage().contains("3 values for 4 output channels"), e.getMessage());
  }

  @Example
  void lenetsLayersTakeTheExpandedImageAndTheDotProducts() {
    ConvKernels.Geom conv1 = ConvKernels.Geom.of(256, 1, 28, 28, 20, 5, 5, 1, 1, 0, 0, 1, 1);
    ConvKernels.Geom conv2 = ConvKernels.Geom.of(256, 20, 12, 12, 50, 5, 5, 1, 1, 0, 0, 1, 1);
    // 28 columns for 24 (conv1), 12 for 8 (conv2): both read the expanded image
    assertTrue(ConvKernels.expands(conv1));
    assertTrue(ConvKernels.expands(conv2));
    // the GEMM would round conv1's 25 im2col rows up to 2 panels: dot products; conv2's 500 keep
    // the GEMM (with 4-lane vectors, a test-only shape, NR = 12 and 25 rows are 2 panels and more)
    if (Gemm.NR >= 24) assertTrue(ConvKernels.useDotWeight(conv1) || ConvKernels.dotWeight != ConvKernels.Algorithm.AUTO);
    assertEquals(ConvKernels.dotWeight == ConvKernels.Algorithm.ON, ConvKernels.useDotWeight(conv2));
    // a 3x3, padding-1 convolution on 28x28 keeps the shifted view (30 columns for 28)
    assertFalse(ConvKernels.expands(ConvKernels.Geom.of(8, 16, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1)));
    // conv2's 64 columns an image: three images per GEMM are 192, whole 24- and 48-wide panels
    assertEquals(3, ConvKernels.imageGroup(conv2));
    assertEquals(1, ConvKernels.imageGroup(conv1));
    assertEquals(1, ConvKernels.imageGroup(ConvKernels.Geom.of(1, 20, 12, 12, 50, 5, 5, 1, 1, 0, 0, 1, 1)));
  }

  static double[] refForward(Shape s, double[] x, double[] wt) {
    double[] y = new double[s.yLen()];
    int oh = s.oh(), ow = s.ow();
    for (int n = 0; n < s.n; n++)
      for (int o = 0; o < s.oc; o++)
        for (int oy = 0; oy < oh; oy++)
          for (int ox = 0; ox < ow; ox++) {
            double acc = 0;
            for (int c = 0; c < s.c; c++)
              for (int ki = 0; ki < s.kh; ki++)
                for (int kj = 0; kj < s.kw; kj++) {
                  int iy = oy * s.sH - s.pH + ki * s.dH, ix = ox * s.sW - s.pW + kj * s.dW;
                  if (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w) {
                    acc += x[((n * s.c + c) * s.h + iy) * s.w + ix] * wt[((o * s.c + c) * s.kh + ki) * s.kw + kj];
                  }
                }
            y[((n * s.oc + o) * oh + oy) * ow + ox] = acc;
          }
    return y;
  }

  static double[] refBackwardInput(Shape s, double[] gy, double[] wt) {
    double[] gx = new double[s.xLen()];
    int oh = s.oh(), ow = s.ow();
    for (int n = 0; n < s.n; n++)
      for (int o = 0; o < s.oc; o++)
        for (int oy = 0; oy < oh; oy++)
          for (int ox = 0; ox < ow; ox++)
            for (int c = 0; c < s.c; c++)
              for (int ki = 0; ki < s.kh; ki++)
                for (int kj = 0; kj < s.kw; kj++) {
                  int iy = oy * s.sH - s.pH + ki * s.dH, ix = ox * s.sW - s.pW + kj * s.dW;
                  if (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w) {
                    gx[((n * s.c + c) * s.h + iy) * s.w + ix] +=
                        gy[((n * s.oc + o) * oh + oy) * ow + ox] * wt[((o * s.c + c) * s.kh + ki) * s.kw + kj];
                  }
                }
    return gx;
  }

  static double[] refBackwardWeight(Shape s, double[] x, double[] gy) {
    double[] gw = new double[s.wLen()];
    int oh = s.oh(), ow = s.ow();
    for (int n = 0; n < s.n; n++)
      for (int o = 0; o < s.oc; o++)
        for (int oy = 0; oy < oh; oy++)
          for (int ox = 0; ox < ow; ox++)
            for (int c = 0; c < s.c; c++)
              for (int ki = 0; ki < s.kh; ki++)
                for (int kj = 0; kj < s.kw; kj++) {
                  int iy = oy * s.sH - s.pH + ki * s.dH, ix = ox * s.sW - s.pW + kj * s.dW;
                  if (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w) {
                    gw[((o * s.c + c) * s.kh + ki) * s.kw + kj] +=
                        gy[((n * s.oc + o) * oh + oy) * ow + ox] * x[((n * s.c + c) * s.h + iy) * s.w + ix];
                  }
                }
    return gw;
  }

  /** Float results: tolerance scales with the length of the sums (inputs are in [-1, 1)). */
  static void assertClose(double[] want, float[] got, int terms) {
    assertEquals(want.length, got.length);
    double tol = 1e-5 * Math.sqrt(terms) * Math.max(1, terms / 4.0);
    for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], tol, "index " + i);
  }

  static void assertClose(double[] want, double[] got, double rel) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], rel * Math.max(1, Math.abs(want[i])) * 100, "index " + i);
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
