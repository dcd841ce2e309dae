package arcus.experiments.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.experiments.TinyMnist;
import arcus.losses.EmSoftmax;
import arcus.losses.Losses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmSoftmaxCommandTest {
  @TempDir Path tmp;

  static List<EmSoftmaxCommand.Setting> defaultPlan() {
    return EmSoftmaxCommand.plan(LossSpec.parseList("softmax"), List.of(1, 2, 4), EmSoftmaxCommand.weights("0,1"), 0.3);
  }

  @Test
  void planRunsKOneOnceAndEveryWeightForLargerK() {
    List<String> got = defaultPlan().stream().map(s -> s.loss().slug()).toList();
    assertEquals(List.of("softmax", "emsoftmax_K=1_m=0.3_hsic_lambda=0.0", "emsoftmax_K=2_m=0.3_hsic_lambda=0.0",
        "emsoftmax_K=2_m=0.3_hsic_lambda=1.0", "emsoftmax_K=4_m=0.3_hsic_lambda=0.0", "emsoftmax_K=4_m=0.3_hsic_lambda=1.0"), got);
    assertTrue(defaultPlan().size() * 3 <= 25, "the default stays under ~25 runs");
    // each setting builds the loss it names
    EmSoftmax em = (EmSoftmax) Losses.create("emsoftmax", defaultPlan().get(5).loss().params());
    assertEquals(new EmSoftmax(4, 0.3, 1.0, EmSoftmax.Combine.MEAN), em);
    assertThrows(IllegalArgumentException.class, () -> EmSoftmaxCommand.plan(List.of(), List.of(0), List.of(0.0), 0.3));
  }

  @Test
  void hsicWeightsAreNonNegativeNumbers() {
    assertEquals(List.of(0.0, 0.5), EmSoftmaxCommand.weights("0, 0.5,0"));
    assertThrows(IllegalArgumentException.class, () -> EmSoftmaxCommand.weights("-1"));
    assertThrows(IllegalArgumentException.class, () -> EmSoftmaxCommand.weights("x"));
    assertThrows(IllegalArgumentException.class, () -> EmSoftmaxCommand.weights(","));
  }

  /** The default plan with these per-seed accuracies, in plan order. */
  static Map<EmSoftmaxCommand.Setting, Stats.Summary> results(double[]... acc) {
    Map<EmSoftmaxCommand.Setting, Stats.Summary> m = new LinkedHashMap<>();
    List<EmSoftmaxCommand.Setting> plan = defaultPlan();
    for (int i = 0; i < plan.size(); i++) m.put(plan.get(i), Stats.of(acc[i]));
    return m;
  }

  @Test
  void verdictsOnBeatingSoftmaxGrowingWithKAndHsic() {
    List<String> v = EmSoftmaxCommand.verdict(results(new double[] {0.95, 0.951, 0.952}, // softmax
        new double[] {0.96, 0.961, 0.962}, // K=1
        new double[] {0.965, 0.966, 0.967}, // K=2, 0
        new double[] {0.95, 0.96, 0.97}, // K=2, 1
        new double[] {0.97, 0.971, 0.972}, // K=4, 0
        new double[] {0.94, 0.941, 0.942})); // K=4, 1
    assertEquals(5 + 2 + 2, v.size(), String.join("\n", v));
    assertTrue(v.get(0).startsWith("(i) emsoftmax(K=1,m=0.3,hsic_lambda=0.0)") && v.get(0).endsWith(": reproduced."), v.get(0));
    assertTrue(v.get(2).endsWith("in direction only (within the spread)."), v.get(2));
    assertTrue(v.get(4).endsWith("not reproduced."), v.get(4));
    assertTrue(v.get(5).startsWith("(ii) hsic_lambda = 0.0") && v.get(5).contains("reproduced (every step rises, and K = 4 beats K = 1"), v.get(5));
    assertTrue(v.get(6).startsWith("(ii) hsic_lambda = 1.0") && v.get(6).endsWith("not reproduced (not every step rises)."), v.get(6));
    assertTrue(v.get(7).startsWith("(iii) K = 2") && v.get(7).endsWith("not reproduced."), v.get(7));
    assertTrue(v.get(8).startsWith("(iii) K = 4") && v.get(8).endsWith("not reproduced."), v.get(8));
  }

  @Test
  void quickRunWritesTheFolderAndTheLossFalls() throws IOException {
    Path data = TinyMnist.write(tmp.resolve("data"), 60, 20), out = tmp.resolve("em");
    ExperimentCli r = ExperimentCli.run("experiment", "emsoftmax", "--quick", "--K", "2", "--seeds", "1", "--epochs", "3", "--batch", "10", "--lr", "0.05",
        "--threads", "1", "--data", data.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    for (String f : List.of("report.md", "emsoftmax.csv", "emsoftmax.png", "summary.json")) assertTrue(Files.size(out.resolve(f)) > 0, f);
    assertEquals(1 + 3, Files.readAllLines(out.resolve("emsoftmax.csv")).size(), "softmax, K = 2 with weights 0 and 1");
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report.contains("## Verdict") && report.contains("(iii) K = 2"), report);
    double[] loss = ExperimentCli.firstAndLastLoss(out.resolve("runs/emsoftmax_K=2_m=0.3_hsic_lambda=1.0-s1"));
    assertTrue(loss[1] < loss[0], "the training loss fell: " + loss[0] + " -> " + loss[1]);
  }

  @Test
  void badListsAreOneLineUserErrors() {
    Path out = tmp.resolve("never");
    for (String[] bad : new String[][] {{"--hsic", "-1"}, {"--K", "0"}}) {
      ExperimentCli r = ExperimentCli.run("experiment", "emsoftmax", bad[0], bad[1], "--out", out.toString());
      assertEquals(2, r.code(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains(bad[0]), r.err());
    }
    assertTrue(!Files.exists(out), "nothing written");
  }
}
