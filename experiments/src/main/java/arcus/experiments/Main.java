package arcus.experiments;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code arcus} command-line program: training, experiments, benchmarks and loss checks. */
@Command(
    name = "arcus",
    mixinStandardHelpOptions = true,
    version = "arcus 0.1.0",
    description = "Autodiff and margin-softmax losses in Java.",
    subcommands = {
      TrainCommand.class,
      BenchCommand.class,
      LossEvalCommand.class,
      AotTrainingCommand.class,
      arcus.experiments.experiment.ExperimentCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int rc;
    try {
      rc = commandLine().execute(args);
    } catch (ExceptionInInitializerError e) {
      // a bad -Darcus.* setting, read when its class loads (-Darcus.conv.winograd=...): one line, as a bad option gets
      if (!(e.getCause() instanceof IllegalArgumentException bad)) throw e;
      System.err.println("arcus: " + bad.getMessage());
      rc = 2;
    }
    System.exit(rc);
  }

  /**
   * Errors a user can fix (bad option values, missing or corrupt data, an incompatible checkpoint)
   * print one line naming the problem and exit with status 2; anything else is a bug and keeps
   * its stack trace.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.getSubcommands().get("train").getCommandSpec().usageMessage()
        .footerHeading(LossHelp.HEADING).footer(LossHelp.lines());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof java.io.UncheckedIOException
          || e instanceof UnsupportedOperationException || e.getClass().getName().startsWith("arcus.")) {
        cmd.getErr().println("arcus " + cmd.getCommandName() + ": " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cl;
  }
}
