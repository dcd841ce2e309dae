package arcus.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The float32 path (SIMD kernels) computes what the float64 path computes, within float32
 * tolerance, on sizes that hit every vector tail (1 .. 3 × the vector length).
 */
class Float32MatchesFloat64Properties {
  static void close(Tensor f32, Tensor f64, double tol, String what) {
    assertEquals(f64.shape(), f32.shape(), what);
    assertEquals(DType.F32, f32.dtype(), what);
    double[] a = f32.toDoubleArray(), b = f64.toDoubleArray();
    double scale = 1e-30;
    for (double v : b) if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    for (int i = 0; i < a.length; i++) {
      if (Double.isNaN(b[i])) {
        assertTrue(Double.isNaN(a[i]), what + " element " + i + ": expected NaN, got " + a[i]);
        continue;
      }
      double err = Math.abs(a[i] - b[i]);
      assertTrue(err <= tol * Math.max(1.0, Math.abs(b[i])) + 1e-6 * scale,
          what + " element " + i + ": float32 " + a[i] + " vs float64 " + b[i]);
    }
  }

  /**
   * A float32 sum of n terms per element against the float64 one. Rounding errors of a sum scale
   * with Σ|x|, not with the result: when the terms cancel, the result can be far smaller than
   * the error of a correct float32 summation (CI once drew a case where |sum| = 20.8 and the
   * error was 3.3e-4). Each of the n roundings, and the rounding of each input to float32, errs by
   * at most u·Σ|x| (u = 2^-24) with a random sign, so the total stays below (2 + 4√n)·u·Σ|x| with
   * a wide margin (observed worst over 3000 tries: 2.2e-7·Σ|x| at n = 11, where the bound is
   * 9.1e-7·Σ|x|).
   */
  static void sumClose(Tensor f32, Tensor f64, Tensor absSum, long n, String what) {
    assertEquals(f64.shape(), f32.shape(), what);
    double[] a = f32.toDoubleArray(), b = f64.toDoubleArray(), m = absSum.toDoubleArray();
    double factor = (2 + 4 * Math.sqrt(n)) * 0x1p-24;
    for (int i = 0; i < a.length; i++) {
      double err = Math.abs(a[i] - b[i]);
      assertTrue(err <= factor * m[i], what + " element " + i + ": float32 " + a[i] + " vs float64 " + b[i]
          + " (error " + err + ", Σ|x| = " + m[i] + ", error/Σ|x| = " + err / m[i] + ", n = " + n + ")");
    }
  }

  private static void both(Function<Tensor, Tensor> f, Tensor x64, double tol, String what) {
    close(f.apply(x64.to(DType.F32)), f.apply(x64), tol, what);
  }

  @Property(tries = 60)
  void unaryOpsEveryTail(@ForAll long seed) {
    Gen g = new Gen(seed);
    int n = g.between(1, 3 * 16 + 3);
    Tensor x = g.normal(n).mul(2.0), pos = g.uniform(0.01, 5, n), unit = g.uniform(-0.999, 0.999, n);
    both(Tensor::neg, x, 0, "neg");
    both(Tensor::exp, x, 2e-6, "exp");
    both(Tensor::log, pos, 2e-6, "log");
    both(Tensor::sqrt, pos, 2e-6, "sqrt");
    both(Tensor::abs, x, 0, "abs");
    both(Tensor::sin, x, 2e-6, "sin");
    both(Tensor::cos, x, 2e-6, "cos");
    both(Tensor::acos, unit, 4e-6, "acos");
    both(Tensor::tanh, x, 2e-6, "tanh");
    both(Tensor::sigmoid, x, 2e-6, "sigmoid");
    both(Tensor::relu, x, 0, "relu");
    both(Tensor::sign, x, 0, "sign");
  }

  @Property(tries = 60)
  void binaryOpsWithBroadcastEveryTail(@ForAll long seed) {
    Gen g = new Gen(seed);
    int[] full = g.shape(4, 20);
    int[] s = g.broadcastable(full);
    Tensor a = g.normal(full), b = g.awayFromZero(s);
    Tensor a32 = a.to(DType.F32), b32 = b.to(DType.F32);
    for (BinaryOp op : BinaryOp.values()) {
      Tensor aa = op == BinaryOp.POW ? a.abs().add(0.1) : a, aa32 = aa.to(DType.F32);
      // a comparison's answer jumps where its operands are within float32's rounding of each
      // other (CI drew a b whose float32 rounding equals aa's: GT 0 in float32, 1 in float64), so
      // comparisons are checked exactly, against the float64 comparison of the float32 values
      boolean exact = op.isComparison();
      Tensor a64 = exact ? aa32.to(DType.F64) : aa, b64 = exact ? b32.to(DType.F64) : b;
      close(Ops.binary(op, aa32, b32), Ops.binary(op, a64, b64), exact ? 0 : 3e-6, op + " " + a.shape() + " " + b.shape());
      // swapped, POW raises b (either sign) to aa: a negative base gives NaN unless the exponent is
      // a whole number, and aa's rounding to float32 can make it one (CI drew |a| + 0.1 within
      // float32's rounding of an odd integer: NaN in float64, -0.71 in float32), so the float64
      // reference takes the exponent the float32 path saw
      Tensor ref = op == BinaryOp.POW ? Ops.binary(op, b, aa32.to(DType.F64)) : Ops.binary(op, b64, a64);
      close(Ops.binary(op, b32, aa32), ref, exact ? 0 : 3e-6, op + " swapped");
    }
  }

  @Property(tries = 60)
  void reductionsEveryAxisSet(@ForAll long seed) {
    Gen g = new Gen(seed);
    int[] s = g.shape(4, 20);
    Tensor x = g.normal(s);
    int[] axes = new int[g.between(1, s.length)];
    int[] perm = g.rng.permutation(s.length);
    System.arraycopy(perm, 0, axes, 0, axes.length);
    Tensor sum64 = x.sum(axes, true);
    sumClose(x.to(DType.F32).sum(axes, true), sum64, x.abs().sum(axes, true), x.size() / sum64.size(), "sum " + java.util.Arrays.toString(s) + " over " + java.util.Arrays.toString(axes));
    both(t -> t.max(axes[0], false), x, 0, "max");
    assertEquals(java.util.Arrays.toString(x.argmax(axes[0])), java.util.Arrays.toString(x.to(DType.F32).argmax(axes[0])));
  }

  @Property(tries = 40)
  void matmulConvPool(@ForAll long seed) {
    Gen g = new Gen(seed);
    int m = g.between(1, 40), n = g.between(1, 40), k = g.between(1, 40);
    Tensor a = g.normal(m, k), b = g.normal(k, n);
    close(a.to(DType.F32).matmul(b.to(DType.F32)), a.matmul(b), 1e-5 * Math.sqrt(k), "matmul");
    Tensor x = g.normal(g.between(1, 2), g.between(1, 4), g.between(3, 9), g.between(3, 9));
    Tensor w = g.normal(g.between(1, 4), x.dim(1), 3, 3);
    Conv2dSpec spec = Conv2dSpec.of(g.between(1, 2), g.between(0, 2));
    close(x.to(DType.F32).conv2d(w.to(DType.F32), spec), x.conv2d(w, spec), 1e-5 * 6, "conv2d");
    Pool2dSpec p = Pool2dSpec.of(2, 2, g.rng.nextInt(2) == 0);
    both(t -> t.maxPool2d(p), x, 0, "maxPool");
    both(t -> t.avgPool2d(p), x, 1e-6, "avgPool");
  }
}
