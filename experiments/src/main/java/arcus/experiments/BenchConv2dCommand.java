package arcus.experiments;

import arcus.core.cpu.Kernels;
import arcus.core.cpu.Parallel;
import arcus.core.cpu.PeakFlops;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code arcus bench conv2d}: a [64,64,28,28] batch through 64 3x3 filters with padding 1, each
 * pass timed separately and together. Every pass counts 2*N*Cout*OH*OW*Cin*KH*KW flops.
 */
@Command(name = "conv2d", mixinStandardHelpOptions = true, description = "Benchmark conv2d forward and backward passes.")
final class BenchConv2dCommand implements Runnable {
  @Option(names = "--threads", description = "worker threads (default: ${DEFAULT-VALUE})")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--repeats", description = "timed repeats; the median is reported (default: ${DEFAULT-VALUE})")
  int repeats = 7;

  private static final int N = 64, C = 64, H = 28, W = 28, OC = 64, K = 3, PAD = 1;

  @Override
  public void run() {
    BenchRanges.threadsAndRepeats(threads, repeats);
    Parallel.executor(threads).run(this::measure);
  }

  private void measure() {
    double peak = PeakFlops.multiThread(threads);
    int oh = Kernels.convOutDim(H, K, 1, PAD, 1), ow = Kernels.convOutDim(W, K, 1, PAD, 1);
    float[] x = BenchSupport.randomFloats(N * C * H * W, 1), wt = BenchSupport.randomFloats(OC * C * K * K, 2);
    float[] gy = BenchSupport.randomFloats(N * OC * oh * ow, 3);
    float[] y = new float[N * OC * oh * ow], gx = new float[x.length], gw = new float[wt.length];
    Runnable fwd = () -> Kernels.conv2dForward(x, N, C, H, W, wt, OC, K, K, 1, 1, PAD, PAD, 1, 1, y);
    Runnable bwdInput = () -> Kernels.conv2dBackwardInput(gy, N, C, H, W, wt, OC, K, K, 1, 1, PAD, PAD, 1, 1, gx);
    Runnable bwdWeight = () -> Kernels.conv2dBackwardWeight(x, N, C, H, W, gy, OC, K, K, 1, 1, PAD, PAD, 1, 1, gw);
    double passFlops = 2.0 * N * OC * oh * ow * C * K * K;

    System.out.printf("measured fp32 peak on %d thread(s): %.1f GFLOP/s%n", threads, peak);
    System.out.printf("%-16s %10s %10s %8s%n", "pass", "seconds", "GFLOP/s", "of peak");
    report("forward", fwd, passFlops, peak);
    report("backward_input", bwdInput, passFlops, peak);
    report("backward_weight", bwdWeight, passFlops, peak);
    report("total", () -> {
      fwd.run();
      bwdInput.run();
      bwdWeight.run();
    }, 3 * passFlops, peak);
  }

  /**
   * Untimed warm-up per pass, at least. Three calls were too few once the Winograd row copies
   * became vector shuffles: the forward pass, measured first, read 57-66 GFLOP/s on one thread
   * where the input gradient (the same code, measured after it) read 130.
   */
  static final double WARM_SECONDS = 2.0;

  private void report(String pass, Runnable body, double flops, double peak) {
    double s = BenchSupport.medianSeconds(3, WARM_SECONDS, repeats, body);
    double gflops = flops / s * 1e-9;
    System.out.printf("%-16s %10.5f %10.1f %7.0f%%%n", pass, s, gflops, 100 * gflops / peak);
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("bench", "conv2d");
    j.put("pass", pass);
    j.put("shape", new int[] {N, C, H, W});
    j.put("filters", new int[] {OC, C, K, K});
    j.put("threads", threads);
    j.put("seconds", s);
    j.put("gflops", gflops);
    j.put("peak_gflops", peak);
    BenchSupport.printJson(j);
  }
}
