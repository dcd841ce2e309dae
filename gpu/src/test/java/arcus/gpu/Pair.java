package arcus.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import arcus.core.Backend;
import arcus.core.DType;
import arcus.core.Storage;
import arcus.core.cpu.CpuBackend;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The same data on the CPU reference and on a TornadoBackend, and the comparison of two results.
 * float64 must agree to rounding; float32 within a tolerance scaled by the magnitude of the
 * terms that were summed ({@code scale}).
 */
final class Pair {
  static final CpuBackend CPU = CpuBackend.INSTANCE;

  final Storage cpu;
  final Storage gpu;

  private Pair(Storage cpu, Storage gpu) {
    this.cpu = cpu;
    this.gpu = gpu;
  }

  static Pair of(TornadoBackend gpu, DType dtype, double[] data) {
    if (dtype == DType.F64) return new Pair(CPU.fromHost(data.clone()), gpu.fromHost(data.clone()));
    float[] f = new float[data.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
    return new Pair(CPU.fromHost(f.clone()), gpu.fromHost(f.clone()));
  }

  static double[] normal(SplittableRandom r, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = r.nextGaussian();
    return d;
  }

  static double[] uniform(SplittableRandom r, int n, double lo, double hi) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = r.nextDouble(lo, hi);
    return d;
  }

  /** Multiples of 0.5 in [-2, 2]: repeated values, zeros and exact ties. */
  static double[] quantized(SplittableRandom r, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = r.nextInt(-4, 5) * 0.5;
    return d;
  }

  static int[] shape(SplittableRandom r, int maxRank, int maxDim) {
    int[] s = new int[r.nextInt(1, maxRank + 1)];
    for (int i = 0; i < s.length; i++) s[i] = r.nextInt(1, maxDim + 1);
    return s;
  }

  static int size(int[] shape) {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  static void assertAgree(String what, Storage expected, Storage actual, double scale) {
    assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
    assertEquals(expected.size(), actual.size(), what + ": size");
    Backend eb = expected.backend(), ab = actual.backend();
    double[] e = eb.toDoubleArray(expected), a = ab.toDoubleArray(actual);
    double tol = expected.dtype() == DType.F64 ? 1e-12 : 2e-5;
    for (int i = 0; i < e.length; i++) {
      if (Double.isNaN(e[i]) && Double.isNaN(a[i])) continue;
      if (e[i] == a[i]) continue;
      double err = Math.abs(e[i] - a[i]);
      if (!(err <= tol * (Math.abs(e[i]) + scale))) // a NaN on one side only fails too
        fail(what + " (" + expected.dtype() + "): element " + i + " is " + a[i] + ", CPU reference " + e[i] + "; reference " + abbreviate(e) + ", got " + abbreviate(a));
    }
  }

  private static String abbreviate(double[] d) {
    return d.length <= 12 ? Arrays.toString(d) : Arrays.toString(Arrays.copyOf(d, 12)) + "...";
  }
}
