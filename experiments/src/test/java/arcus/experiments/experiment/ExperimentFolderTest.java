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
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An experiment's --out follows the run-folder rules: refused when it holds an earlier experiment, replaced with --overwrite. */
class ExperimentFolderTest {
  @TempDir Path tmp;

  private record Result(int code, String err) {}

  private Result run(Path out, String... extra) throws IOException {
    Path data = TinyMnist.write(tmp.resolve("data"), 60, 20);
    List<String> args = new ArrayList<>(List.of("experiment", "k-classes", "--classes", "2", "--losses", "softmax", "--epochs", "1",
        "--batch", "10", "--seeds", "1", "--train-limit", "40", "--test-limit", "20", "--train-eval", "10", "--threads", "1",
        "--data", data.toString(), "--out", out.toString()));
    args.addAll(List.of(extra));
    ExperimentCli r = ExperimentCli.run(args.toArray(String[]::new));
    return new Result(r.code(), r.err());
  }

  /** Every file under a folder with its size and modification time. */
  private static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList())
        m.put(dir.relativize(f).toString(), Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis());
    }
    return m;
  }

  @Test
  void anEarlierExperimentIsRefusedThenReplacedWithOverwrite() throws IOException {
    Path out = tmp.resolve("exp");
    assertEquals(0, run(out).code());
    assertTrue(Files.exists(out.resolve("k-classes.png")) && Files.exists(out.resolve("runs/softmax-k2-s1/checkpoint.arcus")));
    Map<String, String> before = snapshot(out);
    Result again = run(out);
    assertEquals(2, again.code());
    assertTrue(again.err().contains("already holds an experiment") && again.err().contains("--overwrite"), again.err());
    assertEquals(1, again.err().strip().lines().count(), again.err());
    assertEquals(before, snapshot(out), "a refused run touches nothing");
    // a stale file of the earlier experiment goes away with --overwrite
    Files.writeString(out.resolve("old-figure.png"), "stale");
    assertEquals(0, run(out, "--overwrite").code());
    assertFalse(Files.exists(out.resolve("old-figure.png")));
    assertTrue(Files.exists(out.resolve("runs/softmax-k2-s1/checkpoint.arcus")));
  }

  @Test
  void failedValidationCreatesNoFolder() throws IOException {
    Path out = tmp.resolve("never");
    Result r = run(out, "--lr", "-1");
    assertEquals(2, r.code(), r.err());
    assertFalse(Files.exists(out), "no empty --out folder after a refused option");
    Result bad = run(out, "--dataset", "no-such-set");
    assertEquals(2, bad.code(), bad.err());
    assertFalse(Files.exists(out));
  }
}
