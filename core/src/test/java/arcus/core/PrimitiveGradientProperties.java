package arcus.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Every primitive's gradient against central differences in float64, on random shapes
 * (including size-1 and broadcast dimensions) and random values.
 */
class PrimitiveGradientProperties {
  private static void check(Function<List<Tensor>, Tensor> f, Tensor... xs) {
    List<Tensor> in = List.of(xs);
    Function<List<Tensor>, Tensor> g = f.apply(in).size() == 1 ? f : GradCheck.projected(f, in, 42);
    GradCheck.Report r = GradCheck.check(g, in);
    assertTrue(r.passed(), r.toString());
  }

  @Property(tries = 30)
  void unaryOps(@ForAll long seed) {
    Gen g = new Gen(seed);
    int[] s = g.shape(3, 4);
    Tensor x = g.normal(s), pos = g.uniform(0.2, 3, s), away = g.awayFromZero(s), unit = g.uniform(-0.9, 0.9, s);
    check(v -> v.get(0).neg(), x);
    check(v -> v.get(0).exp(), x);
    check(v -> v.get(0).log(), pos);
    check(v -> v.get(0).sqrt(), pos);
    check(v -> v.get(0).abs(), away);
    check(v -> v.get(0).sin(), x);
    check(v -> v.get(0).cos(), x);
    check(v -> v.get(0).acos(), unit);
    check(v -> v.get(0).tanh(), x);
    check(v -> v.get(0).sigmoid(), x);
    check(v -> v.get(0).relu(), away);
    check(v -> v.get(0).square(), x);
  }

  @Property(tries = 40)
  void binaryOpsWithBroadcasting(@ForAll long seed) {
    Gen g = new Gen(seed);
    int[] full = g.shape(4, 3);
    int[] s = g.broadcastable(full);
    boolean swap = g.rng.nextInt(2) == 0;
    int[] sa = swap ? s : full, sb = swap ? full : s;
    Tensor a = g.normal(sa), b = g.normal(sb);
    check(v -> v.get(0).add(v.get(1)), a, b);
    check(v -> v.get(0).sub(v.get(1)), a, b);
    check(v -> v.get(0).mul(v.get(1)), a, b);
    check(v -> v.get(0).div(v.get(1)), a, g.awayFromZero(sb));
    check(v -> v.get(0).pow(v.get(1)), g.uniform(0.5, 2, sa), g.uniform(-1.5, 1.5, sb));
    // max/min: keep operands apart so no tie sits inside the finite-difference step
    Tensor bb = a.broadcastTo(Shape.broadcast("t", a.shape(), b.shape())).add(g.awayFromZero(Shape.broadcast("t", a.shape(), b.shape()).dims()));
    check(v -> v.get(0).maximum(v.get(1)), a, bb);
    check(v -> v.get(0).minimum(v.get(1)), a, bb);
  }

  @Property(tries = 30)
  void whereSelectsGradients(@ForAll long seed) {
    Gen g = new Gen(seed);
    int[] s = g.shape(3, 4);
    Tensor c = g.normal(s).gt(0.0), a = g.normal(s), b = g.normal(g.broadcastable(s));
    check(v -> Tensor.where(c, v.get(0), v.get(1)), a, b);
  }

  @Property(tries = 40)
  void reductions(@ForAll long seed) {
    Gen g = new Gen(seed);
    int[] s = g.shape(4, 4);
    Tensor x = g.normal(s);
    int axis = g.rng.nextInt(s.length);
    boolean keep = g.rng.nextInt(2) == 0;
    check(v -> v.get(0).sum(), x);
    check(v -> v.get(0).sum(axis, keep), x);
    check(v -> v.get(0).mean(axis, keep), x);
    check(v -> v.get(0).max(axis, keep), x);
    check(v -> v.get(0).logSumExp(axis, keep), x);
    if (s.length >= 2) check(v -> v.get(0).sum(new int[] {0, s.length - 1}, keep), x);
  }

  @Property(tries = 40)
  void shapeOps(@ForAll long seed) {
    Gen g = new Gen(seed);
    int[] s = g.shape(4, 4);
    Tensor x = g.normal(s);
    int r = s.length;
    check(v -> v.get(0).reshape(-1), x);
    int[] perm = g.rng.permutation(r);
    check(v -> v.get(0).permute(perm), x);
    int[] target = new int[r + 1];
    target[0] = g.between(1, 3);
    for (int i = 0; i < r; i++) target[i + 1] = s[i];
    check(v -> v.get(0).broadcastTo(target), g.normal(g.broadcastable(s)));
    int axis = g.rng.nextInt(r);
    int lo = g.rng.nextInt(s[axis]);
    int hi = lo + 1 + g.rng.nextInt(s[axis] - lo);
    check(v -> v.get(0).slice(axis, lo, hi), x);
    int[] before = new int[r], after = new int[r];
    for (int i = 0; i < r; i++) {
      before[i] = g.rng.nextInt(3);
      after[i] = g.rng.nextInt(3);
    }
    check(v -> v.get(0).pad(before, after), x);
    int[] s2 = s.clone();
    s2[axis] = g.between(1, 3);
    check(v -> Tensor.concat(axis, v.get(0), v.get(1)), x, g.normal(s2));
  }

  @Property(tries = 40)
  void gatherAndScatter(@ForAll long seed) {
    Gen g = new Gen(seed);
    int[] s = g.shape(3, 4);
    Tensor x = g.normal(s);
    int axis = g.rng.nextInt(s.length);
    int[] along = g.labels(x.size() / s[axis], s[axis]);
    check(v -> v.get(0).takeAlong(axis, along), x);
    Tensor small = g.normal(x.shape().without(axis).dims());
    int size = s[axis];
    check(v -> v.get(0).scatterAlong(axis, along, size), small);
    int[] sel = g.labels(g.between(1, 5), s[axis]);
    check(v -> v.get(0).indexSelect(axis, sel), x);
    int[] into = g.labels(s[axis], 7);
    check(v -> v.get(0).indexAdd(axis, into, 7), x);
  }

  @Property(tries = 40)
  void matmulAllTransposes(@ForAll long seed) {
    Gen g = new Gen(seed);
    int m = g.between(1, 5), n = g.between(1, 5), k = g.between(1, 5);
    boolean ta = g.rng.nextInt(2) == 0, tb = g.rng.nextInt(2) == 0;
    int batch = g.between(1, 3);
    boolean bA = g.rng.nextInt(3) != 0, bB = g.rng.nextInt(3) != 0;
    int[] sa = ta ? new int[] {k, m} : new int[] {m, k};
    int[] sb = tb ? new int[] {n, k} : new int[] {k, n};
    if (bA) sa = new int[] {batch, sa[0], sa[1]};
    if (bB) sb = new int[] {batch, sb[0], sb[1]};
    check(v -> v.get(0).matmul(v.get(1), ta, tb), g.normal(sa), g.normal(sb));
  }

  /** A random small convolution: batch, channels, a 1×1 or 3×3 kernel, size up to {@code maxSide}, stride 1–2, padding 0–1. */
  private record ConvCase(int n, int c, int oc, int k, int h, int w, Conv2dSpec spec) {
    static ConvCase random(Gen g, int maxBatch, int maxC, int maxOc, int maxSide) {
      int n = g.between(1, maxBatch), c = g.between(1, maxC), oc = g.between(1, maxOc);
      int k = g.rng.nextInt(2) == 0 ? 1 : 3;
      int h = g.between(k, maxSide), w = g.between(k, maxSide);
      return new ConvCase(n, c, oc, k, h, w, new Conv2dSpec(g.between(1, 2), g.between(1, 2), g.between(0, 1), g.between(0, 1), 1, 1));
    }
  }

  @Property(tries = 25)
  void conv2dInputAndWeight(@ForAll long seed) {
    Gen g = new Gen(seed);
    ConvCase t = ConvCase.random(g, 2, 3, 3, 6);
    check(v -> v.get(0).conv2d(v.get(1), t.spec()), g.normal(t.n(), t.c(), t.h(), t.w()), g.normal(t.oc(), t.c(), t.k(), t.k()));
  }

  @Property(tries = 25)
  void conv2dWithBias(@ForAll long seed) {
    Gen g = new Gen(seed);
    ConvCase t = ConvCase.random(g, 2, 3, 3, 6);
    check(v -> v.get(0).conv2d(v.get(1), v.get(2), t.spec()), g.normal(t.n(), t.c(), t.h(), t.w()), g.normal(t.oc(), t.c(), t.k(), t.k()), g.normal(t.oc()));
  }

  /** The fused bias is the broadcast add it replaces, bit for bit, in float32: values and all three gradients. */
  @Property(tries = 25)
  void conv2dWithBiasIsTheBroadcastAddBitForBit(@ForAll long seed) {
    ConvCase t = ConvCase.random(new Gen(seed), 3, 4, 5, 9);
    Conv2dSpec spec = t.spec();
    int oc = t.oc();
    Rng rng = new Rng(seed);
    List<Tensor> in = List.of(rng.normal(DType.F32, 0, 1, t.n(), t.c(), t.h(), t.w()), rng.normal(DType.F32, 0, 1, oc, t.c(), t.k(), t.k()), rng.normal(DType.F32, 0, 1, oc));
    Tensor proj = rng.normal(DType.F32, 0, 1, t.n(), oc, spec.outH(t.h(), t.k()), spec.outW(t.w(), t.k()));
    var fused = Autodiff.valueAndGrad((List<Tensor> v) -> v.get(0).conv2d(v.get(1), v.get(2), spec).square().mul(proj).sum(), in);
    var added = Autodiff.valueAndGrad((List<Tensor> v) -> v.get(0).conv2d(v.get(1), spec).add(v.get(2).reshape(1, oc, 1, 1)).square().mul(proj).sum(), in);
    org.junit.jupiter.api.Assertions.assertEquals(added.value().item(), fused.value().item());
    for (int i = 0; i < 3; i++) org.junit.jupiter.api.Assertions.assertArrayEquals(added.grad().get(i).toFloatArray(), fused.grad().get(i).toFloatArray(), "gradient " + i);
  }

  @Test
  void conv2dRejectsABiasOfTheWrongShape() {
    Tensor x = Tensor.of(new double[2 * 3 * 4 * 4], 2, 3, 4, 4), w = Tensor.of(new double[5 * 3 * 3 * 3], 5, 3, 3, 3);
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> x.conv2d(w, Tensor.of(new double[4], 4), Conv2dSpec.of(1, 1)));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("bias must be [outC] = [5]"), e.getMessage());
  }

  @Property(tries = 25)
  void pooling(@ForAll long seed) {
    Gen g = new Gen(seed);
    int n = g.between(1, 2), c = g.between(1, 3), h = g.between(2, 7), w = g.between(2, 7);
    Pool2dSpec spec = Pool2dSpec.of(2, g.between(1, 2), g.rng.nextInt(2) == 0);
    // distinct values so the argmax is stable under the finite-difference step
    double[] d = new double[n * c * h * w];
    int[] perm = g.rng.permutation(d.length);
    for (int i = 0; i < d.length; i++) d[i] = perm[i] * 0.1;
    Tensor x = Tensor.of(d, n, c, h, w);
    check(v -> v.get(0).maxPool2d(spec), x);
    check(v -> v.get(0).avgPool2d(spec), g.normal(n, c, h, w));
  }

  @Property(tries = 20)
  void castPassesTheCotangentThrough(@ForAll long seed) {
    // finite differences through float32 rounding are meaningless, so compare with the exact rule
    Gen g = new Gen(seed);
    int[] s = g.shape(2, 4);
    Tensor x = g.normal(s), c = g.normal(s);
    Tensor grad = Autodiff.grad(v -> v.to(DType.F32).to(DType.F64).mul(c).sum(), x);
    // the cotangent itself passes through float32 on its way back
    org.junit.jupiter.api.Assertions.assertArrayEquals(c.to(DType.F32).toDoubleArray(), grad.toDoubleArray(), 0.0);
    assertTrue(grad.dtype() == DType.F64);
  }

  @Property(tries = 20)
  void compositesSoftmaxCrossEntropyNormalize(@ForAll long seed) {
    Gen g = new Gen(seed);
    int n = g.between(1, 4), c = g.between(2, 5);
    Tensor x = g.normal(n, c).mul(3.0);
    int[] labels = g.labels(n, c);
    check(v -> Fn.softmax(v.get(0), 1), x);
    check(v -> Fn.logSoftmax(v.get(0), 1), x);
    check(v -> Fn.crossEntropy(v.get(0), labels), x);
    check(v -> Fn.normalize(v.get(0), 1, 1e-12), x);
    check(v -> Fn.cosine(v.get(0), v.get(1), 1e-12), x, g.normal(c, 3));
  }
}
