package arcus.core;

/** Random shapes and values for properties, all derived from one seed. */
final class Gen {
  final Rng rng;

  Gen(long seed) {
    rng = new Rng(seed);
  }

  int between(int lo, int hi) {
    return lo + rng.nextInt(hi - lo + 1);
  }

  int[] shape(int maxRank, int maxDim) {
    int r = between(1, maxRank);
    int[] s = new int[r];
    for (int i = 0; i < r; i++) s[i] = between(1, maxDim);
    return s;
  }

  /** A shape that broadcasts to {@code full}: some axes set to 1, maybe leading axes dropped. */
  int[] broadcastable(int[] full) {
    int drop = rng.nextInt(full.length + 1);
    if (rng.nextInt(3) == 0) drop = 0;
    int[] s = new int[full.length - drop];
    for (int i = 0; i < s.length; i++) s[i] = rng.nextInt(3) == 0 ? 1 : full[i + drop];
    return s;
  }

  Tensor normal(int... shape) {
    return rng.normal(DType.F64, 0, 1, shape);
  }

  Tensor uniform(double lo, double hi, int... shape) {
    return rng.uniform(DType.F64, lo, hi, shape);
  }

  /** Values kept away from zero (for log, div, sqrt, abs, and kinks). */
  Tensor awayFromZero(int... shape) {
    double[] d = uniform(0.3, 2.0, shape).toDoubleArray();
    for (int i = 0; i < d.length; i++) if (rng.nextInt(2) == 0) d[i] = -d[i];
    return Tensor.of(d, shape);
  }

  int[] labels(int n, int c) {
    int[] l = new int[n];
    for (int i = 0; i < n; i++) l[i] = rng.nextInt(c);
    return l;
  }
}
