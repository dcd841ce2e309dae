package arcus.experiments;

import arcus.core.Rng;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code arcus aot-training} (hidden): the training run from which {@code bin/arcus} makes the JVM's
 * ahead-of-time cache (JDK 25, {@code -XX:AOTCacheOutput}): the classes a command loads, linked,
 * and the method profiles of its hot paths, so that a fresh JVM starts with them instead of
 * interpreting and profiling from scratch. It runs {@code loss-eval} on a generated ArcFace case
 * (the JSON parse, the loss and its gradients, the formatting) and renders the help pages.
 * Nothing is printed.
 */
@Command(name = "aot-training", hidden = true, description = "Training run for the launcher's AOT cache (internal).")
final class AotTrainingCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    byte[] c = arcfaceCase(1024, 256, 500, 1).getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 3; i++) {
      CommandLine cl = new CommandLine(new LossEvalCommand(new ByteArrayInputStream(c)));
      cl.setOut(new PrintWriter(Writer.nullWriter()));
      cl.setErr(new PrintWriter(Writer.nullWriter()));
      int status = cl.execute();
      if (status != 0) throw new IllegalStateException("aot-training: loss-eval on the generated case ended with status " + status);
    }
    CommandLine main = Main.commandLine();
    for (CommandLine sub : main.getSubcommands().values()) sub.getUsageMessage();
    return 0;
  }

  /** A loss-eval case: float32 ArcFace, Gaussian features (n×d) and weights (d×c), numbers as Java's shortest repr. */
  static String arcfaceCase(int n, int d, int c, long seed) {
    Rng rng = new Rng(seed);
    StringBuilder b = new StringBuilder(24 * (n * d + d * c) + 64);
    b.append("{\"loss\": \"arcface\", \"features\": ");
    matrix(b, rng, n, d);
    b.append(", \"weights\": ");
    matrix(b, rng, d, c);
    b.append(", \"labels\": [");
    for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ", ").append(rng.nextInt(c));
    b.append("], \"params\": {\"s\": 64, \"m\": 0.5}, \"dtype\": \"float32\"}");
    return b.toString();
  }

  private static void matrix(StringBuilder b, Rng rng, int rows, int cols) {
    double[] v = rng.normal(arcus.core.DType.F64, 0, 1, rows * cols).toDoubleArray();
    b.append('[');
    for (int r = 0; r < rows; r++) {
      b.append(r == 0 ? "[" : ", [");
      for (int k = 0; k < cols; k++) b.append(k == 0 ? "" : ", ").append(v[r * cols + k]);
      b.append(']');
    }
    b.append(']');
  }
}
