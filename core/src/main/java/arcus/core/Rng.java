package arcus.core;

import java.util.SplittableRandom;

/**
 * An explicit, seeded random generator. The same seed gives the same numbers on every run;
 * {@link #split()} derives an independent generator deterministically, so a model's layers can
 * each take their own stream without sharing mutable state across threads.
 */
public final class Rng {
  private final SplittableRandom random;

  public Rng(long seed) {
    this.random = new SplittableRandom(seed);
  }

  private Rng(SplittableRandom r) {
    this.random = r;
  }

  /** A new generator, independent of this one, determined by this one's state. */
  public Rng split() {
    return new Rng(random.split());
  }

  public long nextLong() {
    return random.nextLong();
  }

  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  public double nextDouble() {
    return random.nextDouble();
  }

  /** A standard normal sample (Box–Muller, so the sequence depends only on the seed). */
  public double nextGaussian() {
    double u1 = random.nextDouble(), u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  public Tensor uniform(DType dtype, double lo, double hi, int... shape) {
    double[] d = new double[Shape.of(shape).size()];
    for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * random.nextDouble();
    return Tensor.of(dtype, d, shape);
  }

  public Tensor normal(DType dtype, double mean, double std, int... shape) {
    double[] d = new double[Shape.of(shape).size()];
    for (int i = 0; i < d.length; i++) d[i] = mean + std * nextGaussian();
    return Tensor.of(dtype, d, shape);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  public int[] permutation(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
