package arcus.core;

/**
 * Fused versions of batch norm and PReLU. Composed from primitives these take a dozen passes
 * over an activation each way, which dominated a training step of the MNIST network; fused
 * they take one or two. Each has a composed twin here, and properties check that both agree in
 * value and gradient. The fused gradients are first-order only: differentiating them again
 * fails with a clear message (use the composed form for higher derivatives).
 */
public final class Fused {
  private Fused() {}

  /** Output, batch mean and biased batch variance (the statistics are constants). */
  public record BatchNormResult(Tensor y, Tensor mean, Tensor var) {}

  private static Node.Vjp firstOrderOnly(String op) {
    String composed = op.startsWith("preluBatchNorm") ? "batchNormComposed(preluComposed(z, alpha), ...)"
        : op.startsWith("prelu") ? "preluComposed" : "batchNormComposed";
    return (g, y, need) -> {
      throw new UnsupportedOperationException(op + " is fused and has no second derivative; use the composed form (Fused." + composed + ") to differentiate twice");
    };
  }

  /** [1, C, 1, ...]: a per-channel [C] tensor reshaped to broadcast against x. */
  private static int[] channelView(Tensor x) {
    int[] view = new int[x.rank()];
    java.util.Arrays.fill(view, 1);
    view[1] = x.dim(1);
    return view;
  }

  /** Every axis of x but the channel axis 1. */
  private static int[] otherAxes(Tensor x) {
    int[] axes = new int[x.rank() - 1];
    for (int i = 0, a = 0; i < x.rank(); i++) if (i != 1) axes[a++] = i;
    return axes;
  }

  private static void checkChannels(String op, Tensor x, Tensor... perChannel) {
    if (x.rank() < 2) throw new IllegalArgumentException(op + ": input must be [N, C, ...], got " + x.shape());
    for (Tensor p : perChannel)
      if (p.rank() != 1 || p.dim(0) != x.dim(1))
        throw new IllegalArgumentException(op + ": per-channel parameter " + p.shape() + " does not match the " + x.dim(1) + " channels of input " + x.shape());
  }

  /**
   * The fused kernels of {@code first}'s backend when it has them and every other operand lives
   * on it too; null otherwise, and the op then runs as its composition of primitives.
   */
  private static FusedKernels fusedOn(Tensor first, Tensor... rest) {
    if (!(first.backend() instanceof FusedKernels fk)) return null;
    for (Tensor t : rest) if (t.backend() != first.backend()) return null;
    return fk;
  }

  /** Training-mode batch norm over every axis but 1: (x − μ)/√(σ² + ε)·γ + β. */
  public static BatchNormResult batchNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
    checkChannels("batchNorm", x, gamma, beta);
    FusedKernels fk = fusedOn(x, gamma, beta);
    if (fk == null) return batchNormComposed(x, gamma, beta, eps);
    Ops.sameBackend("batchNorm", x, gamma);
    Ops.sameBackend("batchNorm", x, beta);
    Storage[] r = fk.batchNormTrain(x.storage, x.shape, gamma.storage, beta.storage, eps);
    Shape cs = gamma.shape;
    Tensor mean = new Tensor(cs, x.dtype, r[1], null), var = new Tensor(cs, x.dtype, r[2], null);
    // x's values for the reverse pass: x itself, or (after a fused PReLU) a recomputation of x
    // from the PReLU's input, which that PReLU's own rule keeps anyway; so a PReLU → batch norm
    // pair keeps one activation for its reverse pass instead of two
    Ops.Kept xv = Ops.kept(x);
    Storage gs = gamma.storage, bs = beta.storage;
    Shape xs = x.shape;
    DType dt = x.dtype;
    // x as the output's recomputation (below) last made it: in a conv unit's reverse pass the
    // next convolution's rule recomputes this output just before this rule runs, so the rule
    // takes that x instead of recomputing it a second time (and drops it)
    java.util.concurrent.atomic.AtomicReference<Storage> lastX = new java.util.concurrent.atomic.AtomicReference<>();
    Tensor y = Ops.result("batchNorm", xs, dt, r[0], (g, out, need) -> {
      Storage xin = lastX.getAndSet(null);
      Storage[] d = fk.batchNormTrainBackward(xin != null ? xin : xv.get().storage, xs, gs, mean.storage, var.storage, eps, g.storage);
      Node.Vjp no = firstOrderOnly("batchNorm gradient");
      return new Tensor[] {
        need[0] ? Ops.result("batchNormGrad", xs, dt, d[0], no, g) : null,
        need[1] ? Ops.result("batchNormGrad", cs, dt, d[1], no, g) : null,
        need[2] ? Ops.result("batchNormGrad", cs, dt, d[2], no, g) : null
      };
    }, x, gamma, beta);
    // the output is one normalisation of x, which the rule above keeps (or recomputes) anyway: a
    // convolution or pooling that reads it in its reverse pass recomputes it instead of keeping it
    if (y.node != null) y.node.recompute = () -> {
      Storage xin = xv.get().storage;
      lastX.set(xin);
      return fk.batchNormTrain(xin, xs, gs, bs, eps)[0];
    };
    return new BatchNormResult(y, mean, var);
  }

  /**
   * Training-mode batch norm of x = PReLU(z) (slope alpha[c]) as one op: a conv unit's PReLU
   * followed by its batch norm. x is formed in registers and never stored: the forward pass
   * reads z twice and writes y, where PReLU then batch norm wrote x and read it three times;
   * the reverse pass reads z and g twice and writes dz, where the pair recomputed x, wrote
   * batch norm's dx and read it back. The values, gradients included, are those of
   * {@code batchNorm(prelu(z, alpha), gamma, beta, eps)} bit for bit (the same operations in the
   * same order), and this is that composition on a backend without the fused kernels.
   */
  public static BatchNormResult preluBatchNorm(Tensor z, Tensor alpha, Tensor gamma, Tensor beta, double eps) {
    checkChannels("preluBatchNorm", z, alpha, gamma, beta);
    FusedKernels fk = fusedOn(z, alpha, gamma, beta);
    if (fk == null) return batchNorm(prelu(z, alpha), gamma, beta, eps);
    Storage[] r = fk.preluBatchNormTrain(z.storage, z.shape, alpha.storage, gamma.storage, beta.storage, eps);
    Shape cs = gamma.shape, shape = z.shape, aShape = alpha.shape;
    DType dt = z.dtype;
    Tensor mean = new Tensor(cs, dt, r[1], null), var = new Tensor(cs, dt, r[2], null);
    Storage zs = z.storage, as = alpha.storage, gs = gamma.storage, bs = beta.storage;
    // the statistics only: r[0] is y, which the recomputation must not keep alive
    Storage[] stats = r.clone();
    stats[0] = null;
    Tensor y = Ops.result("preluBatchNorm", shape, dt, r[0], (g, out, need) -> {
      Storage[] d = fk.preluBatchNormTrainBackward(zs, shape, as, gs, mean.storage, var.storage, eps, g.storage);
      Node.Vjp no = firstOrderOnly("preluBatchNorm gradient");
      return new Tensor[] {
        need[0] ? Ops.result("preluBatchNormGrad", shape, dt, d[0], no, g) : null,
        need[1] ? Ops.result("preluBatchNormGrad", aShape, dt, d[1], no, g) : null,
        need[2] ? Ops.result("preluBatchNormGrad", cs, dt, d[2], no, g) : null,
        need[3] ? Ops.result("preluBatchNormGrad", cs, dt, d[3], no, g) : null
      };
    }, z, alpha, gamma, beta);
    // a convolution or pooling that reads y in its reverse pass recomputes it from z (one pass)
    if (y.node != null) {
      y.node.recompute = () -> fk.preluBatchNormRecompute(zs, shape, as, gs, bs, eps, stats);
      // z is read by the rule above and that recipe only
      y.node.input0OnlyHere = true;
    }
    return new BatchNormResult(y, mean, var);
  }

  /**
   * One SGD-with-momentum step of a parameter (PyTorch's semantics, dampening 0, not Nesterov):
   * g' = g + wd·p (skipped when wd = 0), buf' = μ·buf + g', p' = p − lr·buf'. Returns {p', buf'},
   * constants (no graph). The values are those of the elementwise ops one by one, bit for bit
   * (the same roundings in the same order), in one pass instead of six that each allocate.
   */
  public static Tensor[] sgdMomentumStep(Tensor p, Tensor g, Tensor buf, double weightDecay, double momentum, double lr) {
    if (!p.shape.equals(g.shape) || !p.shape.equals(buf.shape) || p.dtype != g.dtype || p.dtype != buf.dtype)
      throw new IllegalArgumentException("sgdMomentumStep: parameter " + p.shape + " " + p.dtype + ", gradient " + g.shape + " " + g.dtype
          + " and buffer " + buf.shape + " " + buf.dtype + " must match");
    FusedKernels fk = fusedOn(p, g, buf);
    if (fk == null) {
      Tensor gg = weightDecay != 0 ? g.add(p.mul(weightDecay)) : g;
      Tensor b = buf.mul(momentum).add(gg);
      return new Tensor[] {p.sub(b.mul(lr)), b};
    }
    Storage[] r = fk.sgdMomentumStep(p.storage, g.storage, buf.storage, p.shape.size(), weightDecay, momentum, lr);
    return new Tensor[] {new Tensor(p.shape, p.dtype, r[0], null), new Tensor(p.shape, p.dtype, r[1], null)};
  }

  /**
   * Evaluation-mode batch norm with fixed statistics (the running mean and variance, constants):
   * (x − μ)/√(σ² + ε)·γ + β in one pass over x. Its gradient is written with primitives, so it
   * differentiates to any order.
   */
  public static Tensor batchNormEval(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor var, double eps) {
    checkChannels("batchNormEval", x, gamma, beta, mean, var);
    FusedKernels fk = fusedOn(x, gamma, beta, mean, var);
    if (fk == null) return batchNormEvalComposed(x, gamma, beta, mean, var, eps);
    Tensor m = Autodiff.stopGradient(mean), v = Autodiff.stopGradient(var);
    Storage s = fk.batchNormEval(x.storage, x.shape, gamma.storage, beta.storage, m.storage, v.storage, eps);
    return Ops.result("batchNormEval", x.shape, x.dtype, s, (g, out, need) -> {
      int[] view = channelView(x), axes = otherAxes(x);
      Tensor sd = v.add(eps).sqrt().reshape(view);
      return new Tensor[] {
        need[0] ? g.mul(gamma.reshape(view).div(sd)) : null,
        need[1] ? g.mul(x.sub(m.reshape(view)).div(sd)).sum(axes, false) : null,
        need[2] ? g.sum(axes, false) : null
      };
    }, x, gamma, beta);
  }

  /**
   * Evaluation-mode batch norm of x = PReLU(z) (slope alpha[c]) with fixed statistics, for a
   * forward pass nothing is recorded for: one pass over z, x never stored, the bits of
   * {@code batchNormEval(prelu(z, alpha), ...)}. When any input is traced (a gradient may be asked
   * for) or the backend lacks the kernel, it is that composition.
   */
  public static Tensor preluBatchNormEval(Tensor z, Tensor alpha, Tensor gamma, Tensor beta, Tensor mean, Tensor var, double eps) {
    checkChannels("preluBatchNormEval", z, alpha, gamma, beta, mean, var);
    boolean traced = z.node != null || alpha.node != null || gamma.node != null || beta.node != null;
    FusedKernels fk = traced ? null : fusedOn(z, alpha, gamma, beta, mean, var);
    if (fk == null) return batchNormEval(prelu(z, alpha), gamma, beta, mean, var, eps);
    Storage y = fk.preluBatchNormEval(z.storage, z.shape, alpha.storage, gamma.storage, beta.storage, mean.storage, var.storage, eps);
    return new Tensor(z.shape, z.dtype, y, null);
  }

  /** The same function from primitives. */
  public static Tensor batchNormEvalComposed(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor var, double eps) {
    checkChannels("batchNormEval", x, gamma, beta, mean, var);
    int[] view = channelView(x);
    Tensor scale = gamma.div(Autodiff.stopGradient(var).add(eps).sqrt());
    return x.sub(Autodiff.stopGradient(mean).reshape(view)).mul(scale.reshape(view)).add(beta.reshape(view));
  }

  /** The same function from primitives (differentiable to any order). */
  public static BatchNormResult batchNormComposed(Tensor x, Tensor gamma, Tensor beta, double eps) {
    checkChannels("batchNorm", x, gamma, beta);
    int[] axes = otherAxes(x), bshape = channelView(x);
    Tensor mean = x.mean(axes, true);
    Tensor xc = x.sub(mean);
    Tensor var = xc.square().mean(axes, true);
    Tensor y = xc.div(var.add(eps).sqrt()).mul(gamma.reshape(bshape)).add(beta.reshape(bshape));
    return new BatchNormResult(y, Autodiff.stopGradient(mean.reshape(x.dim(1))), Autodiff.stopGradient(var.reshape(x.dim(1))));
  }

  /** PReLU with one learned slope per channel (axis 1). */
  public static Tensor prelu(Tensor x, Tensor alpha) {
    checkChannels("prelu", x, alpha);
    FusedKernels fk = fusedOn(x, alpha);
    if (fk == null) return preluComposed(x, alpha);
    Ops.sameBackend("prelu", x, alpha);
    Storage s = fk.prelu(x.storage, x.shape, alpha.storage);
    Storage xs = x.storage, as = alpha.storage;
    Shape shape = x.shape, aShape = alpha.shape;
    DType dt = x.dtype;
    Tensor y = Ops.result("prelu", shape, dt, s, (g, out, need) -> {
      Storage[] d = fk.preluBackward(xs, shape, as, g.storage);
      Node.Vjp no = firstOrderOnly("prelu gradient");
      return new Tensor[] {
        need[0] ? Ops.result("preluGrad", shape, dt, d[0], no, g) : null,
        need[1] ? Ops.result("preluGrad", aShape, dt, d[1], no, g) : null
      };
    }, x, alpha);
    // the output is one cheap pass over x, which the rule above keeps anyway
    if (y.node != null) y.node.recompute = () -> fk.prelu(xs, shape, as);
    return y;
  }

  public static Tensor preluComposed(Tensor x, Tensor alpha) {
    checkChannels("prelu", x, alpha);
    int[] bshape = channelView(x);
    return x.relu().add(x.minimum(0.0).mul(alpha.reshape(bshape)));
  }
}
