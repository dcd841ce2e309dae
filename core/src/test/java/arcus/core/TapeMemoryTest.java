package arcus.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the autodiff graph keeps alive between the forward and the reverse pass: only what some
 * gradient rule reads. Each test holds a weak reference to an intermediate's storage while the
 * graph is still alive (a {@code vjp} pullback, or the middle of a reverse pass) and asks the
 * collector whether anything still reaches it.
 */
class TapeMemoryTest {
  /** Runs full collections until the referent is gone (or gives up after a few). */
  private static boolean collected(WeakReference<?> ref) {
    for (int i = 0; i < 20 && ref.get() != null; i++) {
      System.gc();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return ref.get() == null;
  }

  private static final Conv2dSpec SAME = Conv2dSpec.of(1, 1);

  @Test
  void aConvolutionOutputThatOnlyTheBiasAddReadsIsNotKept() {
    Rng rng = new Rng(3);
    Tensor x = rng.normal(DType.F32, 0, 1, 2, 3, 8, 8), w = rng.normal(DType.F32, 0, 1, 4, 3, 3, 3), b = rng.normal(DType.F32, 0, 1, 1, 4, 1, 1);
    AtomicReference<WeakReference<Storage>> convOut = new AtomicReference<>();
    Autodiff.VjpResult r = Autodiff.vjp((List<Tensor> in) -> {
      Tensor y0 = in.get(0).conv2d(in.get(1), SAME);
      convOut.set(new WeakReference<>(y0.storage));
      // the add's rule needs shapes only; the square's rule reads its input y0 + b, not y0
      return y0.add(in.get(2)).square().sum();
    }, List.of(x, w, b));
    assertTrue(collected(convOut.get()), "the pre-bias convolution output is still reachable from the graph");
    // the graph still differentiates: same gradients as a fresh valueAndGrad
    List<Tensor> viaPullback = r.pullback().apply(r.value().constant(1.0));
    List<Tensor> direct = Autodiff.grad((List<Tensor> in) -> in.get(0).conv2d(in.get(1), SAME).add(in.get(2)).square().sum(), List.of(x, w, b));
    for (int i = 0; i < 3; i++) assertArrayEquals(direct.get(i).toFloatArray(), viaPullback.get(i).toFloatArray(), "gradient " + i);
  }

  @Test
  void aPreluFollowedByBatchNormKeepsOnlyThePreluInput() {
    Rng rng = new Rng(5);
    Tensor x = rng.normal(DType.F32, 0, 1, 4, 3, 5, 5), alpha = Tensor.of(new float[] {0.25f, -0.5f, 0.1f}, 3);
    Tensor gamma = rng.normal(DType.F32, 1, 0.2, 3), beta = rng.normal(DType.F32, 0, 1, 3), proj = rng.normal(DType.F32, 0, 1, 4, 3, 5, 5);
    AtomicReference<WeakReference<Storage>> preluOut = new AtomicReference<>();
    Autodiff.VjpResult r = Autodiff.vjp((List<Tensor> in) -> {
      Tensor p = Fused.prelu(in.get(0), in.get(1));
      preluOut.set(new WeakReference<>(p.storage));
      return Fused.batchNorm(p, in.get(2), in.get(3), 1e-5).y().mul(proj).sum();
    }, List.of(x, alpha, gamma, beta));
    assertTrue(collected(preluOut.get()), "the PReLU output is still reachable: batch norm should recompute it from the PReLU input");
    // recomputed, the gradients are bit for bit those of the two rules run on a stored PReLU output
    List<Tensor> viaPullback = r.pullback().apply(r.value().constant(1.0));
    Tensor p = Fused.prelu(x, alpha);
    List<Tensor> bnGrads = Autodiff.grad((List<Tensor> in) -> Fused.batchNorm(in.get(0), in.get(1), in.get(2), 1e-5).y().mul(proj).sum(), List.of(p, gamma, beta));
    List<Tensor> preluGrads = Autodiff.vjp((List<Tensor> in) -> Fused.prelu(in.get(0), in.get(1)), List.of(x, alpha)).pullback().apply(bnGrads.get(0));
    assertArrayEquals(preluGrads.get(0).toFloatArray(), viaPullback.get(0).toFloatArray(), "dx");
    assertArrayEquals(preluGrads.get(1).toFloatArray(), viaPullback.get(1).toFloatArray(), "dalpha");
    assertArrayEquals(bnGrads.get(1).toFloatArray(), viaPullback.get(2).toFloatArray(), "dgamma");
    assertArrayEquals(bnGrads.get(2).toFloatArray(), viaPullback.get(3).toFloatArray(), "dbeta");
  }

  /** conv(bn(prelu(x))) plus a max pool of the same batch-norm output, as in a conv unit; {@code copy} breaks the recipes. */
  private static Tensor unit(List<Tensor> in, Tensor proj, Tensor proj2, boolean copy, AtomicReference<WeakReference<Storage>> bnOut) {
    Tensor b = Fused.batchNorm(Fused.prelu(in.get(0), in.get(1)), in.get(2), in.get(3), 1e-5).y();
    if (bnOut != null) bnOut.set(new WeakReference<>(b.storage));
    // x·1 is x bit for bit, and its rule passes g through unchanged: the same function, kept the old way
    Tensor c = copy ? b.mul(1.0) : b;
    return c.conv2d(in.get(4), SAME).mul(proj).sum().add(c.maxPool2d(Pool2dSpec.of(2, 2, true)).mul(proj2).sum());
  }

  @Test
  void aConvolutionAndPoolAfterBatchNormRecomputeItsOutput() {
    Rng rng = new Rng(11);
    Tensor x = rng.normal(DType.F32, 0, 1, 4, 3, 6, 6), alpha = Tensor.of(new float[] {0.25f, -0.5f, 0.1f}, 3);
    Tensor gamma = rng.normal(DType.F32, 1, 0.2, 3), beta = rng.normal(DType.F32, 0, 1, 3), w = rng.normal(DType.F32, 0, 1, 5, 3, 3, 3);
    Tensor proj = rng.normal(DType.F32, 0, 1, 4, 5, 6, 6), proj2 = rng.normal(DType.F32, 0, 1, 4, 3, 3, 3);
    List<Tensor> inputs = List.of(x, alpha, gamma, beta, w);
    AtomicReference<WeakReference<Storage>> bnOut = new AtomicReference<>();
    Autodiff.VjpResult r = Autodiff.vjp((List<Tensor> in) -> unit(in, proj, proj2, false, bnOut), inputs);
    assertTrue(collected(bnOut.get()), "the batch-norm output is still reachable: the convolution and the pool should recompute it");
    List<Tensor> recomputed = r.pullback().apply(r.value().constant(1.0));
    List<Tensor> stored = Autodiff.grad((List<Tensor> in) -> unit(in, proj, proj2, true, null), inputs);
    for (int i = 0; i < inputs.size(); i++) assertArrayEquals(stored.get(i).toFloatArray(), recomputed.get(i).toFloatArray(), "gradient " + i);
  }

  @Test
  void aOneShotReversePassFreesWhatItHasPassed() {
    // exp keeps its output for its rule; once the reverse pass has gone below exp, nothing needs it
    Tensor x = new Rng(7).normal(DType.F32, 0, 1, 64, 64);
    AtomicReference<WeakReference<Storage>> expOut = new AtomicReference<>();
    AtomicReference<Boolean> freedInTime = new AtomicReference<>();
    Tensor g = Autodiff.grad((Tensor in) -> {
      // an identity whose rule runs after exp's (it is upstream of it) and looks at exp's output then
      Tensor probe = Ops.result("probe", in.shape, in.dtype, in.storage, (ct, y, need) -> {
        freedInTime.set(collected(expOut.get()));
        return new Tensor[] {ct};
      }, in);
      Tensor e = probe.exp();
      expOut.set(new WeakReference<>(e.storage));
      return e.sum();
    }, x);
    assertTrue(freedInTime.get(), "exp's output was still reachable while the reverse pass ran below it");
    assertArrayEquals(x.exp().toFloatArray(), g.toFloatArray());
  }

  @Test
  void aVjpPullbackRunsAgainBecauseItsReversePassReleasesNothing() {
    // vjp's pullback may run many times, so its reverse pass must not release anything
    Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
    Tensor c = Tensor.of(new float[] {0.5f, -1, 2}, 3);
    Autodiff.VjpResult r = Autodiff.vjp((List<Tensor> in) -> in.get(0).exp().mul(c).sum(), List.of(x));
    Tensor one = r.value().constant(1.0);
    float[] first = r.pullback().apply(one).get(0).toFloatArray();
    float[] second = r.pullback().apply(one.mul(2.0)).get(0).toFloatArray();
    float[] expected = x.exp().mul(c).toFloatArray();
    assertArrayEquals(expected, first);
    for (int i = 0; i < expected.length; i++) expected[i] *= 2;
    assertArrayEquals(expected, second);
  }
}
