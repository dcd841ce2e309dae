package arcus.benchmarks;

import arcus.core.cpu.Kernels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The three convolution passes (forward, input gradient, weight gradient) of a 3×3, padding-1,
 * stride-1 layer on an [n, c, s, s] batch with c output channels: the shapes of the L-Softmax
 * MNIST network (c = 64, s = 28) and of its deeper stages. Each pass costs 2·n·c·s²·c·9 flops
 * (direct-convolution equivalent, whichever algorithm runs). {@code -p algo=off|on} compares
 * im2col + GEMM with Winograd; {@code -jvmArgsAppend -Darcus.threads=1} times one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:Tier3DelayOn=100000", "-Darcus.threads=2"})
public class ConvBench {
  @Param({"64"})
  public int batch;

  @Param({"64:28", "128:14", "256:7"})
  public String channelsAndSize;

  /** Convolution algorithm, as -Darcus.conv.winograd: auto (the measured rule), on (Winograd), off (im2col + GEMM). */
  @Param({"auto"})
  public String algo;

  private int c, s;
  private float[] x, w, gy, y, gx, gw;

  @Setup
  public void setup() {
    Kernels.convWinograd(algo);
    String[] p = channelsAndSize.split(":");
    c = Integer.parseInt(p[0]);
    s = Integer.parseInt(p[1]);
    x = BenchData.floats(batch * c * s * s, 1);
    w = BenchData.floats(c * c * 9, 2);
    gy = BenchData.floats(batch * c * s * s, 3);
    y = new float[batch * c * s * s];
    gx = new float[x.length];
    gw = new float[w.length];
  }

  @Benchmark
  public void forward(Blackhole bh) {
    Kernels.conv2dForward(x, batch, c, s, s, w, c, 3, 3, 1, 1, 1, 1, 1, 1, y);
    bh.consume(y);
  }

  @Benchmark
  public void backwardInput(Blackhole bh) {
    Kernels.conv2dBackwardInput(gy, batch, c, s, s, w, c, 3, 3, 1, 1, 1, 1, 1, 1, gx);
    bh.consume(gx);
  }

  @Benchmark
  public void backwardWeight(Blackhole bh) {
    Kernels.conv2dBackwardWeight(x, batch, c, s, s, gy, c, 3, 3, 1, 1, 1, 1, 1, 1, gw);
    bh.consume(gw);
  }
}
