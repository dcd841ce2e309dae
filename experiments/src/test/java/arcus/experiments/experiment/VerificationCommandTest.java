package arcus.experiments.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.experiments.TinyMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arcus experiment verification --quick} end to end on a tiny generated MNIST. */
class VerificationCommandTest {
  @TempDir Path tmp;

  private record Result(int code, String err) {}

  private Result run(Path out, String... extra) throws IOException {
    Path data = TinyMnist.write(tmp.resolve("data"), 60, 60); // 6 test images of each held-out class 7, 8, 9
    List<String> args = new ArrayList<>(List.of("experiment", "verification", "--quick", "--losses", "softmax,arcface",
        "--epochs", "3", "--batch", "10", "--threads", "1", "--data", data.toString(), "--out", out.toString()));
    args.addAll(List.of(extra));
    if (!args.contains("--pairs")) args.addAll(List.of("--pairs", "40"));
    ExperimentCli r = ExperimentCli.run(args.toArray(String[]::new));
    return new Result(r.code(), r.err());
  }

  @Test
  void quickRunWritesTheReportWithAVerdictAndTheLossFalls() throws IOException {
    Path out = tmp.resolve("exp");
    Result r = run(out);
    assertEquals(0, r.code(), r.err());
    for (String f : List.of("report.md", "verification.csv", "verification.png", "summary.json"))
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report.contains("## Verdict"), report);
    assertTrue(report.contains("arcface > softmax: verification accuracy"), report);
    assertTrue(report.contains("20 same-class, 20 different-class"), report);
    List<String> csv = Files.readAllLines(out.resolve("verification.csv"));
    assertEquals(3, csv.size(), csv.toString());
    assertTrue(csv.get(2).startsWith("arcface,2/2,"), csv.get(2));
    // the training ran: each loss and seed has its run folder, and the training loss fell over the epochs
    for (String run : List.of("softmax-s1", "softmax-s2", "arcface-s1", "arcface-s2"))
      assertTrue(Files.exists(out.resolve("runs").resolve(run).resolve("checkpoint.arcus")), run);
    List<String> m = Files.readAllLines(out.resolve("runs/softmax-s1/metrics.csv"));
    double first = Double.parseDouble(m.get(1).split(",")[4]), last = Double.parseDouble(m.get(m.size() - 1).split(",")[4]);
    assertTrue(last < first, "train loss " + first + " -> " + last);
  }

  @Test
  void badOptionsGetOneLineAndNoFolder() throws IOException {
    Path out = tmp.resolve("never");
    for (String[] bad : List.of(new String[] {"--train-classes", "9"}, new String[] {"--pairs", "41"}, new String[] {"--pairs", "10"},
        new String[] {"--pairs", "400"})) {
      Result r = run(out, bad);
      assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertFalse(Files.exists(out), String.join(" ", bad));
    }
  }
}
