package arcus.experiments.experiment;

import arcus.experiments.train.TrainOptions;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every experiment command has, declared once (a picocli mixin): the training options
 * with the experiments' small defaults, the losses to train and the output folder. Each command
 * gives its own defaults for the last two ({@link #of}).
 */
final class ExperimentOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  @Mixin TrainOptions train = TrainOptions.forExperiments();

  @Mixin arcus.experiments.OverwriteOption overwrite = new arcus.experiments.OverwriteOption();

  @Option(names = "--losses", description = "losses to train, name[:k=v...] comma-separated (${DEFAULT-VALUE})")
  String losses;

  @Option(names = "--out", description = "output folder (${DEFAULT-VALUE})")
  Path out;

  /** The command line that reproduces this run, for the report. */
  String commandLine() {
    return ExperimentReport.command(command.name(), command.commandLine().getParseResult().originalArgs());
  }

  /** Whether {@code option} was given on the command line. */
  boolean given(String option) {
    return command.commandLine().getParseResult().hasMatchedOption(option);
  }

  /** The options of {@code arcus experiment NAME}: it trains {@code losses} by default and writes to runs/experiment-NAME. */
  static ExperimentOptions of(String name, String losses) {
    ExperimentOptions o = new ExperimentOptions();
    o.losses = losses;
    o.out = Path.of("runs/experiment-" + name);
    return o;
  }
}
