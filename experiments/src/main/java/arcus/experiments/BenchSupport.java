package arcus.experiments;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Shared by the bench subcommands: median-of-repeats timing and one-line JSON records. */
final class BenchSupport {
  private BenchSupport() {}

  /** Runs {@code body} {@code warmup} times untimed (JIT), then returns the median of {@code repeats} timings in seconds. */
  static double medianSeconds(int warmup, int repeats, Runnable body) {
    for (int i = 0; i < warmup; i++) body.run();
    double[] t = new double[Math.max(1, repeats)];
    for (int i = 0; i < t.length; i++) {
      long t0 = System.nanoTime();
      body.run();
      t[i] = (System.nanoTime() - t0) * 1e-9;
    }
    Arrays.sort(t);
    return t.length % 2 == 1 ? t[t.length / 2] : 0.5 * (t[t.length / 2 - 1] + t[t.length / 2]);
  }

  /** Prints the fields, in order, as one JSON object on its own line (values: numbers, strings, int arrays). */
  static void printJson(Map<String, ?> fields) {
    StringJoiner j = new StringJoiner(", ", "{", "}");
    fields.forEach((k, v) -> j.add(quote(k) + ": " + json(v)));
    System.out.println(j);
  }

  private static String json(Object v) {
    if (v instanceof String s) return quote(s);
    if (v instanceof int[] a) {
      StringJoiner j = new StringJoiner(",", "[", "]");
      for (int x : a) j.add(Integer.toString(x));
      return j.toString();
    }
    if (v instanceof Double d) return String.format(Locale.ROOT, "%.6g", d);
    return String.valueOf(v);
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  static float[] randomFloats(int len, long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[] x = new float[len];
    for (int i = 0; i < len; i++) x[i] = r.nextFloat() * 2 - 1;
    return x;
  }
}
