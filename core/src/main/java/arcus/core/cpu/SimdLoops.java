package arcus.core.cpu;

import arcus.core.BinaryOp;
import arcus.core.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 SIMD loops of the elementwise ops. Every op has its own loop, with its Vector API
 * operation written out: passing the operation in as a value keeps C2 from compiling it to
 * instructions (the vectors then live on the heap and the loop runs several times slower).
 * Each method handles the three inner-stride patterns of a broadcast run — both operands
 * contiguous (1, 1), or one of them a broadcast scalar (1, 0) / (0, 1) — and leaves the tail
 * and any other pattern to the caller's scalar loop by returning how far it got.
 *
 * <p>The transcendental functions (exp, log, sin, cos, acos, tanh, sigmoid, pow) are computed
 * per lane with {@code Math} in double and rounded to float, never with the Vector API's
 * {@code lanewise(EXP)} and friends: those run the JDK's Java fallback until C2 compiles the
 * loop and a different (SVML) implementation afterwards, so the same input gave different bits
 * before and after warm-up, and a run resumed from a checkpoint (a fresh JVM) did not reproduce
 * the uninterrupted run. {@code Math}'s functions give the same bits in the interpreter, C1 and
 * C2, and these loops match the scalar reference exactly.
 */
final class SimdLoops {
  private SimdLoops() {}

  static final VectorSpecies<Float> FS = Species.FLOAT;
  private static final FloatVector Z = FloatVector.zero(FS);
  private static final FloatVector ONE = FloatVector.broadcast(FS, 1f);

  /** Vectorised part of y[from..to) = op(x[from..to)); returns the first index not done. */
  static int unary(UnaryOp op, float[] x, float[] y, int from, int to) {
    int upper = from + FS.loopBound(to - from), step = FS.length();
    int i = from;
    switch (op) {
      case NEG -> {
        for (; i < upper; i += step) {
          FloatVector v = FloatVector.fromArray(FS, x, i);
          v.neg().intoArray(y, i);
        }
      }
      case EXP -> {
        for (; i < to; i++) y[i] = (float) Math.exp(x[i]);
      }
      case LOG -> {
        for (; i < to; i++) y[i] = (float) Math.log(x[i]);
      }
      case SQRT -> {
        for (; i < upper; i += step) {
          FloatVector v = FloatVector.fromArray(FS, x, i);
          v.sqrt().intoArray(y, i);
        }
      }
      case ABS -> {
        for (; i < upper; i += step) {
          FloatVector v = FloatVector.fromArray(FS, x, i);
          v.abs().intoArray(y, i);
        }
      }
      case SIN -> {
        for (; i < to; i++) y[i] = (float) Math.sin(x[i]);
      }
      case COS -> {
        for (; i < to; i++) y[i] = (float) Math.cos(x[i]);
      }
      case ACOS -> {
        for (; i < to; i++) y[i] = (float) Math.acos(x[i]);
      }
      case TANH -> {
        for (; i < to; i++) y[i] = (float) Math.tanh(x[i]);
      }
      case SIGMOID -> {
        for (; i < to; i++) y[i] = (float) Elementwise.sunary(UnaryOp.SIGMOID, x[i]);
      }
      case RELU -> {
        for (; i < upper; i += step) {
          FloatVector v = FloatVector.fromArray(FS, x, i);
          v.max(0f).intoArray(y, i);
        }
      }
      case SIGN -> {
        for (; i < upper; i += step) {
          FloatVector v = FloatVector.fromArray(FS, x, i);
          Z.blend(1f, v.compare(VectorOperators.GT, 0f)).blend(-1f, v.compare(VectorOperators.LT, 0f)).intoArray(y, i);
        }
      }
    }
    return i;
  }

  /** Vectorised part of out[oo..oo+len) = op(a run, b run); returns how many elements were done. */
  static int binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    if (!((as == 1 && bs == 1) || (as == 1 && bs == 0) || (as == 0 && bs == 1))) return 0;
    return switch (op) {
      case ADD -> add(a, ao, as, b, bo, bs, out, oo, len);
      case SUB -> sub(a, ao, as, b, bo, bs, out, oo, len);
      case MUL -> mul(a, ao, as, b, bo, bs, out, oo, len);
      case DIV -> div(a, ao, as, b, bo, bs, out, oo, len);
      case POW -> 0; // scalar Math.pow in the caller: see the class comment
      case MAX -> max(a, ao, as, b, bo, bs, out, oo, len);
      case MIN -> min(a, ao, as, b, bo, bs, out, oo, len);
      case GT -> gt(a, ao, as, b, bo, bs, out, oo, len);
      case GE -> ge(a, ao, as, b, bo, bs, out, oo, len);
      case LT -> lt(a, ao, as, b, bo, bs, out, oo, len);
      case LE -> le(a, ao, as, b, bo, bs, out, oo, len);
      case EQ -> eq(a, ao, as, b, bo, bs, out, oo, len);
      case NE -> ne(a, ao, as, b, bo, bs, out, oo, len);
    };
  }

  private static int add(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        x.add(y).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        x.add(y).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        x.add(y).intoArray(out, oo + i);
      }
    }
    return i;
  }

  private static int sub(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        x.sub(y).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        x.sub(y).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        x.sub(y).intoArray(out, oo + i);
      }
    }
    return i;
  }

  private static int mul(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        x.mul(y).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        x.mul(y).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        x.mul(y).intoArray(out, oo + i);
      }
    }
    return i;
  }

  private static int div(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        x.div(y).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        x.div(y).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        x.div(y).intoArray(out, oo + i);
      }
    }
    return i;
  }

  private static int max(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        x.max(y).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        x.max(y).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        x.max(y).intoArray(out, oo + i);
      }
    }
    return i;
  }

  private static int min(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        x.min(y).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        x.min(y).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        x.min(y).intoArray(out, oo + i);
      }
    }
    return i;
  }

  private static int gt(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.GT, y)).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        Z.blend(ONE, x.compare(VectorOperators.GT, y)).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.GT, y)).intoArray(out, oo + i);
      }
    }
    return i;
  }

  private static int ge(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.GE, y)).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        Z.blend(ONE, x.compare(VectorOperators.GE, y)).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.GE, y)).intoArray(out, oo + i);
      }
    }
    return i;
  }

  private static int lt(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.LT, y)).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        Z.blend(ONE, x.compare(VectorOperators.LT, y)).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.LT, y)).intoArray(out, oo + i);
      }
    }
    return i;
  }

  private static int le(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.LE, y)).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        Z.blend(ONE, x.compare(VectorOperators.LE, y)).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.LE, y)).intoArray(out, oo + i);
      }
    }
    return i;
  }

  private static int eq(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.EQ, y)).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        Z.blend(ONE, x.compare(VectorOperators.EQ, y)).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.EQ, y)).intoArray(out, oo + i);
      }
    }
    return i;
  }

  private static int ne(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    int upper = FS.loopBound(len), step = FS.length(), i = 0;
    if (as == 1 && bs == 1) {
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i), y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.NE, y)).intoArray(out, oo + i);
      }
    } else if (bs == 0) {
      FloatVector y = FloatVector.broadcast(FS, b[bo]);
      for (; i < upper; i += step) {
        FloatVector x = FloatVector.fromArray(FS, a, ao + i);
        Z.blend(ONE, x.compare(VectorOperators.NE, y)).intoArray(out, oo + i);
      }
    } else {
      FloatVector x = FloatVector.broadcast(FS, a[ao]);
      for (; i < upper; i += step) {
        FloatVector y = FloatVector.fromArray(FS, b, bo + i);
        Z.blend(ONE, x.compare(VectorOperators.NE, y)).intoArray(out, oo + i);
      }
    }
    return i;
  }


  /** Vectorised part of out[from..to) = c != 0 ? a : b over contiguous operands. */
  static int where(float[] c, float[] a, float[] b, float[] out, int from, int to) {
    int upper = from + FS.loopBound(to - from), step = FS.length(), i = from;
    for (; i < upper; i += step) {
      FloatVector cv = FloatVector.fromArray(FS, c, i);
      FloatVector.fromArray(FS, b, i).blend(FloatVector.fromArray(FS, a, i), cv.compare(VectorOperators.NE, 0f)).intoArray(out, i);
    }
    return i;
  }
}
