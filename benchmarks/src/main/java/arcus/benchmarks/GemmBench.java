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
 * Square float32 GEMM, C = A·B, and the transposed-operand forms the backward pass uses.
 * GFLOP/s = 2n³ / (score in seconds) · 1e-9.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:Tier3DelayOn=100000", "-Darcus.threads=2"})
public class GemmBench {
  @Param({"256", "512", "1024"})
  public int n;

  /** nn, tn (A transposed: the weight gradient) or nt (B transposed: the input gradient). */
  @Param({"nn", "tn", "nt"})
  public String form;

  private float[] a, b, c;

  @Setup
  public void setup() {
    a = BenchData.floats(n * n, 1);
    b = BenchData.floats(n * n, 2);
    c = new float[n * n];
  }

  @Benchmark
  public void sgemm(Blackhole bh) {
    Kernels.sgemm(form.charAt(0) == 't', form.charAt(1) == 't', n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
    bh.consume(c);
  }
}
