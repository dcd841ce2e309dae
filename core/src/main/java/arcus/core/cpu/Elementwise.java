package arcus.core.cpu;

import arcus.core.BinaryOp;
import arcus.core.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise kernels. float32 runs on the Vector API (the widest species the CPU has), float64
 * on DoubleVector where it is cheap; scalar code handles only the tails. Large arrays are split
 * over the shared pool.
 */
final class Elementwise {
  private Elementwise() {}

  static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
  static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
  static final int GRAIN = 1 << 15;

  // ------------------------------------------------------------------ unary

  static float[] unary(UnaryOp op, float[] x) {
    float[] y = new float[x.length];
    Parallel.forRange(x.length, GRAIN, (from, to) -> unaryRange(op, x, y, from, to));
    return y;
  }

  static void unaryRange(UnaryOp op, float[] x, float[] y, int from, int to) {
    int i = from;
    int upper = from + FS.loopBound(to - from);
    for (; i < upper; i += FS.length()) {
      FloatVector v = FloatVector.fromArray(FS, x, i);
      vunary(op, v).intoArray(y, i);
    }
    for (; i < to; i++) y[i] = (float) sunary(op, x[i]);
  }

  static FloatVector vunary(UnaryOp op, FloatVector v) {
    return switch (op) {
      case NEG -> v.neg();
      case EXP -> v.lanewise(VectorOperators.EXP);
      case LOG -> v.lanewise(VectorOperators.LOG);
      case SQRT -> v.sqrt();
      case ABS -> v.abs();
      case SIN -> v.lanewise(VectorOperators.SIN);
      case COS -> v.lanewise(VectorOperators.COS);
      case ACOS -> v.lanewise(VectorOperators.ACOS);
      case TANH -> v.lanewise(VectorOperators.TANH);
      case SIGMOID -> FloatVector.broadcast(FS, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
      case RELU -> v.max(0f);
      case SIGN -> {
        FloatVector z = FloatVector.zero(FS);
        yield z.blend(1f, v.compare(VectorOperators.GT, 0f)).blend(-1f, v.compare(VectorOperators.LT, 0f));
      }
    };
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
    float[] out = new float[size];
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
    int i = 0;
    int upper = FS.loopBound(len);
    if (as == 1 && bs == 1) {
      for (; i < upper; i += FS.length())
        vbinary(op, FloatVector.fromArray(FS, a, ao + i), FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i);
    } else if (as == 1 && bs == 0) {
      FloatVector vb = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += FS.length()) vbinary(op, FloatVector.fromArray(FS, a, ao + i), vb).intoArray(out, oo + i);
    } else if (as == 0 && bs == 1) {
      FloatVector va = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += FS.length()) vbinary(op, va, FloatVector.fromArray(FS, b, bo + i)).intoArray(out, oo + i);
    }
    for (; i < len; i++) out[oo + i] = (float) sbinary(op, a[ao + i * as], b[bo + i * bs]);
  }

  static FloatVector vbinary(BinaryOp op, FloatVector x, FloatVector y) {
    return switch (op) {
      case ADD -> x.add(y);
      case SUB -> x.sub(y);
      case MUL -> x.mul(y);
      case DIV -> x.div(y);
      case POW -> x.pow(y);
      case MAX -> x.max(y);
      case MIN -> x.min(y);
      case GT -> mask(x.compare(VectorOperators.GT, y));
      case GE -> mask(x.compare(VectorOperators.GE, y));
      case LT -> mask(x.compare(VectorOperators.LT, y));
      case LE -> mask(x.compare(VectorOperators.LE, y));
      case EQ -> mask(x.compare(VectorOperators.EQ, y));
      case NE -> mask(x.compare(VectorOperators.NE, y));
    };
  }

  private static FloatVector mask(VectorMask<Float> m) {
    return FloatVector.zero(FS).blend(1f, m);
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
    float[] out = new float[size];
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
