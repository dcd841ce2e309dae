package arcus.experiments;

import arcus.core.Backend;
import arcus.core.Tensor;
import arcus.core.cpu.Kernels;
import arcus.core.cpu.Parallel;
import arcus.core.cpu.PeakFlops;
import arcus.gpu.Backends;
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

  @Option(names = "--repeats", description = "timed samples per size, each ~2 GFLOP of calls (as the reference bench times torch.mm); the median is reported (default: ${DEFAULT-VALUE})")
  int repeats = 7;

  @Option(names = "--backend", description = "cpu: the SIMD sgemm kernel alone; tornado or jvm-kernels: a matmul op on that backend, "
      + "timed from its inputs on the backend to the product read back on the host (docs/gpu.md) (default: ${DEFAULT-VALUE})")
  String backend = "cpu";

  @Override
  public void run() {
    BenchRanges.threadsAndRepeats(threads, repeats);
    for (int n : sizes) arcus.experiments.train.ConfigRanges.intIn("--sizes", n, 1, BenchRanges.MAX_GEMM_SIZE, "");
    if (!backend.equals("cpu")) {
      Backend b = Backends.byName(backend);
      BenchSupport.runThenClose(b, () -> Parallel.executor(threads).run(() -> measureOn(b)));
      return;
    }
    Parallel.executor(threads).run(this::measure);
  }

  /**
   * A matmul op on a non-CPU backend: both inputs live on the backend; each timed call makes the
   * product there and reads it back to the host, so the time includes whatever the backend moves.
   */
  private void measureOn(Backend b) {
    System.out.printf("backend %s: matmul op, inputs on the backend, product read back to the host%n", backend);
    System.out.printf("%6s %12s %10s%n", "n", "seconds", "GFLOP/s");
    for (int n : sizes) {
      Tensor a = Tensor.of(b, BenchSupport.randomFloats(n * n, 1), n, n), c = Tensor.of(b, BenchSupport.randomFloats(n * n, 2), n, n);
      double flops = 2.0 * n * n * n;
      double s = BenchSupport.medianSeconds(3, repeats, () -> a.matmul(c).toFloatArray());
      double gflops = flops / s * 1e-9;
      System.out.printf("%6d %12.5f %10.1f%n", n, s, gflops);
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("bench", "gemm");
      j.put("backend", backend);
      j.put("n", n);
      j.put("seconds", s);
      j.put("gflops", gflops);
      BenchSupport.printJson(j);
    }
  }

  /** Warm-up per size before the timed repeats, long enough for C2 to compile the kernels. */
  static final double WARM_SECONDS = 1.0;

  private void measure() {
    double peak = PeakFlops.multiThread(threads);
    System.out.printf("measured fp32 peak on %d thread(s): %.1f GFLOP/s%n", threads, peak);
    System.out.printf("%6s %12s %10s %8s%n", "n", "seconds", "GFLOP/s", "of peak");
    for (int n : sizes) {
      float[] a = BenchSupport.randomFloats(n * n, 1), b = BenchSupport.randomFloats(n * n, 2), c = new float[n * n];
      double flops = 2.0 * n * n * n;
      // each timed sample is ~2 GFLOP of calls, as tools/reference-bench/torch_bench.py times
      // torch.mm: one 256³ call takes ~0.13 ms, and a median of 7 single calls on a shared
      // machine read anywhere from 30 to 245 GFLOP/s
      int inner = (int) Math.max(1, Math.min(10_000, 2e9 / flops));
      double s = BenchSupport.medianSeconds(2, WARM_SECONDS, repeats, () -> {
        for (int i = 0; i < inner; i++) Kernels.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
      }) / inner;
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
