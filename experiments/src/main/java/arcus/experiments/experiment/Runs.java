package arcus.experiments.experiment;

import arcus.core.Tensor;
import arcus.experiments.train.TrainConfig;
import arcus.experiments.train.TrainRun;
import arcus.experiments.train.Trainer;
import arcus.nn.TrainStep;
import arcus.nn.data.ImageDataset;
import java.io.PrintStream;
import java.nio.file.Path;

/** Training runs inside an experiment: each is an ordinary {@code arcus train} run folder. */
final class Runs {
  private Runs() {}

  /** A trained network: the trainer (data, model, loss) and the state loaded from the checkpoint. */
  record Loaded(Trainer trainer, TrainStep.State state, TrainConfig config) {}

  /** Trains (writing the run folder cfg.out()) and returns the final test accuracy. */
  static double train(TrainConfig cfg, PrintStream out) {
    Trainer.Progress p = TrainRun.run(cfg, out);
    return p.history().isEmpty() ? Double.NaN : p.history().get(p.history().size() - 1).testAccuracy();
  }

  /** Trains, then reloads the checkpoint of the run folder. */
  static Loaded trainAndLoad(TrainConfig cfg, PrintStream out) {
    TrainRun.run(cfg, out);
    return load(cfg.toBuilder().resume(cfg.out().resolve("checkpoint.arcus")).build(), out);
  }

  /** Rebuilds the trainer of a config whose resume points at a checkpoint, and loads it. */
  static Loaded load(TrainConfig cfgWithResume, PrintStream out) {
    Trainer t = new Trainer(cfgWithResume, out);
    return new Loaded(t, t.start().state(), cfgWithResume);
  }

  /** Features of the first n images as rows, labels into labelsOut (length ≥ min(n, data.n())). */
  static double[][] features(Loaded l, ImageDataset data, int n, int[] labelsOut) {
    Tensor f = l.trainer().features(l.state(), data, n, labelsOut);
    return MeanAngle.rows(f.toDoubleArray(), f.dim(0), f.dim(1));
  }

  /** Fraction of rows whose predicted class (the loss's own rule) equals the label. */
  static double accuracy(Loaded l, double[][] x, int[] labels) {
    if (x.length == 0) return Double.NaN;
    int d = x[0].length;
    double[] flat = new double[x.length * d];
    for (int i = 0; i < x.length; i++) System.arraycopy(x[i], 0, flat, i * d, d);
    Tensor f = Tensor.of(flat, x.length, d).to(arcus.core.DType.parse(l.config().dtype()));
    int[] pred = l.trainer().loss().predict(f, l.state().headParams());
    int ok = 0;
    for (int i = 0; i < x.length; i++) if (pred[i] == labels[i]) ok++;
    return (double) ok / x.length;
  }

  /**
   * One setting trained once per seed (run folders {@code runs/<name>-s<seed>}): the final test
   * accuracy of each run, NaN for a run whose loss diverged, with the reason in {@code failures}.
   */
  record SeedRuns(long[] seeds, double[] accuracy, java.util.List<String> failures) {
    Stats.Summary summary() {
      return Stats.of(accuracy);
    }

    /** The per-seed accuracies for a table cell, e.g. {@code 97.1 / 97.3 / diverged}. */
    String perSeed() {
      StringBuilder sb = new StringBuilder();
      for (double a : accuracy)
        sb.append(sb.isEmpty() ? "" : " / ").append(Double.isFinite(a) ? String.format(java.util.Locale.ROOT, "%.2f", 100 * a) : "diverged");
      return sb.toString();
    }
  }

  /** Trains {@code loss} at feature dimension d on the first k classes once per seed of {@code exp}. */
  static SeedRuns trainSeeds(ExperimentOptions exp, String name, LossSpec loss, int d, int k, PrintStream log) {
    return trainSeeds(exp, name, loss, d, k, java.util.function.UnaryOperator.identity(), log);
  }

  /** The same, with each run's config passed through {@code adjust} (e.g. another model). */
  static SeedRuns trainSeeds(ExperimentOptions exp, String name, LossSpec loss, int d, int k,
      java.util.function.UnaryOperator<TrainConfig> adjust, PrintStream log) {
    long[] seeds = exp.seedList();
    double[] acc = new double[seeds.length];
    java.util.List<String> failures = new java.util.ArrayList<>();
    for (int i = 0; i < seeds.length; i++) {
      if (seeds.length > 1) log.printf("  seed %d (%d of %d)%n", seeds[i], i + 1, seeds.length);
      TrainConfig cfg = adjust.apply(exp.config(runDir(exp.out, name + "-s" + seeds[i]), loss, d, k, seeds[i]));
      try {
        acc[i] = train(cfg, log);
      } catch (Trainer.Diverged e) { // the loss became NaN or infinite: a result to report, not a crash
        acc[i] = Double.NaN;
        failures.add(name + " seed " + seeds[i] + ": " + e.getMessage());
        log.println("  " + e.getMessage() + " - recorded as diverged");
      }
    }
    return new SeedRuns(seeds, acc, failures);
  }

  static Path runDir(Path out, String name) {
    return out.resolve("runs").resolve(name);
  }
}
