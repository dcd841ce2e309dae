package arcus.experiments;

import arcus.core.cpu.PeakFlops;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arcus bench peak}: measured fp32 FMA peak on 1 and N threads, the yardstick for the others. */
@Command(name = "peak", mixinStandardHelpOptions = true, description = "Measure fp32 FMA peak GFLOP/s.")
final class BenchPeakCommand implements Runnable {
  @Option(names = "--threads", description = "thread count for the multi-threaded figure (default: ${DEFAULT-VALUE})")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public void run() {
    arcus.experiments.train.ConfigRanges.intIn("--threads", threads, 1, arcus.experiments.train.ConfigRanges.MAX_THREADS, "");
    double one = PeakFlops.singleThread();
    double many = PeakFlops.multiThread(threads);
    System.out.printf("peak fp32 FMA: 1 thread %.1f GFLOP/s, %d threads %.1f GFLOP/s%n", one, threads, many);
    for (int[] t : new int[][] {{1}, {threads}}) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("bench", "peak");
      j.put("threads", t[0]);
      j.put("gflops", t[0] == 1 ? one : many);
      BenchSupport.printJson(j);
    }
  }
}
