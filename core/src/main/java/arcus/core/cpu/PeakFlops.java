package arcus.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the machine's attainable fp32 FMA throughput, the yardstick benchmarks report against.
 * The loop keeps twelve independent accumulators in registers: FMA latency (4 cycles on Zen 3)
 * times two FMA pipes needs at least eight in flight, and there are no loads to compete with.
 */
public final class PeakFlops {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int ACCUMULATORS = 12;

  private PeakFlops() {}

  /** Peak GFLOP/s of one thread: the best of several timed runs after a JIT warm-up. */
  public static double singleThread() {
    return measure(1);
  }

  /**
   * Aggregate peak GFLOP/s of {@code threads} copies of the loop run concurrently on the shared
   * {@link Parallel} pool (temporarily resized), so the figure reflects the cores really available.
   */
  public static double multiThread(int threads) {
    return measure(threads);
  }

  private static double measure(int threads) {
    int saved = Parallel.threads();
    if (threads != saved) Parallel.setThreads(threads);
    try {
      long iters = 2_000_000L;
      run(threads, iters / 10); // JIT warm-up
      run(threads, iters / 10);
      double best = 0;
      for (int r = 0; r < 7; r++) {
        long t0 = System.nanoTime();
        run(threads, iters);
        double s = (System.nanoTime() - t0) * 1e-9;
        double flops = (double) threads * iters * ACCUMULATORS * S.length() * 2;
        best = Math.max(best, flops / s * 1e-9);
      }
      return best;
    } finally {
      if (threads != saved) Parallel.setThreads(saved);
    }
  }

  private static void run(int threads, long iters) {
    float[] sinks = new float[threads];
    Parallel.forRange(threads, 1, (from, to) -> {
      for (int t = from; t < to; t++) sinks[t] = loop(iters, 1f + t * 1e-7f);
    });
    for (float s : sinks) {
      // Consuming the result keeps the loop from being eliminated as dead code.
      if (Float.isNaN(s)) throw new AssertionError("peak loop produced NaN");
    }
  }

  private static float loop(long iters, float seed) {
    FloatVector m = FloatVector.broadcast(S, 0.9999999f);
    FloatVector add = FloatVector.broadcast(S, 1e-7f * seed);
    FloatVector a0 = FloatVector.broadcast(S, seed), a1 = a0.add(1f), a2 = a0.add(2f), a3 = a0.add(3f);
    FloatVector a4 = a0.add(4f), a5 = a0.add(5f), a6 = a0.add(6f), a7 = a0.add(7f);
    FloatVector a8 = a0.add(8f), a9 = a0.add(9f), a10 = a0.add(10f), a11 = a0.add(11f);
    for (long i = 0; i < iters; i++) {
      a0 = a0.fma(m, add);
      a1 = a1.fma(m, add);
      a2 = a2.fma(m, add);
      a3 = a3.fma(m, add);
      a4 = a4.fma(m, add);
      a5 = a5.fma(m, add);
      a6 = a6.fma(m, add);
      a7 = a7.fma(m, add);
      a8 = a8.fma(m, add);
      a9 = a9.fma(m, add);
      a10 = a10.fma(m, add);
      a11 = a11.fma(m, add);
    }
    FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
    return s.reduceLanes(VectorOperators.ADD);
  }
}
