package arcus.experiments;

import arcus.experiments.json.Jackson;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shared by the bench subcommands: median-of-repeats timing and one-line JSON records. */
final class BenchSupport {
  private BenchSupport() {}

  /** Runs {@code body} {@code warmup} times untimed (JIT), then returns the median of {@code repeats} timings in seconds. */
  static double medianSeconds(int warmup, int repeats, Runnable body) {
    return medianSeconds(warmup, 0, repeats, body);
  }

  /**
   * As above, but the warm-up also lasts at least {@code warmSeconds}: a call that takes under a
   * millisecond needs thousands of calls before C2 has compiled its kernels (measured: sgemm 256
   * on one thread read 31–47 GFLOP/s after 20 warm-up calls, 67–71 after a second of them).
   */
  static double medianSeconds(int warmup, double warmSeconds, int repeats, Runnable body) {
    return timed(warmup, warmSeconds, repeats, 0, body).median();
  }

  /** The median of the timed calls and how many there were. */
  record Timing(double median, int calls) {}

  /**
   * As above, but the timed calls go on until there are at least {@code repeats} of them and
   * they have taken at least {@code minSeconds} together: five steps of batch 50 take under a
   * second, and this machine's speed moves by 10–30% over seconds, so their median said little.
   */
  static Timing timed(int warmup, double warmSeconds, int repeats, double minSeconds, Runnable body) {
    long until = System.nanoTime() + (long) (warmSeconds * 1e9);
    for (int i = 0; i < warmup || System.nanoTime() < until; i++) body.run();
    double[] t = new double[Math.max(1, repeats)];
    int n = 0;
    double total = 0;
    while (n < Math.max(1, repeats) || total < minSeconds) {
      long t0 = System.nanoTime();
      body.run();
      double dt = (System.nanoTime() - t0) * 1e-9;
      if (n == t.length) t = Arrays.copyOf(t, 2 * n);
      t[n++] = dt;
      total += dt;
    }
    t = Arrays.copyOf(t, n);
    Arrays.sort(t);
    return new Timing(n % 2 == 1 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]), n);
  }

  /** Prints the fields, in order, as one JSON object on its own line; doubles to 6 significant digits. */
  static void printJson(Map<String, ?> fields) {
    Map<String, Object> rounded = new LinkedHashMap<>();
    fields.forEach((k, v) -> rounded.put(k, v instanceof Double d && Double.isFinite(d) ? new BigDecimal(d).round(new MathContext(6)).doubleValue() : v));
    System.out.println(Jackson.line(rounded));
  }

  /**
   * Runs {@code body}, then closes the backend (a device context). A failure to close never hides
   * the body's own failure: it is attached to it as suppressed; after a clean run it is printed.
   */
  static void runThenClose(arcus.core.Backend b, Runnable body) {
    if (!(b instanceof AutoCloseable c)) {
      body.run();
      return;
    }
    try {
      body.run();
    } catch (RuntimeException | Error e) {
      try {
        c.close();
      } catch (Throwable t) {
        e.addSuppressed(t);
      }
      throw e;
    }
    try {
      c.close();
    } catch (Exception | Error e) {
      System.err.println("arcus bench: closing the backend failed: " + e);
    }
  }

  static float[] randomFloats(int len, long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[] x = new float[len];
    for (int i = 0; i < len; i++) x[i] = r.nextFloat() * 2 - 1;
    return x;
  }
}
