package arcus.core.cpu;

import arcus.core.Backend;
import arcus.core.BinaryOp;
import arcus.core.Conv2dSpec;
import arcus.core.DType;
import arcus.core.FusedKernels;
import arcus.core.MatmulSpec;
import arcus.core.Pool2dSpec;
import arcus.core.PoolKind;
import arcus.core.ReduceOp;
import arcus.core.Shape;
import arcus.core.StepClock;
import arcus.core.Storage;
import arcus.core.UnaryOp;

/**
 * The default backend: host arrays, SIMD kernels on the Vector API, work spread over the shared
 * {@link Parallel} pool. Every other backend is tested against this one.
 */
public final class CpuBackend implements Backend, FusedKernels {
  public static final CpuBackend INSTANCE = new CpuBackend();

  static {
    JitCheck.startOnce();
  }

  private CpuBackend() {}

  @Override
  public String name() {
    return "cpu";
  }

  private static HostStorage host(Storage s) {
    if (s instanceof HostStorage h) return h;
    throw new IllegalArgumentException("cpu backend given a storage of backend " + s.backend().name());
  }

  @Override
  public boolean beginReversePass() {
    return Recycler.begin();
  }

  @Override
  public void endReversePass() {
    Recycler.end();
  }

  @Override
  public void recycle(Storage s) {
    if (s instanceof HostStorage h) Recycler.give(h.f());
  }

  @Override
  public void release(Storage s) {
    if (s instanceof HostStorage h) Recycler.giveDead(h.f());
  }

  private static Object data(Storage s) {
    HostStorage h = host(s);
    return h.f() != null ? h.f() : h.d();
  }

  private static HostStorage wrap(Object o) {
    return o instanceof float[] f ? HostStorage.of(f) : HostStorage.of((double[]) o);
  }

  @Override
  public Storage fromHost(float[] data) {
    return HostStorage.of(data);
  }

  @Override
  public Storage fromHost(double[] data) {
    return HostStorage.of(data);
  }

  @Override
  public float[] toFloatArray(Storage s) {
    HostStorage h = host(s);
    if (h.f() != null) return h.f().clone();
    float[] r = new float[h.d().length];
    for (int i = 0; i < r.length; i++) r[i] = (float) h.d()[i];
    return r;
  }

  @Override
  public double[] toDoubleArray(Storage s) {
    HostStorage h = host(s);
    if (h.d() != null) return h.d().clone();
    double[] r = new double[h.f().length];
    for (int i = 0; i < r.length; i++) r[i] = h.f()[i];
    return r;
  }

  @Override
  public Storage cast(Storage s, DType to) {
    if (s.dtype() == to) return s;
    return to == DType.F32 ? HostStorage.of(toFloatArray(s)) : HostStorage.of(toDoubleArray(s));
  }

  @Override
  public Storage fill(DType dtype, int size, double value) {
    if (dtype == DType.F32) {
      float[] f = new float[size];
      if (value != 0) java.util.Arrays.fill(f, (float) value);
      return HostStorage.of(f);
    }
    double[] d = new double[size];
    if (value != 0) java.util.Arrays.fill(d, value);
    return HostStorage.of(d);
  }

  @Override
  public Storage unary(UnaryOp op, Storage x) {
    HostStorage h = host(x);
    return h.f() != null ? HostStorage.of(Elementwise.unary(op, h.f())) : HostStorage.of(Elementwise.unary(op, h.d()));
  }

  @Override
  public Storage binary(BinaryOp op, Storage a, Shape as, Storage b, Shape bs, Shape out) {
    HostStorage ha = host(a), hb = host(b);
    Broadcast p = Broadcast.plan(out, as, bs);
    return ha.f() != null
        ? HostStorage.of(Elementwise.binary(op, ha.f(), hb.f(), p, out.size()))
        : HostStorage.of(Elementwise.binary(op, ha.d(), hb.d(), p, out.size()));
  }

  @Override
  public Storage where(Storage cond, Shape cs, Storage a, Shape as, Storage b, Shape bs, Shape out) {
    HostStorage hc = host(cond), ha = host(a), hb = host(b);
    Broadcast p = Broadcast.plan(out, cs, as, bs);
    if (ha.f() != null) {
      float[] c = hc.f() != null ? hc.f() : toFloatArray(hc);
      return HostStorage.of(Elementwise.where(c, ha.f(), hb.f(), p, out.size()));
    }
    double[] c = hc.d() != null ? hc.d() : toDoubleArray(hc);
    return HostStorage.of(Elementwise.where(c, ha.d(), hb.d(), p, out.size()));
  }

  @Override
  public Storage reduce(ReduceOp op, Storage x, Shape xs, boolean[] axes) {
    int[] kept = xs.dims();
    for (int i = 0; i < kept.length; i++) if (axes[i]) kept[i] = 1;
    Shape ks = Shape.of(kept);
    HostStorage h = host(x);
    return h.f() != null ? HostStorage.of(Reductions.reduce(op, h.f(), xs, ks)) : HostStorage.of(Reductions.reduce(op, h.d(), xs, ks));
  }

  @Override
  public int[] argmax(Storage x, Shape xs, int axis) {
    HostStorage h = host(x);
    return Reductions.argmax(h.f(), h.d(), xs, axis);
  }

  @Override
  public Storage permute(Storage x, Shape xs, int[] perm) {
    return wrap(ShapeKernels.permute(data(x), xs, perm));
  }

  @Override
  public Storage broadcastTo(Storage x, Shape xs, Shape out) {
    return wrap(ShapeKernels.broadcastTo(data(x), xs, out));
  }

  @Override
  public Storage slice(Storage x, Shape xs, int[] begin, int[] end) {
    return wrap(ShapeKernels.slice(data(x), xs, begin, end));
  }

  @Override
  public Storage pad(Storage x, Shape xs, int[] before, int[] after) {
    return wrap(ShapeKernels.pad(data(x), xs, before, after));
  }

  @Override
  public Storage concat(Storage[] parts, Shape[] shapes, int axis, Shape out) {
    Object[] d = new Object[parts.length];
    for (int i = 0; i < d.length; i++) d[i] = data(parts[i]);
    return wrap(ShapeKernels.concat(d, shapes, axis, out));
  }

  @Override
  public Storage takeAlong(Storage x, Shape xs, int axis, int[] idx) {
    return wrap(ShapeKernels.takeAlong(data(x), xs, axis, idx));
  }

  @Override
  public Storage scatterAlong(Storage g, Shape gs, int axis, int[] idx, int size) {
    int[] d = new int[gs.rank() + 1];
    for (int i = 0, j = 0; i < d.length; i++) d[i] = i == axis ? size : gs.dim(j++);
    return wrap(ShapeKernels.scatterAlong(data(g), axis, idx, size, Shape.of(d)));
  }

  @Override
  public Storage indexSelect(Storage x, Shape xs, int axis, int[] idx) {
    return wrap(ShapeKernels.indexSelect(data(x), xs, axis, idx));
  }

  @Override
  public Storage indexAdd(Storage g, Shape gs, int axis, int[] idx, int size) {
    return wrap(ShapeKernels.indexAdd(data(g), gs, axis, idx, size));
  }

  /** Adds the time since {@code t0} to the step clock bound to this thread, if any. */
  private static void clock(StepClock.Kernel k, long t0) {
    StepClock c = StepClock.current();
    if (c != null) c.addKernel(k, System.nanoTime() - t0);
  }

  @Override
  public Storage matmul(Storage a, Storage b, MatmulSpec s) {
    HostStorage ha = host(a), hb = host(b);
    int m = s.m(), n = s.n(), k = s.k();
    int lda = s.transA() ? m : k, ldb = s.transB() ? k : n;
    int aStep = s.batchA() ? m * k : 0, bStep = s.batchB() ? k * n : 0;
    if (ha.f() != null) {
      float[] c = Recycler.take(s.batch() * m * n);
      long t0 = System.nanoTime();
      for (int i = 0; i < s.batch(); i++)
        Gemm.sgemm(s.transA(), s.transB(), m, n, k, ha.f(), i * aStep, lda, hb.f(), i * bStep, ldb, c, i * m * n, n, false);
      clock(StepClock.Kernel.GEMM, t0);
      return HostStorage.of(c);
    }
    double[] c = new double[s.batch() * m * n];
    for (int i = 0; i < s.batch(); i++)
      Gemm.dgemm(s.transA(), s.transB(), m, n, k, ha.d(), i * aStep, lda, hb.d(), i * bStep, ldb, c, i * m * n, n, false);
    return HostStorage.of(c);
  }

  @Override
  public Storage conv2d(Storage x, Shape xs, Storage w, Shape ws, Conv2dSpec c) {
    return conv2d(x, xs, w, ws, null, c);
  }

  /**
   * The convolution with its bias: in float, added by the convolution image by image while the
   * outputs are in cache ({@link ConvKernels#conv2dForward}); in double, added in place before
   * the array escapes.
   */
  @Override
  public Storage conv2dBias(Storage x, Shape xs, Storage w, Shape ws, Storage b, Conv2dSpec c) {
    return conv2d(x, xs, w, ws, host(b), c);
  }

  /**
   * A float convolution whose forward and weight-gradient passes both run as Winograd keeps the
   * input transform V (in an array from the recycler) when it fits the budget
   * ({@link ConvKernels#keepTransformBytes}); anything else as {@link #conv2dBias}.
   */
  @Override
  public ConvForward conv2dForTraining(Storage x, Shape xs, Storage w, Shape ws, Storage b, Conv2dSpec c) {
    HostStorage hx = host(x), hw = host(w), hb = b == null ? null : host(b);
    if (hx.f() != null) {
      ConvKernels.Geom g = geom(xs, ws, c);
      long len = ConvKernels.keptTransformLength(g);
      if (len > 0 && len <= Integer.MAX_VALUE) {
        float[] y = Recycler.take(g.n() * g.oc() * g.ohw()), v = Recycler.take((int) len);
        long t0 = System.nanoTime();
        ConvKernels.conv2dForwardKeeping(hx.f(), g, hw.f(), hb == null ? null : hb.f(), y, v);
        clock(StepClock.Kernel.CONV, t0);
        return new ConvForward(HostStorage.of(y), HostStorage.of(v));
      }
    }
    return new ConvForward(conv2d(x, xs, w, ws, hb, c), null);
  }

  @Override
  public Storage conv2dBackwardWeightKept(Storage kept, Shape xs, Storage gy, Shape ys, Shape ws, Conv2dSpec c) {
    HostStorage hk = host(kept), hg = host(gy);
    ConvKernels.Geom g = geom(xs, ws, c);
    if (hk.f() == null || hg.f() == null || hk.f().length != Winograd.keptLength(Winograd.DEFAULT, g))
      throw new IllegalArgumentException("conv2dBackwardWeightKept: what was kept is not the input transform of a float convolution " + xs + " * " + ws + " with " + c);
    float[] gw = new float[ws.size()];
    long t0 = System.nanoTime();
    ConvKernels.conv2dBackwardWeightKept(hk.f(), g, hg.f(), gw);
    clock(StepClock.Kernel.CONV, t0);
    return HostStorage.of(gw);
  }

  private static ConvKernels.Geom geom(Shape xs, Shape ws, Conv2dSpec c) {
    return ConvKernels.Geom.of(xs.dim(0), xs.dim(1), xs.dim(2), xs.dim(3), ws.dim(0), ws.dim(2), ws.dim(3),
        c.strideH(), c.strideW(), c.padH(), c.padW(), c.dilationH(), c.dilationW());
  }

  /** The forward convolution into a fresh array, plus the bias {@code hb} when it is not null. */
  private Storage conv2d(Storage x, Shape xs, Storage w, Shape ws, HostStorage hb, Conv2dSpec c) {
    HostStorage hx = host(x), hw = host(w);
    int n = xs.dim(0), ch = xs.dim(1), h = xs.dim(2), wd = xs.dim(3), oc = ws.dim(0), kh = ws.dim(2), kw = ws.dim(3);
    int plane = c.outH(h, kh) * c.outW(wd, kw), size = n * oc * plane;
    if (hx.f() != null) {
      float[] y = Recycler.take(size);
      long t0 = System.nanoTime();
      ConvKernels.conv2dForward(hx.f(), n, ch, h, wd, hw.f(), oc, kh, kw, c.strideH(), c.strideW(), c.padH(), c.padW(), c.dilationH(), c.dilationW(),
          hb == null ? null : hb.f(), y);
      clock(StepClock.Kernel.CONV, t0);
      return HostStorage.of(y);
    }
    double[] y = new double[size];
    ConvKernels.conv2dForward(hx.d(), n, ch, h, wd, hw.d(), oc, kh, kw, c.strideH(), c.strideW(), c.padH(), c.padW(), c.dilationH(), c.dilationW(), y);
    if (hb != null) NormKernels.addChannelBias(y, n, oc, plane, hb.d());
    return HostStorage.of(y);
  }

  @Override
  public Storage conv2dBackwardInput(Storage gy, Shape ys, Storage w, Shape ws, Shape xs, Conv2dSpec c) {
    HostStorage hg = host(gy), hw = host(w);
    int n = xs.dim(0), ch = xs.dim(1), h = xs.dim(2), wd = xs.dim(3), oc = ws.dim(0), kh = ws.dim(2), kw = ws.dim(3);
    if (hg.f() != null) {
      float[] gx = Recycler.take(xs.size());
      long t0 = System.nanoTime();
      ConvKernels.conv2dBackwardInput(hg.f(), n, ch, h, wd, hw.f(), oc, kh, kw, c.strideH(), c.strideW(), c.padH(), c.padW(), c.dilationH(), c.dilationW(), gx);
      clock(StepClock.Kernel.CONV, t0);
      return HostStorage.of(gx);
    }
    double[] gx = new double[xs.size()];
    ConvKernels.conv2dBackwardInput(hg.d(), n, ch, h, wd, hw.d(), oc, kh, kw, c.strideH(), c.strideW(), c.padH(), c.padW(), c.dilationH(), c.dilationW(), gx);
    return HostStorage.of(gx);
  }

  @Override
  public Storage conv2dBackwardWeight(Storage x, Shape xs, Storage gy, Shape ys, Shape ws, Conv2dSpec c) {
    HostStorage hx = host(x), hg = host(gy);
    int n = xs.dim(0), ch = xs.dim(1), h = xs.dim(2), wd = xs.dim(3), oc = ws.dim(0), kh = ws.dim(2), kw = ws.dim(3);
    if (hx.f() != null) {
      float[] gw = new float[ws.size()];
      long t0 = System.nanoTime();
      ConvKernels.conv2dBackwardWeight(hx.f(), n, ch, h, wd, hg.f(), oc, kh, kw, c.strideH(), c.strideW(), c.padH(), c.padW(), c.dilationH(), c.dilationW(), gw);
      clock(StepClock.Kernel.CONV, t0);
      return HostStorage.of(gw);
    }
    double[] gw = new double[ws.size()];
    ConvKernels.conv2dBackwardWeight(hx.d(), n, ch, h, wd, hg.d(), oc, kh, kw, c.strideH(), c.strideW(), c.padH(), c.padW(), c.dilationH(), c.dilationW(), gw);
    return HostStorage.of(gw);
  }

  @Override
  public Storage pool2d(PoolKind kind, Storage x, Shape xs, Pool2dSpec p) {
    HostStorage hx = host(x);
    int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), w = xs.dim(3);
    int size = n * c * p.outH(h) * p.outW(w);
    if (hx.f() != null) {
      float[] y = Recycler.take(size);
      if (kind == PoolKind.MAX) PoolKernels.maxPool2dForward(hx.f(), n, c, h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), y);
      else PoolKernels.avgPool2dForward(hx.f(), n, c, h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), y);
      return HostStorage.of(y);
    }
    double[] y = new double[size];
    if (kind == PoolKind.MAX) PoolKernels.maxPool2dForward(hx.d(), n, c, h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), y);
    else PoolKernels.avgPool2dForward(hx.d(), n, c, h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), y);
    return HostStorage.of(y);
  }

  @Override
  public Storage pool2dBackward(PoolKind kind, Storage x, Shape xs, Storage gy, Pool2dSpec p) {
    HostStorage hx = host(x), hg = host(gy);
    int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), w = xs.dim(3);
    if (hx.f() != null) {
      float[] gx = Recycler.take(xs.size());
      if (kind == PoolKind.MAX) PoolKernels.maxPool2dBackward(hx.f(), n, c, h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), hg.f(), gx);
      else PoolKernels.avgPool2dBackward(hg.f(), n, c, h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), gx);
      return HostStorage.of(gx);
    }
    double[] gx = new double[xs.size()];
    if (kind == PoolKind.MAX) PoolKernels.maxPool2dBackward(hx.d(), n, c, h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), hg.d(), gx);
    else PoolKernels.avgPool2dBackward(hg.d(), n, c, h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), gx);
    return HostStorage.of(gx);
  }

  @Override
  public Storage maxPool2dGather(Storage x, Shape xs, Storage gx, Pool2dSpec p) {
    HostStorage hx = host(x), hg = host(gx);
    int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), w = xs.dim(3);
    int size = n * c * p.outH(h) * p.outW(w);
    if (hx.f() != null) {
      float[] gy = new float[size];
      PoolKernels.maxPool2dGather(hx.f(), n, c, h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), hg.f(), gy);
      return HostStorage.of(gy);
    }
    double[] gy = new double[size];
    PoolKernels.maxPool2dGather(hx.d(), n, c, h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), hg.d(), gy);
    return HostStorage.of(gy);
  }

  // ------------------------------------------------------------------ fused kernels

  private static int spatial(Shape xs) {
    int s = 1;
    for (int i = 2; i < xs.rank(); i++) s *= xs.dim(i);
    return s;
  }

  @Override
  public Storage[] batchNormTrain(Storage x, Shape xs, Storage gamma, Storage beta, double eps) {
    HostStorage hx = host(x), hg = host(gamma), hb = host(beta);
    int n = xs.dim(0), c = xs.dim(1), s = spatial(xs);
    if (hx.f() != null) {
      float[] y = Recycler.take(xs.size()), m = new float[c], v = new float[c];
      NormKernels.batchNormTrain(hx.f(), n, c, s, hg.f(), hb.f(), eps, y, m, v);
      return new Storage[] {HostStorage.of(y), HostStorage.of(m), HostStorage.of(v)};
    }
    double[] y = new double[xs.size()], m = new double[c], v = new double[c];
    NormKernels.batchNormTrain(hx.d(), n, c, s, hg.d(), hb.d(), eps, y, m, v);
    return new Storage[] {HostStorage.of(y), HostStorage.of(m), HostStorage.of(v)};
  }

  @Override
  public Storage batchNormEval(Storage x, Shape xs, Storage gamma, Storage beta, Storage mean, Storage var, double eps) {
    HostStorage hx = host(x), hg = host(gamma), hb = host(beta), hm = host(mean), hv = host(var);
    int n = xs.dim(0), c = xs.dim(1), s = spatial(xs);
    if (hx.f() != null) {
      float[] y = new float[xs.size()];
      NormKernels.batchNormEval(hx.f(), n, c, s, hg.f(), hb.f(), hm.f(), hv.f(), eps, y);
      return HostStorage.of(y);
    }
    double[] y = new double[xs.size()];
    NormKernels.batchNormEval(hx.d(), n, c, s, hg.d(), hb.d(), hm.d(), hv.d(), eps, y);
    return HostStorage.of(y);
  }

  @Override
  public Storage[] batchNormTrainBackward(Storage x, Shape xs, Storage gamma, Storage mean, Storage var, double eps, Storage g) {
    HostStorage hx = host(x), hga = host(gamma), hm = host(mean), hv = host(var), hg = host(g);
    int n = xs.dim(0), c = xs.dim(1), s = spatial(xs);
    if (hx.f() != null) {
      float[] dx = Recycler.take(xs.size()), dg = new float[c], db = new float[c];
      NormKernels.batchNormTrainBackward(hx.f(), n, c, s, hga.f(), hm.f(), hv.f(), eps, hg.f(), dx, dg, db);
      return new Storage[] {HostStorage.of(dx), HostStorage.of(dg), HostStorage.of(db)};
    }
    double[] dx = new double[xs.size()], dg = new double[c], db = new double[c];
    NormKernels.batchNormTrainBackward(hx.d(), n, c, s, hga.d(), hm.d(), hv.d(), eps, hg.d(), dx, dg, db);
    return new Storage[] {HostStorage.of(dx), HostStorage.of(dg), HostStorage.of(db)};
  }

  @Override
  public Storage prelu(Storage x, Shape xs, Storage alpha) {
    HostStorage hx = host(x), ha = host(alpha);
    int n = xs.dim(0), c = xs.dim(1), s = spatial(xs);
    if (hx.f() != null) {
      float[] y = Recycler.take(xs.size());
      NormKernels.prelu(hx.f(), n, c, s, ha.f(), y);
      return HostStorage.of(y);
    }
    double[] y = new double[xs.size()];
    NormKernels.prelu(hx.d(), n, c, s, ha.d(), y);
    return HostStorage.of(y);
  }

  @Override
  public Storage[] preluBackward(Storage x, Shape xs, Storage alpha, Storage g) {
    HostStorage hx = host(x), ha = host(alpha), hg = host(g);
    int n = xs.dim(0), c = xs.dim(1), s = spatial(xs);
    if (hx.f() != null) {
      float[] dx = Recycler.take(xs.size()), da = new float[c];
      NormKernels.preluBackward(hx.f(), n, c, s, ha.f(), hg.f(), dx, da);
      return new Storage[] {HostStorage.of(dx), HostStorage.of(da)};
    }
    double[] dx = new double[xs.size()], da = new double[c];
    NormKernels.preluBackward(hx.d(), n, c, s, ha.d(), hg.d(), dx, da);
    return new Storage[] {HostStorage.of(dx), HostStorage.of(da)};
  }

  @Override
  public Storage[] preluBatchNormTrain(Storage z, Shape zs, Storage alpha, Storage gamma, Storage beta, double eps) {
    HostStorage hz = host(z), ha = host(alpha), hg = host(gamma), hb = host(beta);
    int n = zs.dim(0), c = zs.dim(1), s = spatial(zs);
    if (hz.f() != null) {
      float[] y = Recycler.take(zs.size()), m = new float[c], v = new float[c], k = new float[c];
      NormKernels.batchNormTrain(hz.f(), n, c, s, ha.f(), hg.f(), hb.f(), eps, y, m, v, k);
      return new Storage[] {HostStorage.of(y), HostStorage.of(m), HostStorage.of(v), HostStorage.of(k)};
    }
    // float64 (for checking): the two kernels in turn
    return batchNormTrain(prelu(z, zs, alpha), zs, gamma, beta, eps);
  }

  @Override
  public Storage preluBatchNormEval(Storage z, Shape zs, Storage alpha, Storage gamma, Storage beta, Storage mean, Storage var, double eps) {
    HostStorage hz = host(z);
    if (hz.f() == null) return FusedKernels.super.preluBatchNormEval(z, zs, alpha, gamma, beta, mean, var, eps);
    int n = zs.dim(0), c = zs.dim(1), s = spatial(zs);
    float[] y = new float[zs.size()];
    NormKernels.preluBatchNormEval(hz.f(), n, c, s, host(alpha).f(), host(gamma).f(), host(beta).f(), host(mean).f(), host(var).f(), eps, y);
    return HostStorage.of(y);
  }

  @Override
  public Storage preluBatchNormRecompute(Storage z, Shape zs, Storage alpha, Storage gamma, Storage beta, double eps, Storage[] r) {
    HostStorage hz = host(z);
    if (hz.f() != null) {
      int n = zs.dim(0), c = zs.dim(1), s = spatial(zs);
      float[] y = Recycler.take(zs.size());
      NormKernels.batchNormApply(hz.f(), n, c, s, host(alpha).f(), host(r[1]).f(), host(r[3]).f(), host(beta).f(), y);
      return HostStorage.of(y);
    }
    return preluBatchNormTrain(z, zs, alpha, gamma, beta, eps)[0];
  }

  @Override
  public Storage[] preluBatchNormTrainBackward(Storage z, Shape zs, Storage alpha, Storage gamma, Storage mean, Storage var, double eps,
                                               Storage g) {
    HostStorage hz = host(z), ha = host(alpha), hga = host(gamma), hm = host(mean), hv = host(var), hg = host(g);
    int n = zs.dim(0), c = zs.dim(1), s = spatial(zs);
    if (hz.f() != null) {
      float[] dz = Recycler.take(zs.size()), da = new float[c], dg = new float[c], db = new float[c];
      NormKernels.batchNormTrainBackward(hz.f(), n, c, s, ha.f(), hga.f(), hm.f(), hv.f(), eps, hg.f(), dz, dg, db, da);
      return new Storage[] {HostStorage.of(dz), HostStorage.of(da), HostStorage.of(dg), HostStorage.of(db)};
    }
    Storage[] bn = batchNormTrainBackward(prelu(z, zs, alpha), zs, gamma, mean, var, eps, g);
    Storage[] pr = preluBackward(z, zs, alpha, bn[0]);
    return new Storage[] {pr[0], pr[1], bn[1], bn[2]};
  }

  @Override
  public Storage[] sgdMomentumStep(Storage p, Storage g, Storage buf, int n, double weightDecay, double momentum, double lr) {
    HostStorage hp = host(p), hg = host(g), hb = host(buf);
    if (hp.f() != null) {
      float[] po = Recycler.take(n), bo = Recycler.take(n);
      OptimKernels.sgdMomentum(hp.f(), hg.f(), hb.f(), n, weightDecay, momentum, lr, po, bo);
      return new Storage[] {HostStorage.of(po), HostStorage.of(bo)};
    }
    double[] po = new double[n], bo = new double[n];
    OptimKernels.sgdMomentum(hp.d(), hg.d(), hb.d(), n, weightDecay, momentum, lr, po, bo);
    return new Storage[] {HostStorage.of(po), HostStorage.of(bo)};
  }
}
