package arcus.experiments;

import arcus.core.Backend;
import arcus.core.DType;
import arcus.core.Autodiff;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.StepClock;
import arcus.core.Tensor;
import arcus.core.cpu.Parallel;
import arcus.nn.Head;
import arcus.losses.Losses;
import arcus.losses.MarginLoss;
import arcus.nn.TrainStep;
import arcus.nn.models.Model;
import arcus.nn.models.Models;
import arcus.nn.optim.Sgd;
import arcus.experiments.train.ModelOptions;
import arcus.gpu.Backends;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code arcus bench train}: training throughput (forward + backward + SGD-momentum step) of a
 * model on random inputs of the data set's shape, softmax head on top.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Training throughput in images/s (forward + backward + SGD momentum step).")
final class BenchTrainCommand implements Runnable {
  @Mixin ModelOptions net = new ModelOptions();

  @Option(names = "--steps", defaultValue = "5", description = "timed steps (${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--seconds", defaultValue = "4", description = "timed steps go on until they have taken this long together, at least"
      + " (${DEFAULT-VALUE}; 0: exactly --steps); the median step is reported")
  double seconds;

  @Option(names = "--warmup", defaultValue = "2", description = "untimed warm-up steps, at least (${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--warmup-seconds", defaultValue = "8", description = "untimed warm-up time, at least (${DEFAULT-VALUE});"
      + " two steps of batch 50 left C2 compiling: 54-60 images/s at 1 thread against 64-70 after 12 steps")
  double warmupSeconds;

  @Option(names = "--classes", defaultValue = "10", description = "classes (${DEFAULT-VALUE})")
  int classes;

  @Option(names = "--eval-batch", defaultValue = "500", description = "batch of the evaluation (forward only, EVAL mode) timing; 0 skips it (${DEFAULT-VALUE}, as in arcus train)")
  int evalBatch;

  /** The loss head; its own forward+backward is also timed alone. */
  @Mixin LossOptions lossOptions = new LossOptions();

  @Option(names = "--backend", defaultValue = "cpu",
      description = "cpu; tornado (TornadoVM, needs TORNADOVM_HOME: docs/gpu.md); jvm-kernels (${DEFAULT-VALUE})")
  String backend;

  @Override
  public void run() {
    BenchRanges.train(net.batch, steps, seconds, warmup, warmupSeconds, net.threads, classes, evalBatch);
    Backend b = Backends.byName(backend);
    BenchSupport.runThenClose(b, () -> Parallel.executor(net.threads).run(() -> measure(b)));
  }

  private void measure(Backend b) {
    Model m = Models.create(net.model, 0);
    int[] in = m.inputShape();
    int d = m.featureDim();
    String loss = lossOptions.loss;
    MarginLoss ml = Losses.create(loss, lossOptions.params());
    Head head = (p, f, y) -> ml.loss(f, p, y);
    TrainStep step = new TrainStep(m.features(), head, new Sgd(0.9, false, 5e-4));
    Rng rng = new Rng(1);
    Params headParams = ml.init(rng.split(), DType.F32, d, classes);
    TrainStep.State state = step.init(rng, DType.F32, headParams).to(b);
    int[] shape = new int[in.length + 1];
    shape[0] = net.batch;
    System.arraycopy(in, 0, shape, 1, in.length);
    Tensor x = rng.normal(DType.F32, 0, 1, shape).to(b);
    int[] labels = new int[net.batch];
    for (int i = 0; i < net.batch; i++) labels[i] = rng.nextInt(classes);
    TrainStep.State[] s = {state};
    BenchSupport.Timing timing = BenchSupport.timed(warmup, warmupSeconds, steps, this.seconds, () -> s[0] = step.step(s[0], x, labels, 0.01, rng).state());
    double seconds = timing.median();
    double ips = net.batch / seconds;
    // the loss head alone (forward + backward w.r.t. features and its weights), on features of the same shape
    Tensor feats = rng.normal(DType.F32, 0, 1, net.batch, d).to(b);
    java.util.List<String> names = headParams.names();
    java.util.List<Tensor> headIn = new java.util.ArrayList<>(headParams.map(t -> t.to(b)).tensors());
    headIn.add(feats);
    double headSeconds = BenchSupport.medianSeconds(5, Math.max(10, steps), () -> Autodiff.valueAndGrad(
        (java.util.List<Tensor> xs) -> ml.loss(xs.get(xs.size() - 1), Params.of(names, xs.subList(0, xs.size() - 1)), labels), headIn));
    // evaluation: forward only, EVAL mode, nothing recorded for a backward pass
    double evalIps = Double.NaN;
    if (evalBatch > 0) {
      int[] evalShape = shape.clone();
      evalShape[0] = evalBatch;
      Tensor xe = rng.normal(DType.F32, 0, 1, evalShape).to(b);
      double evalSeconds = BenchSupport.medianSeconds(1, Math.max(3, steps),
          () -> m.features().forward(s[0].modelParams(), s[0].modelState(), xe).toFloatArray());
      evalIps = evalBatch / evalSeconds;
    }
    if (b != arcus.core.cpu.CpuBackend.INSTANCE) System.out.printf("backend %s%n", backend);
    System.out.printf("%-16s batch %4d  threads %d  %.3f s/step  %.1f images/s  (%s head alone: %.2f ms, %.2f%% of the step)%n",
        net.model, net.batch, net.threads, seconds, ips, loss, headSeconds * 1e3, 100 * headSeconds / seconds);
    if (evalBatch > 0)
      System.out.printf("evaluation, batch %d: %.1f images/s, %.2f× the training rate%n", evalBatch, evalIps, evalIps / ips);
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("bench", "train");
    j.put("backend", backend);
    j.put("model", net.model);
    j.put("batch", net.batch);
    j.put("threads", net.threads);
    j.put("seconds_per_step", seconds);
    j.put("timed_steps", timing.calls());
    j.put("images_per_second", ips);
    j.put("loss", loss);
    j.put("head_seconds", headSeconds);
    j.put("head_share", headSeconds / seconds);
    if (evalBatch > 0) {
      j.put("eval_batch", evalBatch);
      j.put("eval_images_per_second", evalIps);
      j.put("eval_to_train", evalIps / ips);
    }
    j.put("peak_rss_bytes", arcus.experiments.report.PeakRss.bytes());
    BenchSupport.printJson(j);
    breakdown(() -> s[0] = step.step(s[0], x, labels, 0.01, rng).state(), b == arcus.core.cpu.CpuBackend.INSTANCE);
  }

  /**
   * Where a step's time goes: the same steps again, timed by phase (forward, backward, update)
   * and, on the CPU backend, by kernel family (GEMM, convolution, the rest). A separate run, so
   * the clock's hooks never touch the throughput figure above.
   */
  private void breakdown(Runnable oneStep, boolean kernels) {
    StepClock clock = new StepClock();
    clock.during(() -> {
      for (int i = 0; i < steps; i++) oneStep.run();
      return null;
    });
    double total = clock.totalNanos();
    StringBuilder line = new StringBuilder("per step:");
    for (StepClock.Phase p : StepClock.Phase.values()) {
      long ns = clock.phaseNanos(p);
      line.append(String.format(java.util.Locale.ROOT, " %s %.3f s (%.0f%%)", p.name().toLowerCase(java.util.Locale.ROOT), ns / 1e9 / steps, 100 * ns / total));
      printShare("train_phase", "phase", p.name().toLowerCase(java.util.Locale.ROOT), ns, total);
    }
    if (kernels) {
      long gemm = clock.kernelNanos(StepClock.Kernel.GEMM), conv = clock.kernelNanos(StepClock.Kernel.CONV);
      long rest = clock.totalNanos() - gemm - conv;
      line.append(String.format(java.util.Locale.ROOT, "; GEMM %.0f%%, convolution %.0f%%, the rest %.0f%%", 100 * gemm / total, 100 * conv / total, 100 * rest / total));
      printShare("train_kernels", "kernel", "gemm", gemm, total);
      printShare("train_kernels", "kernel", "convolution", conv, total);
      printShare("train_kernels", "kernel", "rest", rest, total);
    }
    System.out.println(line);
  }

  private void printShare(String bench, String key, String name, long nanos, double total) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("bench", bench);
    j.put("model", net.model);
    j.put("batch", net.batch);
    j.put("threads", net.threads);
    j.put(key, name);
    j.put("seconds_per_step", nanos / 1e9 / steps);
    j.put("share", nanos / total);
    BenchSupport.printJson(j);
  }
}
