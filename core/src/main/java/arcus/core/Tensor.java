package arcus.core;

import java.util.Arrays;
import java.util.List;

/**
 * An immutable n-dimensional array of float32 or float64 numbers. No method mutates a tensor:
 * factories copy their input, accessors copy their output, and every op returns a new tensor.
 *
 * <p>A tensor computed inside {@link Autodiff} remembers how it was computed (its node), which is
 * how gradients are found; outside a differentiation it is plain data. The op methods here are
 * thin: each primitive and its gradient rule live in {@link Ops}.
 */
public final class Tensor {
  final Shape shape;
  final DType dtype;
  final Storage storage;
  final Node node;

  Tensor(Shape shape, DType dtype, Storage storage, Node node) {
    if (storage.size() != shape.size())
      throw new IllegalStateException("storage of " + storage.size() + " elements for shape " + shape);
    this.shape = shape;
    this.dtype = dtype;
    this.storage = storage;
    this.node = node;
  }

  // ---------------------------------------------------------------- construction

  /** A float32 tensor holding a copy of {@code data}. */
  public static Tensor of(float[] data, int... shape) {
    return of(HostDefault.BACKEND, data, shape);
  }

  /** A float64 tensor holding a copy of {@code data}. */
  public static Tensor of(double[] data, int... shape) {
    return of(HostDefault.BACKEND, data, shape);
  }

  public static Tensor of(Backend backend, float[] data, int... shape) {
    Shape s = Shape.of(shape);
    checkLength(data.length, s);
    return new Tensor(s, DType.F32, backend.fromHost(data.clone()), null);
  }

  public static Tensor of(Backend backend, double[] data, int... shape) {
    Shape s = Shape.of(shape);
    checkLength(data.length, s);
    return new Tensor(s, DType.F64, backend.fromHost(data.clone()), null);
  }

  /** A tensor of {@code dtype} from double values (converted to float for float32). */
  public static Tensor of(DType dtype, double[] data, int... shape) {
    if (dtype == DType.F64) return of(data, shape);
    float[] f = new float[data.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
    Shape s = Shape.of(shape);
    checkLength(f.length, s);
    return new Tensor(s, DType.F32, HostDefault.BACKEND.fromHost(f), null);
  }

  private static void checkLength(int n, Shape s) {
    if (n != s.size())
      throw new IllegalArgumentException("data of length " + n + " does not fill shape " + s + " (" + s.size() + " elements)");
  }

  public static Tensor scalar(double value, DType dtype) {
    return full(HostDefault.BACKEND, dtype, value);
  }

  public static Tensor zeros(DType dtype, int... shape) {
    return full(HostDefault.BACKEND, dtype, 0.0, shape);
  }

  public static Tensor ones(DType dtype, int... shape) {
    return full(HostDefault.BACKEND, dtype, 1.0, shape);
  }

  public static Tensor full(DType dtype, double value, int... shape) {
    return full(HostDefault.BACKEND, dtype, value, shape);
  }

  public static Tensor full(Backend backend, DType dtype, double value, int... shape) {
    Shape s = Shape.of(shape);
    return new Tensor(s, dtype, backend.fill(dtype, s.size(), value), null);
  }

  /** One-hot rows on the default (CPU) backend: shape [labels.length, classes], 1 at each label. Labels are checked. */
  public static Tensor oneHot(int[] labels, int classes, DType dtype) {
    return oneHot(HostDefault.BACKEND, labels, classes, dtype);
  }

  /**
   * One-hot rows on {@code backend}, the backend of the tensors they will meet (an op refuses
   * operands of two backends): shape [labels.length, classes], 1 at each label.
   */
  public static Tensor oneHot(Backend backend, int[] labels, int classes, DType dtype) {
    double[] d = new double[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      Ops.checkIndex("oneHot", labels[i], classes, i);
      d[i * classes + labels[i]] = 1;
    }
    Shape s = Shape.of(labels.length, classes);
    if (dtype == DType.F64) return new Tensor(s, dtype, backend.fromHost(d), null);
    float[] f = new float[d.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) d[i];
    return new Tensor(s, dtype, backend.fromHost(f), null);
  }

  /** A scalar or full tensor like this one (same dtype and backend). */
  public Tensor constant(double value, int... shape) {
    return full(backend(), dtype, value, shape);
  }

  // ---------------------------------------------------------------- inspection

  public Shape shape() {
    return shape;
  }

  public DType dtype() {
    return dtype;
  }

  public int rank() {
    return shape.rank();
  }

  public int dim(int axis) {
    return shape.dim(axis);
  }

  public int size() {
    return shape.size();
  }

  public Backend backend() {
    return storage.backend();
  }

  /** The storage behind this tensor, for backends and fused kernels. Never written. */
  public Storage storage() {
    return storage;
  }

  /** Whether this tensor is being traced by a differentiation. */
  public boolean isTraced() {
    return node != null;
  }

  public float[] toFloatArray() {
    return backend().toFloatArray(storage);
  }

  public double[] toDoubleArray() {
    return backend().toDoubleArray(storage);
  }

  /** The single value of a one-element tensor. */
  public double item() {
    if (size() != 1) throw new IllegalStateException("item() needs a tensor of one element, this one has shape " + shape);
    return toDoubleArray()[0];
  }

  /** The element at a multi-index (copies the data out: for tests and small tensors). */
  public double get(int... index) {
    if (index.length != rank()) throw new IllegalArgumentException("index " + Arrays.toString(index) + " for shape " + shape);
    int[] st = shape.strides();
    int off = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape.dim(i)) throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " for shape " + shape);
      off += index[i] * st[i];
    }
    return toDoubleArray()[off];
  }

  /** This tensor on another backend (copying through the host), differentiably. */
  public Tensor to(Backend target) {
    return Ops.toBackend(this, target);
  }

  /** This tensor converted to another dtype, differentiably. */
  public Tensor to(DType target) {
    return Ops.cast(this, target);
  }

  @Override
  public String toString() {
    double[] d = toDoubleArray();
    String body = d.length <= 16 ? Arrays.toString(d) : Arrays.toString(Arrays.copyOf(d, 16)) + "...";
    return "Tensor" + shape + " " + dtype + (node != null ? " traced" : "") + " " + body;
  }

  // ---------------------------------------------------------------- elementwise unary

  public Tensor neg() { return Ops.unary(UnaryOp.NEG, this); }
  public Tensor exp() { return Ops.unary(UnaryOp.EXP, this); }
  public Tensor log() { return Ops.unary(UnaryOp.LOG, this); }
  public Tensor sqrt() { return Ops.unary(UnaryOp.SQRT, this); }
  public Tensor abs() { return Ops.unary(UnaryOp.ABS, this); }
  public Tensor sin() { return Ops.unary(UnaryOp.SIN, this); }
  public Tensor cos() { return Ops.unary(UnaryOp.COS, this); }
  public Tensor acos() { return Ops.unary(UnaryOp.ACOS, this); }
  public Tensor tanh() { return Ops.unary(UnaryOp.TANH, this); }
  public Tensor sigmoid() { return Ops.unary(UnaryOp.SIGMOID, this); }
  public Tensor relu() { return Ops.unary(UnaryOp.RELU, this); }
  /** −1, 0 or 1; its gradient is zero. */
  public Tensor sign() { return Ops.unary(UnaryOp.SIGN, this); }
  public Tensor square() { return Ops.binary(BinaryOp.MUL, this, this); }

  // ---------------------------------------------------------------- elementwise binary (broadcasting)

  public Tensor add(Tensor o) { return Ops.binary(BinaryOp.ADD, this, o); }
  public Tensor sub(Tensor o) { return Ops.binary(BinaryOp.SUB, this, o); }
  public Tensor mul(Tensor o) { return Ops.binary(BinaryOp.MUL, this, o); }
  public Tensor div(Tensor o) { return Ops.binary(BinaryOp.DIV, this, o); }
  public Tensor pow(Tensor o) { return Ops.binary(BinaryOp.POW, this, o); }
  public Tensor maximum(Tensor o) { return Ops.binary(BinaryOp.MAX, this, o); }
  public Tensor minimum(Tensor o) { return Ops.binary(BinaryOp.MIN, this, o); }
  public Tensor add(double v) { return add(constant(v)); }
  public Tensor sub(double v) { return sub(constant(v)); }
  public Tensor mul(double v) { return mul(constant(v)); }
  public Tensor div(double v) { return div(constant(v)); }
  public Tensor pow(double v) { return pow(constant(v)); }
  public Tensor maximum(double v) { return maximum(constant(v)); }
  public Tensor minimum(double v) { return minimum(constant(v)); }
  /** v − this. */
  public Tensor rsub(double v) { return constant(v).sub(this); }

  /** Clamps into [lo, hi]; the gradient is zero outside. */
  public Tensor clamp(double lo, double hi) { return maximum(lo).minimum(hi); }

  // comparison masks: 1 where true, 0 elsewhere; no gradient
  public Tensor gt(Tensor o) { return Ops.binary(BinaryOp.GT, this, o); }
  public Tensor ge(Tensor o) { return Ops.binary(BinaryOp.GE, this, o); }
  public Tensor lt(Tensor o) { return Ops.binary(BinaryOp.LT, this, o); }
  public Tensor le(Tensor o) { return Ops.binary(BinaryOp.LE, this, o); }
  public Tensor eq(Tensor o) { return Ops.binary(BinaryOp.EQ, this, o); }
  public Tensor ne(Tensor o) { return Ops.binary(BinaryOp.NE, this, o); }
  public Tensor gt(double v) { return gt(constant(v)); }
  public Tensor ge(double v) { return ge(constant(v)); }
  public Tensor lt(double v) { return lt(constant(v)); }
  public Tensor le(double v) { return le(constant(v)); }

  /** {@code cond != 0 ? a : b}, broadcasting all three. */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Ops.where(cond, a, b); }

  // ---------------------------------------------------------------- reductions

  public Tensor sum() { return Ops.reduce(ReduceOp.SUM, this, allAxes(), false); }
  public Tensor sum(int axis) { return Ops.reduce(ReduceOp.SUM, this, new int[] {axis}, false); }
  public Tensor sum(int axis, boolean keepDims) { return Ops.reduce(ReduceOp.SUM, this, new int[] {axis}, keepDims); }
  public Tensor sum(int[] axes, boolean keepDims) { return Ops.reduce(ReduceOp.SUM, this, axes, keepDims); }
  public Tensor mean() { return sum().div(size()); }
  public Tensor mean(int axis) { return sum(axis).div(dim(axis)); }
  public Tensor mean(int axis, boolean keepDims) { return sum(axis, keepDims).div(dim(axis)); }
  public Tensor mean(int[] axes, boolean keepDims) {
    int n = 1;
    for (int a : axes) n *= dim(a);
    return sum(axes, keepDims).div(n);
  }
  public Tensor max() { return Ops.reduce(ReduceOp.MAX, this, allAxes(), false); }
  public Tensor max(int axis) { return Ops.reduce(ReduceOp.MAX, this, new int[] {axis}, false); }
  public Tensor max(int axis, boolean keepDims) { return Ops.reduce(ReduceOp.MAX, this, new int[] {axis}, keepDims); }

  /** log Σ exp along an axis, computed with the max shift so it never overflows. */
  public Tensor logSumExp(int axis, boolean keepDims) {
    Tensor m = Autodiff.stopGradient(max(axis, true));
    Tensor r = sub(m).exp().sum(axis, true).log().add(m);
    return keepDims ? r : r.squeeze(axis);
  }

  /** Index of the first maximum along an axis (not differentiable). */
  public int[] argmax(int axis) { return backend().argmax(storage, shape, shape.axis(axis)); }

  private int[] allAxes() {
    int[] a = new int[rank()];
    for (int i = 0; i < a.length; i++) a[i] = i;
    return a;
  }

  // ---------------------------------------------------------------- shape ops

  /** Same data, new shape; one dimension may be −1 (inferred). */
  public Tensor reshape(int... dims) { return Ops.reshape(this, Ops.inferShape(shape, dims)); }
  public Tensor reshape(Shape s) { return Ops.reshape(this, s); }
  public Tensor flatten() { return reshape(size()); }
  /** Removes a size-1 axis. */
  public Tensor squeeze(int axis) {
    int a = shape.axis(axis);
    if (shape.dim(a) != 1) throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + shape + " has size " + shape.dim(a) + ", not 1");
    return reshape(shape.without(a));
  }
  /** Inserts a size-1 axis at {@code axis} (0..rank). */
  public Tensor unsqueeze(int axis) {
    int a = axis < 0 ? axis + rank() + 1 : axis;
    if (a < 0 || a > rank()) throw new IllegalArgumentException("unsqueeze: axis " + axis + " out of range for shape " + shape);
    return reshape(shape.inserting(a, 1));
  }
  public Tensor permute(int... perm) { return Ops.permute(this, perm); }
  /** Swaps the last two axes. */
  public Tensor transpose() {
    if (rank() < 2) throw new IllegalArgumentException("transpose needs rank >= 2, got shape " + shape);
    return transpose(rank() - 2, rank() - 1);
  }
  public Tensor transpose(int a, int b) {
    int[] p = new int[rank()];
    for (int i = 0; i < p.length; i++) p[i] = i;
    int x = shape.axis(a), y = shape.axis(b);
    p[x] = y;
    p[y] = x;
    return permute(p);
  }
  public Tensor broadcastTo(int... dims) { return Ops.broadcastTo(this, Shape.of(dims)); }
  public Tensor broadcastTo(Shape s) { return Ops.broadcastTo(this, s); }
  /** Entries [start, end) along one axis. */
  public Tensor slice(int axis, int start, int end) {
    int a = shape.axis(axis);
    int[] b = new int[rank()], e = shape.dims();
    b[a] = start;
    e[a] = end;
    return Ops.slice(this, b, e);
  }
  public Tensor slice(int[] begin, int[] end) { return Ops.slice(this, begin, end); }
  /** Zero padding: {@code before[i]} and {@code after[i]} cells on axis i. */
  public Tensor pad(int[] before, int[] after) { return Ops.pad(this, before, after); }
  public static Tensor concat(int axis, Tensor... parts) { return Ops.concat(axis, parts); }
  public static Tensor concat(int axis, List<Tensor> parts) { return Ops.concat(axis, parts.toArray(Tensor[]::new)); }
  /** Stacks equal-shaped tensors along a new axis. */
  public static Tensor stack(int axis, List<Tensor> parts) {
    return concat(axis, parts.stream().map(t -> t.unsqueeze(axis)).toArray(Tensor[]::new));
  }

  /** Picks one entry along {@code axis} per position of the other axes, e.g. the true-class logit of each row. */
  public Tensor takeAlong(int axis, int[] idx) { return Ops.takeAlong(this, axis, idx); }
  /** The adjoint of takeAlong: a zero tensor of {@code size} entries along {@code axis}, with this placed at idx. */
  public Tensor scatterAlong(int axis, int[] idx, int size) { return Ops.scatterAlong(this, axis, idx, size); }
  /** Whole slices along {@code axis} by index (rows of an embedding table, class centres of labels). */
  public Tensor indexSelect(int axis, int[] idx) { return Ops.indexSelect(this, axis, idx); }
  /** Sums slices into positions idx of a zero tensor with {@code size} entries along {@code axis}. */
  public Tensor indexAdd(int axis, int[] idx, int size) { return Ops.indexAdd(this, axis, idx, size); }

  // ---------------------------------------------------------------- linear algebra, convolution, pooling

  /** Matrix product of the last two axes, batched over a leading axis when present. */
  public Tensor matmul(Tensor o) { return Ops.matmul(this, o, false, false); }
  /** op(this) · op(o) where op transposes the last two axes when its flag is set (no copy is made). */
  public Tensor matmul(Tensor o, boolean transThis, boolean transOther) { return Ops.matmul(this, o, transThis, transOther); }

  /** 2-D convolution of an NCHW input with [outC, inC, kH, kW] weights. */
  public Tensor conv2d(Tensor weight, Conv2dSpec spec) { return Ops.conv2d(this, weight, spec); }
  /** conv2d(weight) plus a per-output-channel bias [outC], in one op (the same values as adding it after). */
  public Tensor conv2d(Tensor weight, Tensor bias, Conv2dSpec spec) { return Ops.conv2d(this, weight, bias, spec); }
  public Tensor maxPool2d(Pool2dSpec spec) { return Ops.pool2d(PoolKind.MAX, this, spec); }
  public Tensor avgPool2d(Pool2dSpec spec) { return Ops.pool2d(PoolKind.AVG, this, spec); }
}
