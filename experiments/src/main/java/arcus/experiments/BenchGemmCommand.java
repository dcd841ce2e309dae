package arcus.experiments;

import arcus.core.cpu.Kernels;
import arcus.core.cpu.Parallel;
import arcus.core.cpu.PeakFlops;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arcus bench gemm}: square float32 GEMM, C = A * B, at each size. */
@Command(name = "gemm", mixinStandardHelpOptions = true, description = "Benchmark square sgemm.")
final class BenchGemmCommand implements Runnable {
  @Option(names = "--sizes", split = ",", description = "matrix sizes (default: ${DEFAULT-VALUE})")
  List<Integer> sizes = List.of(256, 512, 1024, 2048);

  @Option(names = "--threads", description = "worker threads (default: ${DEFAULT-VALUE})")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--repeats", description = "timed repeats per size; the median is reported (default: ${DEFAULT-VALUE})")
  int repeats = 7;

  @Override
  public void run() {
    BenchRanges.threadsAndRepeats(threads, repeats);
    for (int n : sizes) arcus.experiments.train.ConfigRanges.intIn("--sizes", n, 1, BenchRanges.MAX_GEMM_SIZE, "");
    Parallel.executor(threads).run(this::measure);
  }

  private void measure() {
    double peak = PeakFlops.multiThread(threads);
    System.out.printf("measured fp32 peak on %d thread(s): %.1f GFLOP/s%n", threads, peak);
    System.out.printf("%6s %12s %10s %8s%n", "n", "seconds", "GFLOP/s", "of peak");
    for (int n : sizes) {
      float[] a = BenchSupport.randomFloats(n * n, 1), b = BenchSupport.randomFloats(n * n, 2), c = new float[n * n];
      double flops = 2.0 * n * n * n;
      int warmup = (int) Math.max(2, Math.min(20, 2e9 / flops));
      double s = BenchSupport.medianSeconds(warmup, repeats,
          () -> Kernels.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false));
      double gflops = flops / s * 1e-9;
      System.out.printf("%6d %12.5f %10.1f %7.0f%%%n", n, s, gflops, 100 * gflops / peak);
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("bench", "gemm");
      j.put("n", n);
      j.put("threads", threads);
      j.put("seconds", s);
      j.put("gflops", gflops);
      j.put("peak_gflops", peak);
      BenchSupport.printJson(j);
    }
  }
}
