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
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The GPU backend. Every op is planned here on the host (output sizes, strides, index tables)
 * and executed as launches of the static kernels in this package on a {@link KernelExecutor}:
 * TornadoVM's ({@code --backend tornado}) or the {@link JvmExecutor} ({@code --backend
 * jvm-kernels}, and the default-build tests). Storages are {@link DeviceStorage}s, blocks of the
 * executor's {@link Arena}: every op allocates its output block and launches one kernel (or a
 * few) that reads and writes the arena at the offsets, sizes, op codes and index tables of a
 * small per-launch meta array, so data stays in device memory between ops and each kernel is
 * compiled once for every shape. The host reads a storage only through {@link #toFloatArray} /
 * {@link #toDoubleArray} (and {@link #argmax}), counted in {@link #downloads()}; host data enters
 * only through {@link #fromHost}, counted in {@link #uploads()} (see docs/gpu.md).
 *
 * <p>Each instance is one device context: storages of another instance, or of another backend,
 * are refused with an error naming both.
 */
public final class TornadoBackend implements Backend, AutoCloseable {
  /** Elements per JVM task for a kernel doing O(1) work per index. */
  private static final int GRAIN = 1 << 14;

  private final KernelExecutor exec;
  private final Arena arena;
  private final AtomicLong uploads = new AtomicLong();
  private final AtomicLong downloads = new AtomicLong();

  public TornadoBackend(KernelExecutor exec) {
    this.exec = java.util.Objects.requireNonNull(exec, "executor");
    this.arena = exec.arena();
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

  /** Host-to-device copies of tensor data so far ({@link #fromHost}). */
  public long uploads() {
    return uploads.get();
  }

  /** Device-to-host copies so far: reads of a storage the host had no copy of, and argmax results. */
  public long downloads() {
    return downloads.get();
  }

  /** All host transfers of data so far, both directions (launch meta arrays not included). */
  public long transfers() {
    return uploads() + downloads();
  }

  /** Releases the executor's plan and device memory; the backend cannot run kernels afterwards. */
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

  private DeviceStorage alloc(DType dtype, int size) {
    return new DeviceStorage(this, arena, dtype, size);
  }

  /** {items, 0, fields...}: the meta array of a launch over {@code items}. */
  private static int[] meta(int items, int... fields) {
    int[] m = new int[2 + fields.length];
    m[0] = items;
    System.arraycopy(fields, 0, m, 2, fields.length);
    return m;
  }

  private static int[] cat(int[]... parts) {
    int n = 0;
    for (int[] p : parts) n += p.length;
    int[] r = new int[n];
    int at = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, r, at, p.length);
      at += p.length;
    }
    return r;
  }

  /**
   * Launches {@code kernel} in {@code dtype} with meta {@code m}: {@code f32} or {@code f64} is its
   * JVM body; {@code uses} are the storages whose blocks the meta array addresses.
   */
  private void run(String kernel, DType dtype, int[] m, int grain, KernelExecutor.Body f32, KernelExecutor.Body f64, DeviceStorage... uses) {
    run(kernel, dtype, m, 0, 0, grain, f32, f64, uses);
  }

  /**
   * The launch holds {@code uses} reachable until it has completed. Their blocks return to the
   * arena when they become unreachable, and the meta array addresses them by offset only: without
   * the fence the JIT may treat a storage as dead once its offset has been read (JLS 12.6.1), and
   * a block could be freed and handed to another storage while this launch still reads or writes it.
   */
  private void run(String kernel, DType dtype, int[] m, double scalar, int cols, int grain, KernelExecutor.Body f32, KernelExecutor.Body f64, DeviceStorage... uses) {
    try {
      if (m[0] == 0) return;
      exec.launch(new KernelExecutor.Launch(kernel, dtype, m, scalar, cols, grain, dtype == DType.F32 ? f32 : f64));
      if (arena.checking())
        for (DeviceStorage u : uses) arena.checkGuard(u.kind(), u.offset(), u.size(), kernel);
    } finally {
      Reference.reachabilityFence(uses);
    }
  }

  private static int grain(long workPerIndex) {
    return (int) Math.max(1, GRAIN / Math.max(1, workPerIndex));
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
    return upload(DType.F32, data, data.length);
  }

  @Override
  public Storage fromHost(double[] data) {
    return upload(DType.F64, data, data.length);
  }

  private Storage upload(DType dtype, Object data, int n) {
    DeviceStorage s = alloc(dtype, n);
    if (n > 0) {
      exec.upload(data, s.offset());
      uploads.incrementAndGet();
    }
    s.host(data);
    return s;
  }

  /** The host's copy of {@code d}, downloaded (and counted) the first time it is asked for. */
  private Object host(DeviceStorage d) {
    Object h = d.host();
    if (h != null) return h;
    synchronized (d) {
      h = d.host();
      if (h != null) return h;
      h = f32(d) ? new float[d.size()] : new double[d.size()];
      if (d.size() > 0) {
        exec.download(d.offset(), h);
        downloads.incrementAndGet();
      }
      d.host(h);
      return h;
    }
  }

  @Override
  public float[] toFloatArray(Storage s) {
    Object h = host(own(s));
    if (h instanceof float[] f) return f.clone();
    double[] d = (double[]) h;
    float[] r = new float[d.length];
    for (int i = 0; i < r.length; i++) r[i] = (float) d[i];
    return r;
  }

  @Override
  public double[] toDoubleArray(Storage s) {
    Object h = host(own(s));
    if (h instanceof double[] d) return d.clone();
    float[] f = (float[]) h;
    double[] r = new double[f.length];
    for (int i = 0; i < r.length; i++) r[i] = f[i];
    return r;
  }

  // ------------------------------------------------------------------ elementwise

  @Override
  public Storage cast(Storage s, DType to) {
    DeviceStorage x = own(s);
    if (x.dtype() == to) return x;
    int n = x.size();
    DeviceStorage y = alloc(to, n);
    int[] m = meta(n, x.offset(), y.offset());
    if (to == DType.F64) run("ElementwiseKernels.castToDouble", DType.F64, m, GRAIN, null, mm -> ElementwiseKernels.castToDouble(arena.f, arena.d, mm), x, y);
    else run("ElementwiseKernels.castToFloat", DType.F32, m, GRAIN, mm -> ElementwiseKernels.castToFloat(arena.d, arena.f, mm), null, x, y);
    return y;
  }

  @Override
  public Storage fill(DType dtype, int size, double value) {
    DeviceStorage y = alloc(dtype, size);
    float[] fv = {(float) value};
    double[] dv = {value};
    run("ElementwiseKernels.fill", dtype, meta(size, y.offset()), value, 0, GRAIN, mm -> ElementwiseKernels.fill(arena.f, fv, mm), mm -> ElementwiseKernels.fill(arena.d, dv, mm), y);
    return y;
  }

  @Override
  public Storage unary(UnaryOp op, Storage s) {
    DeviceStorage x = own(s);
    int n = x.size();
    DeviceStorage y = alloc(x.dtype(), n);
    run("ElementwiseKernels.unary", x.dtype(), meta(n, op.ordinal(), x.offset(), y.offset()), GRAIN, mm -> ElementwiseKernels.unary(arena.f, mm), mm -> ElementwiseKernels.unary(arena.d, mm), x, y);
    return y;
  }

  @Override
  public Storage binary(BinaryOp op, Storage sa, Shape as, Storage sb, Shape bs, Shape outShape) {
    DeviceStorage a = own(sa), b = own(sb);
    int n = outShape.size(), r = outShape.rank();
    DeviceStorage y = alloc(a.dtype(), n);
    int[] m = cat(meta(n, op.ordinal(), r, a.offset(), b.offset(), y.offset()), broadcastStrides(as, outShape), broadcastStrides(bs, outShape), outShape.dims());
    run("ElementwiseKernels.binary", a.dtype(), m, GRAIN, mm -> ElementwiseKernels.binary(arena.f, mm), mm -> ElementwiseKernels.binary(arena.d, mm), a, b, y);
    return y;
  }

  @Override
  public Storage where(Storage sc, Shape cs, Storage sa, Shape as, Storage sb, Shape bs, Shape outShape) {
    DeviceStorage a = own(sa), b = own(sb);
    DeviceStorage c = (DeviceStorage) cast(own(sc), a.dtype());
    int n = outShape.size(), r = outShape.rank();
    DeviceStorage y = alloc(a.dtype(), n);
    int[] m = cat(meta(n, r, c.offset(), a.offset(), b.offset(), y.offset()), broadcastStrides(cs, outShape), broadcastStrides(as, outShape), broadcastStrides(bs, outShape), outShape.dims());
    run("ElementwiseKernels.where", a.dtype(), m, GRAIN, mm -> ElementwiseKernels.where(arena.f, mm), mm -> ElementwiseKernels.where(arena.d, mm), c, a, b, y);
    return y;
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
    int n = Shape.of(outDims).size();
    boolean max = op == ReduceOp.MAX;
    if (redCount == 0) return fill(x.dtype(), n, max ? Double.NEGATIVE_INFINITY : 0);
    DeviceStorage y = alloc(x.dtype(), n);
    int[] m = cat(meta(n, x.offset(), y.offset(), r, nred, redCount), outDims, st, redDims, redStrides);
    if (max) run("ReduceKernels.reduceMax", x.dtype(), m, grain(redCount), mm -> ReduceKernels.reduceMax(arena.f, mm), mm -> ReduceKernels.reduceMax(arena.d, mm), x, y);
    else run("ReduceKernels.reduceSum", x.dtype(), m, grain(redCount), mm -> ReduceKernels.reduceSum(arena.f, mm), mm -> ReduceKernels.reduceSum(arena.d, mm), x, y);
    return y;
  }

  @Override
  public int[] argmax(Storage s, Shape xs, int axis) {
    DeviceStorage x = own(s);
    int[] oai = split(xs, axis);
    int a = oai[1], inner = oai[2], n = oai[0] * inner;
    int[] y = new int[n];
    if (n == 0) return y;
    int off = arena.allocate(Arena.I32, n);
    try {
      run("ReduceKernels.argmax", x.dtype(), meta(n, x.offset(), off, a, inner), grain(a), mm -> ReduceKernels.argmax(arena.f, arena.i, mm), mm -> ReduceKernels.argmax(arena.d, arena.i, mm), x);
      exec.download(off, y);
      downloads.incrementAndGet();
    } finally {
      arena.free(Arena.I32, off, n);
    }
    return y;
  }

  // ------------------------------------------------------------------ layout

  private Storage gather(DeviceStorage x, int base, int[] strides, int[] dims) {
    int n = Shape.of(dims).size();
    DeviceStorage y = alloc(x.dtype(), n);
    run("LayoutKernels.gather", x.dtype(), cat(meta(n, x.offset() + base, y.offset(), dims.length), strides, dims), GRAIN, mm -> LayoutKernels.gather(arena.f, mm), mm -> LayoutKernels.gather(arena.d, mm), x, y);
    return y;
  }

  /** {@code prev} with the dense block {@code part} (dims {@code dims}) written at corner {@code lo} of {@code outDims}. */
  private DeviceStorage embed(DeviceStorage part, int[] lo, int[] dims, int[] outDims, DeviceStorage prev) {
    int n = prev.size();
    DeviceStorage y = alloc(part.dtype(), n);
    run("LayoutKernels.embed", part.dtype(), cat(meta(n, part.offset(), prev.offset(), y.offset(), outDims.length), lo, dims, outDims), GRAIN, mm -> LayoutKernels.embed(arena.f, mm), mm -> LayoutKernels.embed(arena.d, mm), part, prev, y);
    return y;
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
    DeviceStorage y = alloc(x.dtype(), n);
    run("LayoutKernels.takeAlong", x.dtype(), cat(meta(n, x.offset(), y.offset(), a, inner), idx), GRAIN, mm -> LayoutKernels.takeAlong(arena.f, mm), mm -> LayoutKernels.takeAlong(arena.d, mm), x, y);
    return y;
  }

  @Override
  public Storage scatterAlong(Storage sg, Shape gs, int axis, int[] idx, int size) {
    DeviceStorage g = own(sg);
    int outer = 1, inner = 1;
    for (int i = 0; i < axis; i++) outer *= gs.dim(i);
    for (int i = axis; i < gs.rank(); i++) inner *= gs.dim(i);
    int n = outer * size * inner;
    DeviceStorage y = alloc(g.dtype(), n);
    run("LayoutKernels.scatterAlong", g.dtype(), cat(meta(n, g.offset(), y.offset(), size, inner), idx), GRAIN, mm -> LayoutKernels.scatterAlong(arena.f, mm), mm -> LayoutKernels.scatterAlong(arena.d, mm), g, y);
    return y;
  }

  @Override
  public Storage indexSelect(Storage s, Shape xs, int axis, int[] idx) {
    DeviceStorage x = own(s);
    int[] oai = split(xs, axis);
    int a = oai[1], inner = oai[2], n = oai[0] * idx.length * inner;
    DeviceStorage y = alloc(x.dtype(), n);
    run("LayoutKernels.indexSelect", x.dtype(), cat(meta(n, x.offset(), y.offset(), a, inner, idx.length), idx), GRAIN, mm -> LayoutKernels.indexSelect(arena.f, mm), mm -> LayoutKernels.indexSelect(arena.d, mm), x, y);
    return y;
  }

  @Override
  public Storage indexAdd(Storage sg, Shape gs, int axis, int[] idx, int size) {
    DeviceStorage g = own(sg);
    int[] oai = split(gs, axis);
    int outer = oai[0], n = oai[1], inner = oai[2], cells = outer * size * inner;
    if (n == 0) return zeros(g.dtype(), cells);
    DeviceStorage y = alloc(g.dtype(), cells);
    run("LayoutKernels.indexAdd", g.dtype(), cat(meta(cells, g.offset(), y.offset(), n, size, inner), idx), grain(n), mm -> LayoutKernels.indexAdd(arena.f, mm), mm -> LayoutKernels.indexAdd(arena.d, mm), g, y);
    return y;
  }

  // ------------------------------------------------------------------ matmul and convolution

  /** C = op(A)·op(B) per batch entry; rows = batch·m items, each a row of C. */
  private DeviceStorage gemm(DeviceStorage a, DeviceStorage b, int batch, int m, int n, int k, int aStep, int bStep, boolean ta, boolean tb) {
    int rows = batch * m;
    DeviceStorage c = alloc(a.dtype(), rows * n);
    if (n == 0) return c;
    int[] mt = meta(rows, a.offset(), b.offset(), c.offset(), m, n, k, aStep, bStep, ta ? 1 : 0, tb ? 1 : 0);
    run("MatmulKernels.matmul", a.dtype(), mt, 0, n, grain((long) n * k), mm -> MatmulKernels.matmul(arena.f, mm), mm -> MatmulKernels.matmul(arena.d, mm), a, b, c);
    return c;
  }

  @Override
  public Storage matmul(Storage sa, Storage sb, MatmulSpec s) {
    int m = s.m(), n = s.n(), k = s.k();
    return gemm(own(sa), own(sb), s.batch(), m, n, k, s.batchA() ? m * k : 0, s.batchB() ? k * n : 0, s.transA(), s.transB());
  }

  private DeviceStorage im2col(DeviceStorage x, int[] g, int rows, int cols) {
    DeviceStorage y = alloc(x.dtype(), rows * cols);
    run("ConvKernels.im2col", x.dtype(), cat(meta(rows, x.offset(), y.offset()), g), grain(cols), mm -> ConvKernels.im2col(arena.f, mm), mm -> ConvKernels.im2col(arena.d, mm), x, y);
    return y;
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
    DeviceStorage gcols = gemm(own(sw), own(sgy), n, ckk, ohw, oc, 0, oc * ohw, true, false);
    DeviceStorage gx = alloc(gcols.dtype(), size);
    run("ConvKernels.col2im", gx.dtype(), cat(meta(size, gcols.offset(), gx.offset()), g), grain((long) g[4] * g[5]), mm -> ConvKernels.col2im(arena.f, mm), mm -> ConvKernels.col2im(arena.d, mm), gcols, gx);
    return gx;
  }

  @Override
  public Storage conv2dBackwardWeight(Storage sx, Shape xs, Storage sgy, Shape ys, Shape ws, Conv2dSpec c) {
    int[] g = convGeometry(xs, ws, c);
    int n = g[0], ckk = g[1] * g[4] * g[5], ohw = g[12] * g[13], oc = ws.dim(0);
    DeviceStorage cols = im2col(own(sx), g, n * ckk, ohw), gy = own(sgy);
    DeviceStorage gw = alloc(gy.dtype(), oc * ckk);
    int[] m = meta(oc, gy.offset(), cols.offset(), gw.offset(), n, oc, ckk, ohw, oc * ohw, ckk * ohw, 0, 1);
    run("MatmulKernels.matmulSumBatch", gy.dtype(), m, 0, ckk, grain((long) n * ckk * ohw), mm -> MatmulKernels.matmulSumBatch(arena.f, mm), mm -> MatmulKernels.matmulSumBatch(arena.d, mm), gy, cols, gw);
    return gw;
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
    DeviceStorage y = alloc(x.dtype(), n);
    int[] m = cat(meta(n, x.offset(), y.offset()), g);
    if (kind == PoolKind.MAX) run("PoolKernels.maxForward", x.dtype(), m, gr, mm -> PoolKernels.maxForward(arena.f, mm), mm -> PoolKernels.maxForward(arena.d, mm), x, y);
    else run("PoolKernels.avgForward", x.dtype(), m, gr, mm -> PoolKernels.avgForward(arena.f, mm), mm -> PoolKernels.avgForward(arena.d, mm), x, y);
    return y;
  }

  @Override
  public Storage pool2dBackward(PoolKind kind, Storage sx, Shape xs, Storage sgy, Pool2dSpec p) {
    DeviceStorage x = own(sx), gy = own(sgy);
    int[] g = poolGeometry(xs, p);
    int n = xs.size(), gr = grain((long) g[3] * g[4] * g[3] * g[4]);
    DeviceStorage gx = alloc(gy.dtype(), n);
    if (kind == PoolKind.MAX)
      run("PoolKernels.maxBackward", gy.dtype(), cat(meta(n, x.offset(), gy.offset(), gx.offset()), g), gr, mm -> PoolKernels.maxBackward(arena.f, mm), mm -> PoolKernels.maxBackward(arena.d, mm), x, gy, gx);
    else run("PoolKernels.avgBackward", gy.dtype(), cat(meta(n, gy.offset(), gx.offset()), g), gr, mm -> PoolKernels.avgBackward(arena.f, mm), mm -> PoolKernels.avgBackward(arena.d, mm), gy, gx);
    return gx;
  }

  @Override
  public Storage maxPool2dGather(Storage sx, Shape xs, Storage sgx, Pool2dSpec p) {
    DeviceStorage x = own(sx), gx = own(sgx);
    int[] g = poolGeometry(xs, p);
    int n = g[0] * g[9] * g[10], gr = grain((long) g[3] * g[4]);
    DeviceStorage gy = alloc(x.dtype(), n);
    run("PoolKernels.maxGather", x.dtype(), cat(meta(n, x.offset(), gx.offset(), gy.offset()), g), gr, mm -> PoolKernels.maxGather(arena.f, mm), mm -> PoolKernels.maxGather(arena.d, mm), x, gx, gy);
    return gy;
  }
}
