package arcus.experiments;

import arcus.experiments.train.ConfigRanges;

/** The documented ranges of the {@code arcus bench} options (docs/robustness.md). */
final class BenchRanges {
  private BenchRanges() {}

  /** Largest GEMM size: three n×n float32 matrices of 8192 take 768 MiB. */
  static final int MAX_GEMM_SIZE = 8192;
  static final int MAX_REPEATS = 10_000;

  static void threadsAndRepeats(int threads, int repeats) {
    ConfigRanges.intIn("--threads", threads, 1, ConfigRanges.MAX_THREADS, "");
    ConfigRanges.intIn("--repeats", repeats, 1, MAX_REPEATS, "");
  }

  static void train(int batch, int steps, double seconds, int warmup, double warmupSeconds, int threads, int classes, int evalBatch) {
    ConfigRanges.realIn("--seconds", seconds, 0, false, 3600);
    ConfigRanges.realIn("--warmup-seconds", warmupSeconds, 0, false, 3600);
    ConfigRanges.intIn("--batch", batch, 2, ConfigRanges.MAX_BATCH, "");
    ConfigRanges.intIn("--eval-batch", evalBatch, 0, ConfigRanges.MAX_BATCH, " (0 = no evaluation timing)");
    ConfigRanges.intIn("--steps", steps, 1, MAX_REPEATS, "");
    ConfigRanges.intIn("--warmup", warmup, 0, MAX_REPEATS, "");
    ConfigRanges.intIn("--threads", threads, 1, ConfigRanges.MAX_THREADS, "");
    ConfigRanges.intIn("--classes", classes, 2, ConfigRanges.MAX_CLASSES, "");
  }
}
