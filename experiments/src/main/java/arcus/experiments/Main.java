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
      DemoCommand.class,
      BenchCommand.class,
      LossEvalCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new Main());
  }
}
