package arcus.gpu;

import arcus.core.Backend;
import arcus.core.BinaryOp;
import arcus.core.Conv2dSpec;
import arcus.core.DType;
import arcus.core.MatmulSpec;
import arcus.core.Pool2dSpec;
import arcus.core.PoolKind;
import arcus.core.ReduceOp;
import arcus.core.Shape;
import arcus.core.Storage;
import arcus.core.UnaryOp;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The GPU backend. Every op is planned here on the host (output sizes, strides, index tables)
 * and executed as launches of the static kernels in this package on a {@link KernelExecutor}:
 * TornadoVM's ({@code --backend tornado}) or the {@link JvmExecutor} ({@code --backend
 * jvm-kernels}, and the default-build tests). Storages are {@link DeviceStorage}s; the host
 * reads them only through {@link #toFloatArray} / {@link #toDoubleArray} (and {@link #argmax}),
 * counted in {@link #downloads()}. What the TornadoVM executor itself copies between host and
 * device per launch is counted by {@link KernelExecutor#hostToDevice()} and
 * {@link KernelExecutor#deviceToHost()} (see docs/gpu.md: data does not yet stay on the device
 * between launches).
 *
 * <p>Each instance is one device context: storages of another instance, or of another backend,
 * are refused with an error naming both.
 */
public final class TornadoBackend implements Backend, AutoCloseable {
  /** Elements per JVM task for a kernel doing O(1) work per index. */
  private static final int GRAIN = 1 << 14;

  private final KernelExecutor exec;
  private final AtomicLong uploads = new AtomicLong();
  private final AtomicLong downloads = new AtomicLong();

  public TornadoBackend(KernelExecutor exec) {
    this.exec = java.util.Objects.requireNonNull(exec, "executor");
  }

  /** A backend whose kernels run on the JVM, as in tests and on machines without TornadoVM. */
  public static TornadoBackend onJvm() {
    return new TornadoBackend(new JvmExecutor());
  }

  @Override
  public String name() {
    return "tornado";
  }

  public KernelExecutor executor() {
    return exec;
  }

  /** Host-to-device copies so far ({@link #fromHost}). */
  public long uploads() {
    return uploads.get();
  }

  /** Device-to-host copies so far: reads of a storage the host had no current copy of, and argmax results. */
  public long downloads() {
    return downloads.get();
  }

  /** All host transfers so far, both directions. */
  public long transfers() {
    return uploads() + downloads();
  }

  /** Releases the executor's device plans and buffers; the backend cannot run kernels afterwards. */
  @Override
  public void close() {
    exec.close();
  }

  @Override
  public String toString() {
    return "tornado backend (" + exec.name() + " executor)";
  }

  // ------------------------------------------------------------------ plumbing

  private DeviceStorage own(Storage s) {
    if (s instanceof DeviceStorage d && d.backend() == this) return d;
    String other = s instanceof DeviceStorage ? "another tornado backend instance (a different device context)" : "backend '" + s.backend().name() + "'";
    throw new IllegalArgumentException(this + " was given a storage of " + other + "; move the tensor first with tensor.to(backend)");
  }

  private static boolean f32(Storage s) {
    return s.dtype() == DType.F32;
  }

  private void launch(String kernel, int range, int grain, Object out, KernelExecutor.RangeBody body, Object... args) {
    exec.launch(new KernelExecutor.Launch(kernel, range, grain, args, new Object[] {out}, body));
  }

  private static int grain(long workPerIndex) {
    return (int) Math.max(1, GRAIN / Math.max(1, workPerIndex));
  }

  private DeviceStorage out(float[] f) {
    return DeviceStorage.ofDevice(this, f);
  }

  private DeviceStorage out(double[] d) {
    return DeviceStorage.ofDevice(this, d);
  }

  /** Strides of {@code in} over the dims of {@code out} (NumPy alignment), 0 along broadcast axes. */
  private static int[] broadcastStrides(Shape in, Shape out) {
    int r = out.rank(), off = r - in.rank();
    int[] st = in.strides(), s = new int[r];
    for (int i = off; i < r; i++) s[i] = in.dim(i - off) == 1 ? 0 : st[i - off];
    return s;
  }

  /** {outer, axis length, inner} of a shape split at {@code axis}. */
  private static int[] split(Shape s, int axis) {
    int outer = 1, inner = 1;
    for (int i = 0; i < axis; i++) outer *= s.dim(i);
    for (int i = axis + 1; i < s.rank(); i++) inner *= s.dim(i);
    return new int[] {outer, s.dim(axis), inner};
  }

  private Storage zeros(DType dtype, int size) {
    return fill(dtype, size, 0);
  }

  // ------------------------------------------------------------------ host transfers

  @Override
  public Storage fromHost(float[] data) {
    exec.fromHost(data);
    uploads.incrementAndGet();
    return DeviceStorage.ofHost(this, data);
  }

  @Override
  public Storage fromHost(double[] data) {
    exec.fromHost(data);
    uploads.incrementAndGet();
    return DeviceStorage.ofHost(this, data);
  }

  private void download(DeviceStorage d) {
    synchronized (d) {
      if (!d.hostStale()) return;
      exec.syncToHost(d.buffer());
      downloads.incrementAndGet();
      d.markHostCurrent();
    }
  }

  @Override
  public float[] toFloatArray(Storage s) {
    DeviceStorage d = own(s);
    download(d);
    if (d.f() != null) return d.f().clone();
    float[] r = new float[d.size()];
    for (int i = 0; i < r.length; i++) r[i] = (float) d.d()[i];
    return r;
  }

  @Override
  public double[] toDoubleArray(Storage s) {
    DeviceStorage d = own(s);
    download(d);
    if (d.d() != null) return d.d().clone();
    double[] r = new double[d.size()];
    for (int i = 0; i < r.length; i++) r[i] = d.f()[i];
    return r;
  }

  // ------------------------------------------------------------------ elementwise

  @Override
  public Storage cast(Storage s, DType to) {
    DeviceStorage x = own(s);
    if (x.dtype() == to) return x;
    int n = x.size();
    if (to == DType.F64) {
      double[] y = new double[n];
      launch("ElementwiseKernels.castToDouble", n, GRAIN, y, (a, b) -> ElementwiseKernels.castToDouble(x.f(), y, a, b), x.f(), y);
      return out(y);
    }
    float[] y = new float[n];
    launch("ElementwiseKernels.castToFloat", n, GRAIN, y, (a, b) -> ElementwiseKernels.castToFloat(x.d(), y, a, b), x.d(), y);
    return out(y);
  }

  @Override
  public Storage fill(DType dtype, int size, double value) {
    if (dtype == DType.F32) {
      float[] y = new float[size];
      float v = (float) value;
      launch("ElementwiseKernels.fill", size, GRAIN, y, (a, b) -> ElementwiseKernels.fill(y, v, a, b), y, v);
      return out(y);
    }
    double[] y = new double[size];
    launch("ElementwiseKernels.fill", size, GRAIN, y, (a, b) -> ElementwiseKernels.fill(y, value, a, b), y, value);
    return out(y);
  }

  @Override
  public Storage unary(UnaryOp op, Storage s) {
    DeviceStorage x = own(s);
    int code = op.ordinal(), n = x.size();
    if (f32(x)) {
      float[] y = new float[n];
      launch("ElementwiseKernels.unary", n, GRAIN, y, (a, b) -> ElementwiseKernels.unary(code, x.f(), y, a, b), code, x.f(), y);
      return out(y);
    }
    double[] y = new double[n];
    launch("ElementwiseKernels.unary", n, GRAIN, y, (a, b) -> ElementwiseKernels.unary(code, x.d(), y, a, b), code, x.d(), y);
    return out(y);
  }

  @Override
  public Storage binary(BinaryOp op, Storage sa, Shape as, Storage sb, Shape bs, Shape outShape) {
    DeviceStorage a = own(sa), b = own(sb);
    int code = op.ordinal(), n = outShape.size();
    int[] ast = broadcastStrides(as, outShape), bst = broadcastStrides(bs, outShape), dims = outShape.dims();
    if (f32(a)) {
      float[] y = new float[n];
      launch("ElementwiseKernels.binary", n, GRAIN, y, (f, t) -> ElementwiseKernels.binary(code, a.f(), ast, b.f(), bst, dims, y, f, t), code, a.f(), ast, b.f(), bst, dims, y);
      return out(y);
    }
    double[] y = new double[n];
    launch("ElementwiseKernels.binary", n, GRAIN, y, (f, t) -> ElementwiseKernels.binary(code, a.d(), ast, b.d(), bst, dims, y, f, t), code, a.d(), ast, b.d(), bst, dims, y);
    return out(y);
  }

  @Override
  public Storage where(Storage sc, Shape cs, Storage sa, Shape as, Storage sb, Shape bs, Shape outShape) {
    DeviceStorage a = own(sa), b = own(sb);
    DeviceStorage c = (DeviceStorage) cast(own(sc), a.dtype());
    int n = outShape.size();
    int[] cst = broadcastStrides(cs, outShape), ast = broadcastStrides(as, outShape), bst = broadcastStrides(bs, outShape), dims = outShape.dims();
    if (f32(a)) {
      float[] y = new float[n];
      launch("ElementwiseKernels.where", n, GRAIN, y, (f, t) -> ElementwiseKernels.where(c.f(), cst, a.f(), ast, b.f(), bst, dims, y, f, t), c.f(), cst, a.f(), ast, b.f(), bst, dims, y);
      return out(y);
    }
    double[] y = new double[n];
    launch("ElementwiseKernels.where", n, GRAIN, y, (f, t) -> ElementwiseKernels.where(c.d(), cst, a.d(), ast, b.d(), bst, dims, y, f, t), c.d(), cst, a.d(), ast, b.d(), bst, dims, y);
    return out(y);
  }

  // ------------------------------------------------------------------ reductions

  @Override
  public Storage reduce(ReduceOp op, Storage s, Shape xs, boolean[] axes) {
    DeviceStorage x = own(s);
    int r = xs.rank();
    int[] outDims = xs.dims(), st = xs.strides();
    int nred = 0;
    for (int i = 0; i < r; i++) if (axes[i]) nred++;
    int[] redDims = new int[nred], redStrides = new int[nred];
    int redCount = 1;
    for (int i = 0, j = 0; i < r; i++)
      if (axes[i]) {
        redDims[j] = outDims[i];
        redStrides[j++] = st[i];
        redCount *= outDims[i];
        outDims[i] = 1;
      }
    int n = Shape.of(outDims).size(), rc = redCount, g = grain(redCount);
    boolean max = op == ReduceOp.MAX;
    if (rc == 0) return fill(x.dtype(), n, max ? Double.NEGATIVE_INFINITY : 0);
    String kernel = max ? "ReduceKernels.reduceMax" : "ReduceKernels.reduceSum";
    if (f32(x)) {
      float[] y = new float[n];
      launch(kernel, n, g, y, (f, t) -> {
        if (max) ReduceKernels.reduceMax(x.f(), outDims, st, redDims, redStrides, rc, y, f, t);
        else ReduceKernels.reduceSum(x.f(), outDims, st, redDims, redStrides, rc, y, f, t);
      }, x.f(), outDims, st, redDims, redStrides, rc, y);
      return out(y);
    }
    double[] y = new double[n];
    launch(kernel, n, g, y, (f, t) -> {
      if (max) ReduceKernels.reduceMax(x.d(), outDims, st, redDims, redStrides, rc, y, f, t);
      else ReduceKernels.reduceSum(x.d(), outDims, st, redDims, redStrides, rc, y, f, t);
    }, x.d(), outDims, st, redDims, redStrides, rc, y);
    return out(y);
  }

  @Override
  public int[] argmax(Storage s, Shape xs, int axis) {
    DeviceStorage x = own(s);
    int[] oai = split(xs, axis);
    int a = oai[1], inner = oai[2], n = oai[0] * inner;
    int[] y = new int[n];
    if (f32(x)) launch("ReduceKernels.argmax", n, grain(a), y, (f, t) -> ReduceKernels.argmax(x.f(), a, inner, y, f, t), x.f(), a, inner, y);
    else launch("ReduceKernels.argmax", n, grain(a), y, (f, t) -> ReduceKernels.argmax(x.d(), a, inner, y, f, t), x.d(), a, inner, y);
    exec.syncToHost(y);
    downloads.incrementAndGet();
    return y;
  }

  // ------------------------------------------------------------------ layout

  private Storage gather(DeviceStorage x, int base, int[] strides, int[] dims) {
    int n = Shape.of(dims).size();
    if (f32(x)) {
      float[] y = new float[n];
      launch("LayoutKernels.gather", n, GRAIN, y, (f, t) -> LayoutKernels.gather(x.f(), base, strides, dims, y, f, t), x.f(), base, strides, dims, y);
      return out(y);
    }
    double[] y = new double[n];
    launch("LayoutKernels.gather", n, GRAIN, y, (f, t) -> LayoutKernels.gather(x.d(), base, strides, dims, y, f, t), x.d(), base, strides, dims, y);
    return out(y);
  }

  /** {@code prev} with the dense block {@code part} (dims {@code dims}) written at corner {@code lo} of {@code outDims}. */
  private DeviceStorage embed(DeviceStorage part, int[] lo, int[] dims, int[] outDims, DeviceStorage prev) {
    int n = prev.size();
    if (f32(part)) {
      float[] y = new float[n];
      launch("LayoutKernels.embed", n, GRAIN, y, (f, t) -> LayoutKernels.embed(part.f(), lo, dims, outDims, prev.f(), y, f, t), part.f(), lo, dims, outDims, prev.f(), y);
      return out(y);
    }
    double[] y = new double[n];
    launch("LayoutKernels.embed", n, GRAIN, y, (f, t) -> LayoutKernels.embed(part.d(), lo, dims, outDims, prev.d(), y, f, t), part.d(), lo, dims, outDims, prev.d(), y);
    return out(y);
  }

  @Override
  public Storage permute(Storage s, Shape xs, int[] perm) {
    int[] st = xs.strides(), dims = new int[perm.length], src = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      dims[i] = xs.dim(perm[i]);
      src[i] = st[perm[i]];
    }
    return gather(own(s), 0, src, dims);
  }

  @Override
  public Storage broadcastTo(Storage s, Shape xs, Shape outShape) {
    return gather(own(s), 0, broadcastStrides(xs, outShape), outShape.dims());
  }

  @Override
  public Storage slice(Storage s, Shape xs, int[] begin, int[] end) {
    int[] st = xs.strides(), box = new int[begin.length];
    int base = 0;
    for (int i = 0; i < box.length; i++) {
      box[i] = end[i] - begin[i];
      base += begin[i] * st[i];
    }
    return gather(own(s), base, st, box);
  }

  @Override
  public Storage pad(Storage s, Shape xs, int[] before, int[] after) {
    DeviceStorage x = own(s);
    int[] d = new int[xs.rank()];
    for (int i = 0; i < d.length; i++) d[i] = xs.dim(i) + before[i] + after[i];
    Shape os = Shape.of(d);
    DeviceStorage zero = (DeviceStorage) zeros(x.dtype(), os.size());
    if (x.size() == 0) return zero;
    return embed(x, before.clone(), xs.dims(), d, zero);
  }

  @Override
  public Storage concat(Storage[] parts, Shape[] shapes, int axis, Shape outShape) {
    DeviceStorage y = (DeviceStorage) zeros(own(parts[0]).dtype(), outShape.size());
    int at = 0;
    for (int i = 0; i < parts.length; i++) {
      DeviceStorage part = own(parts[i]);
      int[] lo = new int[outShape.rank()];
      lo[axis] = at;
      if (part.size() > 0) y = embed(part, lo, shapes[i].dims(), outShape.dims(), y);
      at += shapes[i].dim(axis);
    }
    return y;
  }

  @Override
  public Storage takeAlong(Storage s, Shape xs, int axis, int[] idx) {
    DeviceStorage x = own(s);
    int[] oai = split(xs, axis);
    int a = oai[1], inner = oai[2], n = oai[0] * inner;
    if (f32(x)) {
      float[] y = new float[n];
      launch("LayoutKernels.takeAlong", n, GRAIN, y, (f, t) -> LayoutKernels.takeAlong(x.f(), a, inner, idx, y, f, t), x.f(), a, inner, idx, y);
      return out(y);
    }
    double[] y = new double[n];
    launch("LayoutKernels.takeAlong", n, GRAIN, y, (f, t) -> LayoutKernels.takeAlong(x.d(), a, inner, idx, y, f, t), x.d(), a, inner, idx, y);
    return out(y);
  }

  @Override
  public Storage scatterAlong(Storage sg, Shape gs, int axis, int[] idx, int size) {
    DeviceStorage g = own(sg);
    int outer = 1, inner = 1;
    for (int i = 0; i < axis; i++) outer *= gs.dim(i);
    for (int i = axis; i < gs.rank(); i++) inner *= gs.dim(i);
    int n = outer * size * inner, in = inner;
    if (f32(g)) {
      float[] y = new float[n];
      launch("LayoutKernels.scatterAlong", n, GRAIN, y, (f, t) -> LayoutKernels.scatterAlong(g.f(), size, in, idx, y, f, t), g.f(), size, in, idx, y);
      return out(y);
    }
    double[] y = new double[n];
    launch("LayoutKernels.scatterAlong", n, GRAIN, y, (f, t) -> LayoutKernels.scatterAlong(g.d(), size, in, idx, y, f, t), g.d(), size, in, idx, y);
    return out(y);
  }

  @Override
  public Storage indexSelect(Storage s, Shape xs, int axis, int[] idx) {
    DeviceStorage x = own(s);
    int[] oai = split(xs, axis);
    int a = oai[1], inner = oai[2], n = oai[0] * idx.length * inner;
    if (f32(x)) {
      float[] y = new float[n];
      launch("LayoutKernels.indexSelect", n, GRAIN, y, (f, t) -> LayoutKernels.indexSelect(x.f(), a, inner, idx, y, f, t), x.f(), a, inner, idx, y);
      return out(y);
    }
    double[] y = new double[n];
    launch("LayoutKernels.indexSelect", n, GRAIN, y, (f, t) -> LayoutKernels.indexSelect(x.d(), a, inner, idx, y, f, t), x.d(), a, inner, idx, y);
    return out(y);
  }

  @Override
  public Storage indexAdd(Storage sg, Shape gs, int axis, int[] idx, int size) {
    DeviceStorage g = own(sg);
    int[] oai = split(gs, axis);
    int outer = oai[0], n = oai[1], inner = oai[2], cells = outer * size * inner;
    if (n == 0) return zeros(g.dtype(), cells);
    if (f32(g)) {
      float[] y = new float[cells];
      launch("LayoutKernels.indexAdd", cells, grain(n), y, (f, t) -> LayoutKernels.indexAdd(g.f(), n, size, inner, idx, y, f, t), g.f(), n, size, inner, idx, y);
      return out(y);
    }
    double[] y = new double[cells];
    launch("LayoutKernels.indexAdd", cells, grain(n), y, (f, t) -> LayoutKernels.indexAdd(g.d(), n, size, inner, idx, y, f, t), g.d(), n, size, inner, idx, y);
    return out(y);
  }

  // ------------------------------------------------------------------ matmul and convolution

  /** C = op(A)·op(B) per batch entry; rows = batch·m launches, one per row of C. */
  private Storage gemm(DeviceStorage a, DeviceStorage b, int batch, int m, int n, int k, int aStep, int bStep, boolean ta, boolean tb) {
    int rows = batch * m, tA = ta ? 1 : 0, tB = tb ? 1 : 0, g = grain((long) n * k);
    if (f32(a)) {
      float[] c = new float[rows * n];
      launch("MatmulKernels.matmul", rows, g, c, (f, t) -> MatmulKernels.matmul(a.f(), b.f(), c, m, n, k, aStep, bStep, tA, tB, f, t), a.f(), b.f(), c, m, n, k, aStep, bStep, tA, tB);
      return out(c);
    }
    double[] c = new double[rows * n];
    launch("MatmulKernels.matmul", rows, g, c, (f, t) -> MatmulKernels.matmul(a.d(), b.d(), c, m, n, k, aStep, bStep, tA, tB, f, t), a.d(), b.d(), c, m, n, k, aStep, bStep, tA, tB);
    return out(c);
  }

  @Override
  public Storage matmul(Storage sa, Storage sb, MatmulSpec s) {
    int m = s.m(), n = s.n(), k = s.k();
    return gemm(own(sa), own(sb), s.batch(), m, n, k, s.batchA() ? m * k : 0, s.batchB() ? k * n : 0, s.transA(), s.transB());
  }

  private DeviceStorage im2col(DeviceStorage x, int[] g, int rows, int cols) {
    if (f32(x)) {
      float[] y = new float[rows * cols];
      launch("ConvKernels.im2col", rows, grain(cols), y, (f, t) -> ConvKernels.im2col(x.f(), g, y, f, t), x.f(), g, y);
      return out(y);
    }
    double[] y = new double[rows * cols];
    launch("ConvKernels.im2col", rows, grain(cols), y, (f, t) -> ConvKernels.im2col(x.d(), g, y, f, t), x.d(), g, y);
    return out(y);
  }

  private static int[] convGeometry(Shape xs, Shape ws, Conv2dSpec c) {
    int h = xs.dim(2), w = xs.dim(3), kh = ws.dim(2), kw = ws.dim(3);
    return ConvKernels.geometry(xs.dim(0), xs.dim(1), h, w, kh, kw, c.strideH(), c.strideW(), c.padH(), c.padW(), c.dilationH(), c.dilationW(), c.outH(h, kh), c.outW(w, kw));
  }

  @Override
  public Storage conv2d(Storage sx, Shape xs, Storage sw, Shape ws, Conv2dSpec c) {
    int[] g = convGeometry(xs, ws, c);
    int n = g[0], ckk = g[1] * g[4] * g[5], ohw = g[12] * g[13], oc = ws.dim(0);
    DeviceStorage cols = im2col(own(sx), g, n * ckk, ohw);
    return gemm(own(sw), cols, n, oc, ohw, ckk, 0, ckk * ohw, false, false);
  }

  @Override
  public Storage conv2dBackwardInput(Storage sgy, Shape ys, Storage sw, Shape ws, Shape xs, Conv2dSpec c) {
    int[] g = convGeometry(xs, ws, c);
    int n = g[0], ckk = g[1] * g[4] * g[5], ohw = g[12] * g[13], oc = ws.dim(0), size = xs.size();
    DeviceStorage gcols = (DeviceStorage) gemm(own(sw), own(sgy), n, ckk, ohw, oc, 0, oc * ohw, true, false);
    int gr = grain((long) g[4] * g[5]);
    if (f32(gcols)) {
      float[] gx = new float[size];
      launch("ConvKernels.col2im", size, gr, gx, (f, t) -> ConvKernels.col2im(gcols.f(), g, gx, f, t), gcols.f(), g, gx);
      return out(gx);
    }
    double[] gx = new double[size];
    launch("ConvKernels.col2im", size, gr, gx, (f, t) -> ConvKernels.col2im(gcols.d(), g, gx, f, t), gcols.d(), g, gx);
    return out(gx);
  }

  @Override
  public Storage conv2dBackwardWeight(Storage sx, Shape xs, Storage sgy, Shape ys, Shape ws, Conv2dSpec c) {
    int[] g = convGeometry(xs, ws, c);
    int n = g[0], ckk = g[1] * g[4] * g[5], ohw = g[12] * g[13], oc = ws.dim(0);
    DeviceStorage cols = im2col(own(sx), g, n * ckk, ohw), gy = own(sgy);
    int gr = grain((long) n * ckk * ohw);
    if (f32(gy)) {
      float[] gw = new float[oc * ckk];
      launch("MatmulKernels.matmulSumBatch", oc, gr, gw, (f, t) -> MatmulKernels.matmulSumBatch(gy.f(), cols.f(), gw, n, oc, ckk, ohw, oc * ohw, ckk * ohw, 0, 1, f, t), gy.f(), cols.f(), gw, n, oc, ckk, ohw, oc * ohw, ckk * ohw, 0, 1);
      return out(gw);
    }
    double[] gw = new double[oc * ckk];
    launch("MatmulKernels.matmulSumBatch", oc, gr, gw, (f, t) -> MatmulKernels.matmulSumBatch(gy.d(), cols.d(), gw, n, oc, ckk, ohw, oc * ohw, ckk * ohw, 0, 1, f, t), gy.d(), cols.d(), gw, n, oc, ckk, ohw, oc * ohw, ckk * ohw, 0, 1);
    return out(gw);
  }

  // ------------------------------------------------------------------ pooling

  private static int[] poolGeometry(Shape xs, Pool2dSpec p) {
    int h = xs.dim(2), w = xs.dim(3);
    return PoolKernels.geometry(xs.dim(0) * xs.dim(1), h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.outH(h), p.outW(w));
  }

  @Override
  public Storage pool2d(PoolKind kind, Storage sx, Shape xs, Pool2dSpec p) {
    DeviceStorage x = own(sx);
    int[] g = poolGeometry(xs, p);
    int n = g[0] * g[9] * g[10], gr = grain((long) g[3] * g[4]);
    boolean max = kind == PoolKind.MAX;
    String kernel = max ? "PoolKernels.maxForward" : "PoolKernels.avgForward";
    if (f32(x)) {
      float[] y = new float[n];
      launch(kernel, n, gr, y, (f, t) -> {
        if (max) PoolKernels.maxForward(x.f(), g, y, f, t);
        else PoolKernels.avgForward(x.f(), g, y, f, t);
      }, x.f(), g, y);
      return out(y);
    }
    double[] y = new double[n];
    launch(kernel, n, gr, y, (f, t) -> {
      if (max) PoolKernels.maxForward(x.d(), g, y, f, t);
      else PoolKernels.avgForward(x.d(), g, y, f, t);
    }, x.d(), g, y);
    return out(y);
  }

  @Override
  public Storage pool2dBackward(PoolKind kind, Storage sx, Shape xs, Storage sgy, Pool2dSpec p) {
    DeviceStorage x = own(sx), gy = own(sgy);
    int[] g = poolGeometry(xs, p);
    int n = xs.size(), gr = grain((long) g[3] * g[4] * g[3] * g[4]);
    if (kind == PoolKind.MAX) {
      if (f32(x)) {
        float[] gx = new float[n];
        launch("PoolKernels.maxBackward", n, gr, gx, (f, t) -> PoolKernels.maxBackward(x.f(), gy.f(), g, gx, f, t), x.f(), gy.f(), g, gx);
        return out(gx);
      }
      double[] gx = new double[n];
      launch("PoolKernels.maxBackward", n, gr, gx, (f, t) -> PoolKernels.maxBackward(x.d(), gy.d(), g, gx, f, t), x.d(), gy.d(), g, gx);
      return out(gx);
    }
    if (f32(gy)) {
      float[] gx = new float[n];
      launch("PoolKernels.avgBackward", n, gr, gx, (f, t) -> PoolKernels.avgBackward(gy.f(), g, gx, f, t), gy.f(), g, gx);
      return out(gx);
    }
    double[] gx = new double[n];
    launch("PoolKernels.avgBackward", n, gr, gx, (f, t) -> PoolKernels.avgBackward(gy.d(), g, gx, f, t), gy.d(), g, gx);
    return out(gx);
  }

  @Override
  public Storage maxPool2dGather(Storage sx, Shape xs, Storage sgx, Pool2dSpec p) {
    DeviceStorage x = own(sx), gx = own(sgx);
    int[] g = poolGeometry(xs, p);
    int n = g[0] * g[9] * g[10], gr = grain((long) g[3] * g[4]);
    if (f32(x)) {
      float[] gy = new float[n];
      launch("PoolKernels.maxGather", n, gr, gy, (f, t) -> PoolKernels.maxGather(x.f(), gx.f(), g, gy, f, t), x.f(), gx.f(), g, gy);
      return out(gy);
    }
    double[] gy = new double[n];
    launch("PoolKernels.maxGather", n, gr, gy, (f, t) -> PoolKernels.maxGather(x.d(), gx.d(), g, gy, f, t), x.d(), gx.d(), g, gy);
    return out(gy);
  }
}
