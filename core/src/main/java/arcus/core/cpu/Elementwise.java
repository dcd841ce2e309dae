package arcus.core.cpu;

import arcus.core.BinaryOp;
import arcus.core.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise kernels. float32 runs on the Vector API (the widest species the CPU has), float64
 * on DoubleVector where it is cheap; scalar code handles only the tails. Large arrays are split
 * over the shared pool.
 */
final class Elementwise {
  private Elementwise() {}

  static final VectorSpecies<Float> FS = Species.FLOAT;
  static final int GRAIN = 1 << 15;

  // ------------------------------------------------------------------ unary

  static float[] unary(UnaryOp op, float[] x) {
    float[] y = Recycler.take(x.length);
    Parallel.forRange(x.length, GRAIN, (from, to) -> unaryRange(op, x, y, from, to));
    return y;
  }

  static void unaryRange(UnaryOp op, float[] x, float[] y, int from, int to) {
    int i = SimdLoops.unary(op, x, y, from, to);
    for (; i < to; i++) y[i] = (float) sunary(op, x[i]);
  }

  static double sunary(UnaryOp op, double v) {
    return switch (op) {
      case NEG -> -v;
      case EXP -> Math.exp(v);
      case LOG -> Math.log(v);
      case SQRT -> Math.sqrt(v);
      case ABS -> Math.abs(v);
      case SIN -> Math.sin(v);
      case COS -> Math.cos(v);
      case ACOS -> Math.acos(v);
      case TANH -> Math.tanh(v);
      case SIGMOID -> v >= 0 ? 1.0 / (1.0 + Math.exp(-v)) : Math.exp(v) / (1.0 + Math.exp(v));
      case RELU -> v > 0 ? v : 0.0;
      case SIGN -> Math.signum(v);
    };
  }

  static double[] unary(UnaryOp op, double[] x) {
    double[] y = new double[x.length];
    Parallel.forRange(x.length, GRAIN, (from, to) -> {
      for (int i = from; i < to; i++) y[i] = sunary(op, x[i]);
    });
    return y;
  }

  // ------------------------------------------------------------------ binary

  static float[] binary(BinaryOp op, float[] a, float[] b, Broadcast p, int size) {
    float[] out = Recycler.take(size);
    int inner = p.inner(), outer = p.outer();
    int as = p.innerStride(0), bs = p.innerStride(1);
    if (outer == 1) {
      Parallel.forRange(inner, GRAIN, (from, to) ->
          innerRun(op, a, as * from, as, b, bs * from, bs, out, from, to - from));
    } else {
      int grain = Math.max(1, GRAIN / Math.max(1, inner));
      Parallel.forRange(outer, grain, (from, to) -> {
        for (int r = from; r < to; r++)
          innerRun(op, a, p.offset(0, r), as, b, p.offset(1, r), bs, out, r * inner, inner);
      });
    }
    return out;
  }

  private static void innerRun(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int i = SimdLoops.binary(op, a, ao, as, b, bo, bs, out, oo, len);
    for (; i < len; i++) out[oo + i] = (float) sbinary(op, a[ao + i * as], b[bo + i * bs]);
  }

  static double sbinary(BinaryOp op, double x, double y) {
    return switch (op) {
      case ADD -> x + y;
      case SUB -> x - y;
      case MUL -> x * y;
      case DIV -> x / y;
      case POW -> Math.pow(x, y);
      case MAX -> Math.max(x, y);
      case MIN -> Math.min(x, y);
      case GT -> x > y ? 1 : 0;
      case GE -> x >= y ? 1 : 0;
      case LT -> x < y ? 1 : 0;
      case LE -> x <= y ? 1 : 0;
      case EQ -> x == y ? 1 : 0;
      case NE -> x != y ? 1 : 0;
    };
  }

  static double[] binary(BinaryOp op, double[] a, double[] b, Broadcast p, int size) {
    double[] out = new double[size];
    int inner = p.inner(), outer = p.outer();
    int as = p.innerStride(0), bs = p.innerStride(1);
    int grain = Math.max(1, GRAIN / Math.max(1, inner));
    Parallel.forRange(outer, grain, (from, to) -> {
      for (int r = from; r < to; r++) {
        int ao = p.offset(0, r), bo = p.offset(1, r), oo = r * inner;
        for (int i = 0; i < inner; i++) out[oo + i] = sbinary(op, a[ao + i * as], b[bo + i * bs]);
      }
    });
    return out;
  }

  // ------------------------------------------------------------------ where

  static float[] where(float[] c, float[] a, float[] b, Broadcast p, int size) {
    float[] out = Recycler.take(size);
    int inner = p.inner(), outer = p.outer();
    int cs = p.innerStride(0), as = p.innerStride(1), bs = p.innerStride(2);
    if (outer == 1) {
      Parallel.forRange(inner, GRAIN, (from, to) -> {
        int i = cs == 1 && as == 1 && bs == 1 ? SimdLoops.where(c, a, b, out, from, to) : from;
        for (; i < to; i++) out[i] = c[i * cs] != 0 ? a[i * as] : b[i * bs];
      });
      return out;
    }
    Parallel.forRange(outer, Math.max(1, GRAIN / Math.max(1, inner)), (from, to) -> {
      for (int r = from; r < to; r++) {
        int co = p.offset(0, r), ao = p.offset(1, r), bo = p.offset(2, r), oo = r * inner;
        for (int i = 0; i < inner; i++) out[oo + i] = c[co + i * cs] != 0 ? a[ao + i * as] : b[bo + i * bs];
      }
    });
    return out;
  }

  static double[] where(double[] c, double[] a, double[] b, Broadcast p, int size) {
    double[] out = new double[size];
    int inner = p.inner();
    int cs = p.innerStride(0), as = p.innerStride(1), bs = p.innerStride(2);
    Parallel.forRange(p.outer(), Math.max(1, GRAIN / Math.max(1, inner)), (from, to) -> {
      for (int r = from; r < to; r++) {
        int co = p.offset(0, r), ao = p.offset(1, r), bo = p.offset(2, r), oo = r * inner;
        for (int i = 0; i < inner; i++) out[oo + i] = c[co + i * cs] != 0 ? a[ao + i * as] : b[bo + i * bs];
      }
    });
    return out;
  }
}
