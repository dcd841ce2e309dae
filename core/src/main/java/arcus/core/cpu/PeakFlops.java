package arcus.core.cpu;

import java.util.concurrent.CyclicBarrier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the machine's attainable fp32 FMA throughput, the yardstick benchmarks report against.
 *
 * <p>What it takes to reach the hardware limit, and how this loop does it:
 * <ul>
 *   <li>Enough independent FMA chains: latency (4 cycles on Zen 3, 4 on Zen 5) times the FMA
 *       pipes (2) needs at least eight vectors in flight per core; the loop keeps twelve in
 *       registers, with no loads to compete with, the same as the reference C loop (12 ymm
 *       accumulators per thread, {@code tools/reference-bench/peak_avx2.c}).</li>
 *   <li>The widest vector the CPU has ({@code SPECIES_PREFERRED}: 8 floats with AVX2, 16 with
 *       AVX-512), so the figure follows the machine it runs on.</li>
 *   <li>One dedicated platform thread per worker, started together at a barrier; each times its
 *       own loop, and the aggregate is the total work over the slowest thread's time. (The
 *       shared fork-join pool is not used: it may run two tasks one after the other on one
 *       worker, which halves the figure.)</li>
 *   <li>The loop compiled by C2 before timing (whole-method warm-up calls, not only on-stack
 *       replacement), and each timed run long enough (≈ 0.2 s) that start-up and timer costs
 *       vanish; the best of several runs is kept, as the machine's limit.</li>
 * </ul>
 */
public final class PeakFlops {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int ACCUMULATORS = 12;
  /** Rounds of the 12 FMAs per trip of the outer loop; every iteration count used is a multiple of it. */
  static final int UNROLL = 4;
  private static final long WARMUP_ITERS = 200_000L;
  private static final int WARMUP_CALLS = 40;
  private static final int TIMED_RUNS = 5;
  private static final double TARGET_SECONDS = 0.2;

  private PeakFlops() {}

  /** Floating-point operations of one round: 12 FMAs of {@code S.length()} lanes, 2 flops each. */
  static double flopsPerIteration() {
    return (double) ACCUMULATORS * S.length() * 2;
  }

  /** Peak GFLOP/s of one thread: the best of several timed runs after a JIT warm-up. */
  public static double singleThread() {
    return measure(1);
  }

  /** Aggregate peak GFLOP/s of {@code threads} copies of the loop running at the same time. */
  public static double multiThread(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    return measure(threads);
  }

  private static double measure(int threads) {
    for (int i = 0; i < WARMUP_CALLS; i++) check(loop(WARMUP_ITERS, 1f + i * 1e-7f));
    // size a run to last about TARGET_SECONDS on one thread
    long t0 = System.nanoTime();
    check(loop(20 * WARMUP_ITERS, 1f));
    double perIter = (System.nanoTime() - t0) * 1e-9 / (20 * WARMUP_ITERS);
    long iters = Math.max(WARMUP_ITERS, (long) (TARGET_SECONDS / perIter)) / UNROLL * UNROLL;
    double best = 0;
    for (int r = 0; r < TIMED_RUNS; r++) {
      double slowest = concurrentRun(threads, iters);
      best = Math.max(best, threads * iters * flopsPerIteration() / slowest * 1e-9);
    }
    return best;
  }

  /** Runs the loop on {@code threads} new threads at once; returns the slowest thread's seconds. */
  private static double concurrentRun(int threads, long iters) {
    CyclicBarrier start = new CyclicBarrier(threads);
    double[] seconds = new double[threads];
    float[] sinks = new float[threads];
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      workers[t] = Thread.ofPlatform().name("arcus-peak-" + t).daemon().unstarted(() -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException("peak measurement interrupted", e);
        }
        long s0 = System.nanoTime();
        sinks[id] = loop(iters, 1f + id * 1e-7f);
        seconds[id] = (System.nanoTime() - s0) * 1e-9;
      });
      workers[t].start();
    }
    double slowest = 0;
    for (int t = 0; t < threads; t++) {
      try {
        workers[t].join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("peak measurement interrupted", e);
      }
      check(sinks[t]);
      slowest = Math.max(slowest, seconds[t]);
    }
    return slowest;
  }

  private static void check(float sink) {
    // Consuming the result keeps the loop from being eliminated as dead code.
    if (Float.isNaN(sink)) throw new AssertionError("peak loop produced NaN");
  }

  /** {@code iters} rounds (a multiple of {@link #UNROLL}) of the 12 independent FMA chains. */
  static float loop(long iters, float seed) {
    if (iters % UNROLL != 0) throw new IllegalArgumentException("iters must be a multiple of " + UNROLL + ", got " + iters);
    FloatVector m = FloatVector.broadcast(S, 0.9999999f);
    FloatVector add = FloatVector.broadcast(S, 1e-7f * seed);
    FloatVector a0 = FloatVector.broadcast(S, seed), a1 = a0.add(1f), a2 = a0.add(2f), a3 = a0.add(3f);
    FloatVector a4 = a0.add(4f), a5 = a0.add(5f), a6 = a0.add(6f), a7 = a0.add(7f);
    FloatVector a8 = a0.add(8f), a9 = a0.add(9f), a10 = a0.add(10f), a11 = a0.add(11f);
    // iters rounds of 12 FMAs, UNROLL rounds per trip of the outer loop: with one round per
    // trip the loop reached 0.82 of the C loop's rate, with four 0.91-0.93 (docs/performance.md)
    for (long i = 0; i < iters; i += UNROLL) {
      for (int u = 0; u < UNROLL; u++) {
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
    }
    FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
    return Lanes.sum(s);
  }
}
