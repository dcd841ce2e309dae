package arcus.gpu;

import static arcus.gpu.Pair.CPU;
import static arcus.gpu.Pair.assertAgree;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import arcus.core.BinaryOp;
import arcus.core.DType;
import arcus.core.ReduceOp;
import arcus.core.Shape;
import arcus.core.Storage;
import arcus.core.UnaryOp;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Every elementwise, reduction and layout method of {@link TornadoBackend}, run on the JVM
 * executor, agrees with the CPU backend on random shapes and values, in float32 and float64.
 */
class KernelAgreementProperties {
  private final TornadoBackend gpu = TornadoBackend.onJvm();

  @Property(tries = 20)
  void hostRoundTripAndCast(@ForAll long seed, @ForAll DType dtype) {
    hostRoundTripAndCast(gpu, seed, dtype);
  }

  static void hostRoundTripAndCast(TornadoBackend gpu, long seed, DType dtype) {
    SplittableRandom r = new SplittableRandom(seed);
    Pair x = Pair.of(gpu, dtype, Pair.normal(r, r.nextInt(1, 50)));
    assertAgree("fromHost", x.cpu, x.gpu, 0);
    assertArrayEquals(CPU.toFloatArray(x.cpu), gpu.toFloatArray(x.gpu));
    assertArrayEquals(CPU.toDoubleArray(x.cpu), gpu.toDoubleArray(x.gpu));
    for (DType to : DType.values()) assertAgree("cast to " + to, CPU.cast(x.cpu, to), gpu.cast(x.gpu, to), 0);
  }

  @Property(tries = 10)
  void fill(@ForAll long seed, @ForAll DType dtype) {
    fill(gpu, seed, dtype);
  }

  static void fill(TornadoBackend gpu, long seed, DType dtype) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = r.nextInt(0, 40);
    double v = r.nextBoolean() ? 0 : r.nextGaussian();
    assertAgree("fill", CPU.fill(dtype, n, v), gpu.fill(dtype, n, v), 0);
  }

  @Property(tries = 40)
  void unary(@ForAll long seed, @ForAll DType dtype, @ForAll UnaryOp op) {
    unary(gpu, seed, dtype, op);
  }

  static void unary(TornadoBackend gpu, long seed, DType dtype, UnaryOp op) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = Pair.size(Pair.shape(r, 3, 6));
    double[] d = switch (op) {
      case LOG, SQRT -> Pair.uniform(r, n, 0.05, 4);
      case ACOS -> Pair.uniform(r, n, -0.99, 0.99);
      case SIGN, RELU, ABS, NEG -> Pair.quantized(r, n);
      default -> Pair.uniform(r, n, -4, 4);
    };
    Pair x = Pair.of(gpu, dtype, d);
    assertAgree(op.name(), CPU.unary(op, x.cpu), gpu.unary(op, x.gpu), 0);
  }

  @Property(tries = 60)
  void binaryWithBroadcasting(@ForAll long seed, @ForAll DType dtype, @ForAll BinaryOp op) {
    binaryWithBroadcasting(gpu, seed, dtype, op);
  }

  static void binaryWithBroadcasting(TornadoBackend gpu, long seed, DType dtype, BinaryOp op) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] full = Pair.shape(r, 4, 4);
    int[] as = broadcastable(r, full), bs = broadcastable(r, full);
    Shape sa = Shape.of(as), sb = Shape.of(bs), out = Shape.broadcast("test", sa, sb);
    double[] a = op.isComparison() ? Pair.quantized(r, sa.size()) : Pair.normal(r, sa.size());
    double[] b = switch (op) {
      case DIV -> Pair.uniform(r, sb.size(), 0.5, 2);
      case POW -> Pair.uniform(r, sb.size(), -2, 2);
      default -> op.isComparison() ? Pair.quantized(r, sb.size()) : Pair.normal(r, sb.size());
    };
    if (op == BinaryOp.POW) a = Pair.uniform(r, sa.size(), 0.2, 3);
    Pair pa = Pair.of(gpu, dtype, a), pb = Pair.of(gpu, dtype, b);
    assertAgree(op.name() + " " + sa + " " + sb, CPU.binary(op, pa.cpu, sa, pb.cpu, sb, out), gpu.binary(op, pa.gpu, sa, pb.gpu, sb, out), 0);
  }

  @Property(tries = 25)
  void where(@ForAll long seed, @ForAll DType dtype, @ForAll DType condType) {
    where(gpu, seed, dtype, condType);
  }

  static void where(TornadoBackend gpu, long seed, DType dtype, DType condType) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] full = Pair.shape(r, 3, 4);
    Shape cs = Shape.of(broadcastable(r, full)), as = Shape.of(broadcastable(r, full)), bs = Shape.of(full);
    Shape out = Shape.broadcast("test", Shape.broadcast("test", cs, as), bs);
    Pair c = Pair.of(gpu, condType, Pair.quantized(r, cs.size())), a = Pair.of(gpu, dtype, Pair.normal(r, as.size())), b = Pair.of(gpu, dtype, Pair.normal(r, bs.size()));
    assertAgree("where", CPU.where(c.cpu, cs, a.cpu, as, b.cpu, bs, out), gpu.where(c.gpu, cs, a.gpu, as, b.gpu, bs, out), 0);
  }

  @Property(tries = 40)
  void reduce(@ForAll long seed, @ForAll DType dtype, @ForAll ReduceOp op) {
    reduce(gpu, seed, dtype, op);
  }

  static void reduce(TornadoBackend gpu, long seed, DType dtype, ReduceOp op) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] dims = r.nextInt(8) == 0 ? new int[0] : Pair.shape(r, 4, 6);
    Shape xs = Shape.of(dims);
    boolean[] axes = new boolean[dims.length];
    for (int i = 0; i < axes.length; i++) axes[i] = r.nextBoolean();
    Pair x = Pair.of(gpu, dtype, Pair.normal(r, xs.size()));
    assertAgree(op + " over " + java.util.Arrays.toString(axes) + " of " + xs, CPU.reduce(op, x.cpu, xs, axes), gpu.reduce(op, x.gpu, xs, axes), xs.size());
  }

  @Property(tries = 25)
  void argmax(@ForAll long seed, @ForAll DType dtype) {
    argmax(gpu, seed, dtype);
  }

  static void argmax(TornadoBackend gpu, long seed, DType dtype) {
    SplittableRandom r = new SplittableRandom(seed);
    Shape xs = Shape.of(Pair.shape(r, 4, 5));
    int axis = r.nextInt(xs.rank());
    Pair x = Pair.of(gpu, dtype, Pair.quantized(r, xs.size()));
    assertArrayEquals(CPU.argmax(x.cpu, xs, axis), gpu.argmax(x.gpu, xs, axis), "argmax with ties along " + axis + " of " + xs);
  }

  @Property(tries = 25)
  void permute(@ForAll long seed, @ForAll DType dtype) {
    permute(gpu, seed, dtype);
  }

  static void permute(TornadoBackend gpu, long seed, DType dtype) {
    SplittableRandom r = new SplittableRandom(seed);
    Shape xs = Shape.of(Pair.shape(r, 5, 4));
    int[] perm = permutation(r, xs.rank());
    Pair x = Pair.of(gpu, dtype, Pair.normal(r, xs.size()));
    assertAgree("permute", CPU.permute(x.cpu, xs, perm), gpu.permute(x.gpu, xs, perm), 0);
  }

  @Property(tries = 25)
  void broadcastTo(@ForAll long seed, @ForAll DType dtype) {
    broadcastTo(gpu, seed, dtype);
  }

  static void broadcastTo(TornadoBackend gpu, long seed, DType dtype) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] full = Pair.shape(r, 4, 4);
    Shape xs = Shape.of(broadcastable(r, full)), out = Shape.of(full);
    Pair x = Pair.of(gpu, dtype, Pair.normal(r, xs.size()));
    assertAgree("broadcastTo", CPU.broadcastTo(x.cpu, xs, out), gpu.broadcastTo(x.gpu, xs, out), 0);
  }

  @Property(tries = 25)
  void sliceAndPad(@ForAll long seed, @ForAll DType dtype) {
    sliceAndPad(gpu, seed, dtype);
  }

  static void sliceAndPad(TornadoBackend gpu, long seed, DType dtype) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] dims = Pair.shape(r, 4, 5);
    Shape xs = Shape.of(dims);
    int[] begin = new int[dims.length], end = new int[dims.length], before = new int[dims.length], after = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      begin[i] = r.nextInt(dims[i]);
      end[i] = r.nextInt(begin[i], dims[i] + 1);
      before[i] = r.nextInt(3);
      after[i] = r.nextInt(3);
    }
    Pair x = Pair.of(gpu, dtype, Pair.normal(r, xs.size()));
    assertAgree("slice", CPU.slice(x.cpu, xs, begin, end), gpu.slice(x.gpu, xs, begin, end), 0);
    assertAgree("pad", CPU.pad(x.cpu, xs, before, after), gpu.pad(x.gpu, xs, before, after), 0);
  }

  @Property(tries = 25)
  void concat(@ForAll long seed, @ForAll DType dtype) {
    concat(gpu, seed, dtype);
  }

  static void concat(TornadoBackend gpu, long seed, DType dtype) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] dims = Pair.shape(r, 4, 4);
    int axis = r.nextInt(dims.length), parts = r.nextInt(1, 4), total = 0;
    Storage[] cpu = new Storage[parts], dev = new Storage[parts];
    Shape[] shapes = new Shape[parts];
    for (int p = 0; p < parts; p++) {
      int[] d = dims.clone();
      d[axis] = r.nextInt(0, 4);
      total += d[axis];
      shapes[p] = Shape.of(d);
      Pair x = Pair.of(gpu, dtype, Pair.normal(r, shapes[p].size()));
      cpu[p] = x.cpu;
      dev[p] = x.gpu;
    }
    int[] od = dims.clone();
    od[axis] = total;
    Shape out = Shape.of(od);
    assertAgree("concat", CPU.concat(cpu, shapes, axis, out), gpu.concat(dev, shapes, axis, out), 0);
  }

  @Property(tries = 25)
  void takeAlongAndScatterAlong(@ForAll long seed, @ForAll DType dtype) {
    takeAlongAndScatterAlong(gpu, seed, dtype);
  }

  static void takeAlongAndScatterAlong(TornadoBackend gpu, long seed, DType dtype) {
    SplittableRandom r = new SplittableRandom(seed);
    Shape xs = Shape.of(Pair.shape(r, 4, 5));
    int axis = r.nextInt(xs.rank()), a = xs.dim(axis);
    int[] idx = new int[xs.size() / a];
    for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(a);
    Pair x = Pair.of(gpu, dtype, Pair.normal(r, xs.size()));
    assertAgree("takeAlong", CPU.takeAlong(x.cpu, xs, axis, idx), gpu.takeAlong(x.gpu, xs, axis, idx), 0);
    int[] gd = new int[xs.rank() - 1];
    for (int i = 0, j = 0; i < xs.rank(); i++) if (i != axis) gd[j++] = xs.dim(i);
    Shape gs = Shape.of(gd);
    Pair g = Pair.of(gpu, dtype, Pair.normal(r, gs.size()));
    assertAgree("scatterAlong", CPU.scatterAlong(g.cpu, gs, axis, idx, a), gpu.scatterAlong(g.gpu, gs, axis, idx, a), 0);
  }

  @Property(tries = 25)
  void indexSelectAndIndexAdd(@ForAll long seed, @ForAll DType dtype) {
    indexSelectAndIndexAdd(gpu, seed, dtype);
  }

  static void indexSelectAndIndexAdd(TornadoBackend gpu, long seed, DType dtype) {
    SplittableRandom r = new SplittableRandom(seed);
    Shape xs = Shape.of(Pair.shape(r, 4, 5));
    int axis = r.nextInt(xs.rank()), a = xs.dim(axis);
    int[] idx = new int[r.nextInt(0, 7)];
    for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(a);
    Pair x = Pair.of(gpu, dtype, Pair.normal(r, xs.size()));
    assertAgree("indexSelect", CPU.indexSelect(x.cpu, xs, axis, idx), gpu.indexSelect(x.gpu, xs, axis, idx), 0);
    int[] gd = xs.dims();
    gd[axis] = idx.length;
    Shape gs = Shape.of(gd);
    Pair g = Pair.of(gpu, dtype, Pair.normal(r, gs.size()));
    assertAgree("indexAdd (repeated indices)", CPU.indexAdd(g.cpu, gs, axis, idx, a), gpu.indexAdd(g.gpu, gs, axis, idx, a), idx.length);
  }

  static int[] broadcastable(SplittableRandom r, int[] full) {
    int drop = r.nextInt(3) == 0 ? 0 : r.nextInt(full.length + 1);
    int[] s = new int[full.length - drop];
    for (int i = 0; i < s.length; i++) s[i] = r.nextInt(3) == 0 ? 1 : full[i + drop];
    return s;
  }

  static int[] permutation(SplittableRandom r, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1), t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
