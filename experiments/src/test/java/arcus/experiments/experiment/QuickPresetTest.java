package arcus.experiments.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.experiments.TinyMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --quick} checks each experiment's pipeline in seconds (what CI runs): it trains, writes
 * report.md with its verdict section, the CSV, the PNG and summary.json, and the training loss
 * falls. The numbers themselves mean nothing at this size.
 */
class QuickPresetTest {
  @TempDir static Path tmp;

  static Stream<Arguments> experiments() {
    return Stream.of(
        Arguments.of("loss-table", List.of("--losses", "softmax,hinge,simplex")),
        Arguments.of("fc-units", List.of("--classes", "3", "--dims", "1,2")),
        Arguments.of("k-classes", List.of("--classes", "2,3")),
        Arguments.of("mean-angle", List.of("--losses", "softmax,wsoftmax:alpha=1", "--classes", "3")),
        Arguments.of("features-2d", List.of("--losses", "softmax", "--classes", "3")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("experiments")
  void quickRunWritesEveryFileAndTheLossFalls(String name, List<String> extra) throws IOException {
    Path data = TinyMnist.write(tmp.resolve("data"), 1280, 100);
    Path out = tmp.resolve(name);
    List<String> args = new ArrayList<>(List.of("experiment", name, "--quick", "--threads", "1", "--data", data.toString(), "--out", out.toString()));
    args.addAll(extra);
    ExperimentCli r = ExperimentCli.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    String report = Files.readString(out.resolve("report.md"));
    for (String f : List.of(name + ".png", "summary.json")) assertTrue(Files.size(out.resolve(f)) > 0, f);
    assertTrue(Files.list(out).anyMatch(p -> p.toString().endsWith(".csv")), "a CSV");
    assertTrue(report.contains("preset") || report.contains("--quick"), report);
    if (!name.equals("features-2d")) assertTrue(report.contains("## Verdict") && report.contains("not a verdict"), report);
    // every training run's loss fell: the mean of its last steps is below that of its first
    List<Path> steps;
    try (var w = Files.walk(out.resolve("runs"))) {
      steps = w.filter(p -> p.getFileName().toString().equals("steps.csv")).toList();
    }
    assertTrue(!steps.isEmpty(), "run folders with steps.csv");
    for (Path s : steps) {
      double[] loss = Files.readAllLines(s).stream().skip(1).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(',') + 1))).toArray();
      assertTrue(loss.length >= 6, s + ": " + loss.length + " steps");
      double first = (loss[0] + loss[1] + loss[2]) / 3, last = (loss[loss.length - 1] + loss[loss.length - 2] + loss[loss.length - 3]) / 3;
      assertTrue(last < first, s + ": loss " + first + " -> " + last);
    }
  }
}
