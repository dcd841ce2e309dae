package arcus.experiments.experiment;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code arcus experiment}: the paper-reproduction experiments (see docs/experiments.md). */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = {"Paper-reproduction experiments (docs/experiments.md).",
        "Each writes report.md, a CSV, a PNG and summary.json into --out (default runs/experiment-<name>),",
        "plus one `arcus train` run folder per training run under runs/."},
    subcommands = {LossTableCommand.class, FcUnitsCommand.class, MeanAngleCommand.class, Features2dCommand.class, KClassesCommand.class,
        SimplexCommand.class, EmSoftmaxCommand.class, VerificationCommand.class, AngularNetCommand.class})
public final class ExperimentCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
