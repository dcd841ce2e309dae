package arcus.experiments.experiment;

import arcus.experiments.Main;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test helpers for experiment commands: run {@code arcus ARGS} in-process, read a run folder's loss. */
record ExperimentCli(int code, String err) {
  /** Runs {@code arcus ARGS} with stdout silenced: the exit code and what went to stderr. */
  static ExperimentCli run(String... args) {
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    PrintStream stdout = System.out;
    try {
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      return new ExperimentCli(cl.execute(args), err.toString());
    } finally {
      System.setOut(stdout);
    }
  }

  /** The first and the last training loss in a run folder's steps.csv. */
  static double[] firstAndLastLoss(Path run) throws IOException {
    List<String> steps = Files.readAllLines(run.resolve("steps.csv"));
    int col = List.of(steps.get(0).split(",")).indexOf("train_loss");
    return new double[] {Double.parseDouble(steps.get(1).split(",")[col]), Double.parseDouble(steps.getLast().split(",")[col])};
  }
}
