package arcus.nn;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Gradients of every layer w.r.t. its input and parameters agree with central differences (float64). */
class LayerGradientProperties {
  @Provide
  Arbitrary<AngleFunction> angles() {
    return Arbitraries.of(List.of(new AngleFunction.Linear(), new AngleFunction.Cosine(), new AngleFunction.Sigmoid(0.3),
        new AngleFunction.Log(0.1), new AngleFunction.CentredLog(0.1), new AngleFunction.Reciprocal()));
  }

  @Property(tries = 10)
  void linear(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 4) int in,
      @ForAll @IntRange(min = 1, max = 4) int out, @ForAll boolean bias, @ForAll long seed) {
    Checks.gradients(new Linear(in, out, bias), Checks.randn(seed, n, in), seed);
  }

  @Property(tries = 6)
  void conv2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll @IntRange(min = 1, max = 3) int o, @ForAll @IntRange(min = 3, max = 5) int hw,
      @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll @IntRange(min = 0, max = 1) int pad, @ForAll long seed) {
    Layer layer = new Conv2d(c, o, hw > 3 ? 3 : 2, stride, pad, true);
    Rng rng = new Rng(seed);
    // non-zero biases so their gradient path is exercised with non-trivial values
    Params p = layer.init(rng, DType.F64).with("bias", rng.normal(DType.F64, 0, 1, o));
    Checks.gradients(layer, p, Params.empty(), Checks.randn(seed + 1, n, c, hw, hw), Mode.TRAIN);
  }

  @Property(tries = 10)
  void angularLinear(@ForAll("angles") AngleFunction g, @ForAll @IntRange(min = 1, max = 3) int n,
      @ForAll @IntRange(min = 2, max = 4) int in, @ForAll @IntRange(min = 1, max = 3) int out, @ForAll long seed) {
    Checks.gradients(new AngularLinear(in, out, g), Checks.randn(seed, n, in), seed + 1);
  }

  @Property(tries = 6)
  void angularConv2d(@ForAll("angles") AngleFunction g, @ForAll @IntRange(min = 1, max = 2) int n,
      @ForAll @IntRange(min = 1, max = 2) int c, @ForAll @IntRange(min = 1, max = 3) int o,
      @ForAll @IntRange(min = 3, max = 5) int hw, @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll @IntRange(min = 0, max = 1) int pad, @ForAll long seed) {
    // with a 2×2 kernel and padding 1 every patch still holds a real pixel; all-zero patches are
    // tested in AngularLayerTest
    Checks.gradients(new AngularConv2d(c, o, 2, stride, pad, g), Checks.randn(seed, n, c, hw, hw), seed + 1);
  }

  @Property(tries = 8)
  void batchNormTrain(@ForAll @IntRange(min = 2, max = 3) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll boolean spatial, @ForAll long seed) {
    Layer bn = new BatchNorm(c);
    Rng rng = new Rng(seed);
    Params p = Params.of("gamma", rng.normal(DType.F64, 1, 0.5, c)).with("beta", rng.normal(DType.F64, 0, 1, c));
    var x = spatial ? Checks.randn(seed + 1, n, c, 2, 3) : Checks.randn(seed + 1, n, c);
    Checks.gradients(bn, p, bn.initState(DType.F64), x, Mode.TRAIN);
  }

  @Property(tries = 5)
  void batchNormEval(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 3) int c, @ForAll long seed) {
    Layer bn = new BatchNorm(c);
    Rng rng = new Rng(seed);
    Params s = Params.of("runningMean", rng.normal(DType.F64, 0, 1, c)).with("runningVar", rng.uniform(DType.F64, 0.5, 2, c));
    Checks.gradients(bn, bn.init(rng, DType.F64), s, Checks.randn(seed + 1, n, c, 2, 2), Mode.EVAL);
  }

  @Property(tries = 8)
  void prelu(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 4) int c, @ForAll boolean spatial, @ForAll long seed) {
    Layer layer = new PReLU(c);
    Params p = Params.of("slope", new Rng(seed).uniform(DType.F64, 0, 0.5, c));
    var x = spatial ? Checks.randn(seed + 1, n, c, 3, 3) : Checks.randn(seed + 1, n, c);
    Checks.gradients(layer, p, Params.empty(), x, Mode.TRAIN);
  }

  @Property(tries = 6)
  void pooling(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
      @ForAll @IntRange(min = 3, max = 6) int hw, @ForAll boolean ceil, @ForAll long seed) {
    var x = Checks.randn(seed, n, c, hw, hw);
    Checks.gradients(new MaxPool2d(2, 2, ceil), x, seed);
    Checks.gradients(new AvgPool2d(2, 2, ceil), x, seed);
    Checks.gradients(new GlobalAvgPool(), x, seed);
    Checks.gradients(Sequential.of(new ReLU(), new Flatten()), x, seed);
  }

  @Property(tries = 3)
  void residualBlock(@ForAll @IntRange(min = 1, max = 2) int inC, @ForAll @IntRange(min = 1, max = 3) int outC,
      @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll long seed) {
    Checks.gradients(Residual.plain(inC, outC, stride), Checks.randn(seed, 2, inC, 4, 4), seed);
  }

  @Property(tries = 3)
  void angularResidualBlock(@ForAll("angles") AngleFunction g, @ForAll @IntRange(min = 1, max = 2) int outC, @ForAll long seed) {
    Checks.gradients(Residual.angular(1, outC, 2, g), Checks.randn(seed, 2, 1, 4, 4), seed);
  }
}
