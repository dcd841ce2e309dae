package arcus.benchmarks;

import java.util.SplittableRandom;

/** Deterministic benchmark inputs. */
final class BenchData {
  private BenchData() {}

  /** {@code n} floats uniform in [-1, 1), the same for the same seed. */
  static float[] floats(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (2 * r.nextDouble() - 1);
    return a;
  }
}
