package arcus.benchmarks;

import arcus.core.Autodiff;
import arcus.core.Fused;
import arcus.core.Tensor;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memory-bound tensor ops through the public API, on a [64, 64, 28, 28] float32 activation
 * (12.8 MB): exp (the per-lane {@code Math.exp} path that keeps kernels JIT-invariant), ReLU,
 * a broadcast add, fused batch norm forward, and fused batch norm forward + backward.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:Tier3DelayOn=100000", "-Darcus.threads=2"})
public class TensorOpsBench {
  private static final int N = 64, C = 64, S = 28;
  private Tensor x, bias, gamma, beta;

  @Setup
  public void setup() {
    x = Tensor.of(BenchData.floats(N * C * S * S, 1), N, C, S, S);
    bias = Tensor.of(BenchData.floats(C, 2), 1, C, 1, 1);
    gamma = Tensor.of(BenchData.floats(C, 3), C);
    beta = Tensor.of(BenchData.floats(C, 4), C);
  }

  @Benchmark
  public Tensor exp() {
    return x.exp();
  }

  @Benchmark
  public Tensor relu() {
    return x.relu();
  }

  @Benchmark
  public Tensor broadcastAdd() {
    return x.add(bias);
  }

  @Benchmark
  public Object batchNormForward() {
    return Fused.batchNorm(x, gamma, beta, 1e-5);
  }

  @Benchmark
  public Object batchNormForwardBackward() {
    return Autodiff.valueAndGrad(
        (List<Tensor> in) -> Fused.batchNorm(in.get(0), in.get(1), in.get(2), 1e-5).y().sum(),
        List.of(x, gamma, beta));
  }
}
