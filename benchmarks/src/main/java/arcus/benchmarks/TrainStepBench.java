package arcus.benchmarks;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.losses.Losses;
import arcus.losses.MarginLoss;
import arcus.nn.Head;
import arcus.nn.TrainStep;
import arcus.nn.models.Model;
import arcus.nn.models.Models;
import arcus.nn.optim.Sgd;
import java.util.Map;
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

/**
 * One training step (forward, backward, SGD-momentum update) of a model on random inputs of
 * its data set's shape, with a loss head. images/s = batch / score. The user-facing form of
 * this measurement, with the loss head's share and peak RSS, is {@code arcus bench train}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:Tier3DelayOn=100000", "-Xmx3g", "-Darcus.threads=2"})
public class TrainStepBench {
  @Param({"lenet", "lsoftmax-mnist"})
  public String model;

  @Param({"50", "256"})
  public int batch;

  @Param({"softmax", "arcface"})
  public String loss;

  private TrainStep step;
  private TrainStep.State state;
  private Tensor x;
  private int[] labels;
  private Rng rng;

  @Setup
  public void setup() {
    Model m = Models.create(model, 0);
    MarginLoss ml = Losses.create(loss, Map.of());
    Head head = (p, f, y) -> ml.loss(f, p, y);
    step = new TrainStep(m.features(), head, new Sgd(0.9, false, 5e-4));
    rng = new Rng(1);
    Params headParams = ml.init(rng.split(), DType.F32, m.featureDim(), 10);
    state = step.init(rng, DType.F32, headParams);
    int[] in = m.inputShape();
    int[] shape = new int[in.length + 1];
    shape[0] = batch;
    System.arraycopy(in, 0, shape, 1, in.length);
    x = rng.normal(DType.F32, 0, 1, shape);
    labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = rng.nextInt(10);
  }

  @Benchmark
  public double step() {
    TrainStep.Result r = step.step(state, x, labels, 0.01, rng);
    state = r.state();
    return r.loss();
  }
}
