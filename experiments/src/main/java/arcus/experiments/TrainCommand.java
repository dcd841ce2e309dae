package arcus.experiments;

import arcus.experiments.train.FeatureDimOption;
import arcus.experiments.train.TrainConfig;
import arcus.experiments.train.TrainOptions;
import arcus.experiments.train.TrainRun;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code arcus train}: trains a network with a margin loss and writes a run folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Trains a feature network with a margin-loss head on an image data set.",
        "Writes report.md, metrics.csv, steps.csv, curves.png, summary.json and checkpoint.arcus into --out",
        "(a new or empty folder; --resume continues the run there, --overwrite replaces it)."})
final class TrainCommand implements Callable<Integer> {
  @Mixin TrainOptions train = TrainOptions.recipe();

  @Mixin LossOptions loss = new LossOptions();

  @Mixin FeatureDimOption dim = new FeatureDimOption();

  @Option(names = "--lambda-schedule", defaultValue = "none", description = "λ annealing for lsoftmax/sphereface: none, lsoftmax, sphereface (${DEFAULT-VALUE})")
  String lambdaSchedule;

  @Option(names = "--classes", defaultValue = "0", description = "keep only the first k classes (0 = all)")
  int classes;

  @Option(names = "--out", defaultValue = "runs/train", description = "run folder (${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--resume", description = "continue from this checkpoint (same model, loss and shapes)")
  Path resume;

  @Mixin OverwriteOption overwrite = new OverwriteOption();

  /** The run's config: the shared training options plus this command's own. */
  TrainConfig config() {
    return train.builder(loss.loss).loss(loss.loss).lossParams(loss.params()).featureDim(dim.featureDim)
        .lambdaSchedule(lambdaSchedule).classes(classes).out(out).resume(resume).build();
  }

  @Override
  public Integer call() {
    TrainRun.run(config(), System.out, overwrite.overwrite);
    return 0;
  }
}
