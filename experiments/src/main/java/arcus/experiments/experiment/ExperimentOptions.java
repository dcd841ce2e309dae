package arcus.experiments.experiment;

import arcus.experiments.train.TrainConfig;
import arcus.experiments.train.TrainOptions;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every experiment command has, declared once (a picocli mixin): the training options,
 * the preset that fills in those not given ({@link Budget}), the number of seeds, the losses to
 * train and the output folder. Each command gives its own defaults for the losses and the folder
 * ({@link #of}) and its own budgets ({@link #resolve}).
 */
final class ExperimentOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  @Mixin TrainOptions train = Budget.LINEAR_LENET.options();

  @Mixin arcus.experiments.OverwriteOption overwrite = new arcus.experiments.OverwriteOption();

  @Option(names = "--losses", description = "losses to train, name[:k=v...] comma-separated (${DEFAULT-VALUE})")
  String losses;

  @Option(names = "--out", description = "output folder (${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--preset", description = "default (answers the question on a 2-core CPU within the hour), quick (seconds: checks the"
      + " pipeline, no verdict), paper (the paper's own network and schedule, for a faster machine or the GPU); sets every"
      + " training option not given (${DEFAULT-VALUE})")
  String preset = "default";

  @Option(names = "--quick", description = "the same as --preset quick")
  boolean quick;

  @Option(names = "--seeds", description = "runs per setting, with seeds --seed, --seed+1, ... (default: the preset's, 3; quick: 2)")
  Integer seeds;

  /** The preset's budget, once {@link #resolve} ran. */
  Budget budget;

  /** The command line that reproduces this run, for the report. */
  String commandLine() {
    return ExperimentReport.command(command.name(), command.commandLine().getParseResult().originalArgs());
  }

  /** Whether {@code option} was given on the command line (false when the options were not parsed). */
  boolean given(String option) {
    return command != null && command.commandLine().getParseResult().hasMatchedOption(option);
  }

  /**
   * Picks the preset's budget and sets every training option the command line did not give from
   * it; call before anything reads the options. {@code dflt} and {@code paper} are the command's.
   */
  Budget resolve(Budget dflt, Budget paper) {
    if (quick && given("--preset") && !preset.equals("quick"))
      throw new IllegalArgumentException("--quick and --preset " + preset + " contradict each other");
    Budget b = Budget.of(quick ? "quick" : preset, dflt, paper);
    if (!given("--model")) train.net.model = b.model();
    if (!given("--epochs")) train.epochs = b.epochs();
    if (!given("--batch")) train.net.batch = b.batch();
    if (!given("--lr")) train.lr = b.lr();
    if (!given("--lr-schedule")) train.lrSchedule = b.lrSchedule();
    if (!given("--weight-decay")) train.weightDecay = b.weightDecay();
    if (!given("--train-limit")) train.trainLimit = b.trainLimit();
    if (!given("--test-limit")) train.testLimit = b.testLimit();
    if (!given("--train-eval")) train.trainEval = b.trainEval();
    if (seeds == null) seeds = b.seeds();
    if (seeds < 1) throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
    budget = b;
    return b;
  }

  /** The seeds of every setting: --seed, --seed + 1, ... */
  long[] seedList() {
    int n = seeds == null ? 1 : seeds;
    long[] s = new long[n];
    for (int i = 0; i < n; i++) s[i] = train.seed + i;
    return s;
  }

  /** The config of one training run: the options, then this loss, feature dimension, class count and seed. */
  TrainConfig config(Path runDir, LossSpec loss, int featureDim, int classes, long seed) {
    return train.builder(loss.name()).out(runDir).loss(loss.name()).lossParams(loss.params()).featureDim(featureDim)
        .classes(classes).seed(seed).build();
  }

  /** The options of {@code arcus experiment NAME}: it trains {@code losses} by default and writes to runs/experiment-NAME. */
  static ExperimentOptions of(String name, String losses) {
    ExperimentOptions o = new ExperimentOptions();
    o.losses = losses;
    o.out = Path.of("runs/experiment-" + name);
    return o;
  }
}
