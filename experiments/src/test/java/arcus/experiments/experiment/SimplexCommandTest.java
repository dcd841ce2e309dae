package arcus.experiments.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.experiments.TinyMnist;
import arcus.losses.Simplex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimplexCommandTest {
  @TempDir Path tmp;

  static double maxCos(int k, int d, long seed) {
    return SphereCode.maxCosine(SphereCode.DEFAULT.minimise(k, d, seed));
  }

  /** The off-diagonal entries of the Gram matrix of the normalised columns, sorted. */
  static double[] gram(double[][] w) {
    return java.util.Arrays.stream(MeanAngle.pairwiseCosines(w)).sorted().toArray();
  }

  @Test
  void atKMinusOneTheDescentFindsTheRegularSimplex() {
    for (int k = 3; k <= 8; k++) {
      double[][] reached = SphereCode.DEFAULT.minimise(k, k - 1, 100 + k);
      assertEquals(SphereCode.bound(k), SphereCode.maxCosine(reached), 1e-6, "k = " + k);
      double[] simplex = gram(MeanAngle.rows(Simplex.regular(k).toDoubleArray(), k - 1, k));
      double[] got = gram(reached);
      for (int i = 0; i < got.length; i++) assertEquals(simplex[i], got[i], 1e-6, "k = " + k + ": every pair at −1/(k−1), as in Simplex.regular");
    }
  }

  @Test
  void knownOptimaBelowKMinusOne() {
    assertEquals(0, maxCos(4, 2, 1), 1e-6, "4 vectors in the plane: the square");
    assertEquals(Math.cos(2 * Math.PI / 5), maxCos(5, 2, 2), 1e-6, "5 in the plane: the regular pentagon");
    assertEquals(0, maxCos(6, 3, 3), 1e-4, "6 in R^3: the octahedron");
    double fiveInThree = maxCos(5, 3, 4);
    assertEquals(0, fiveInThree, 1e-4, "5 in R^3: no better than 0 (Rankin)");
    assertTrue(fiveInThree > SphereCode.bound(5) + 1e-4, "strictly above the simplex bound");
    // R^1: only ±1, split between them
    assertEquals(-1, maxCos(2, 1, 1), 0);
    assertEquals(1, maxCos(3, 1, 1), 0);
  }

  @Test
  void noStartBeatsTheBound() {
    for (long seed = 1; seed <= 3; seed++) assertTrue(maxCos(6, 6, seed) >= SphereCode.bound(6) - 1e-12);
  }

  @Test
  void maxCosineAndKnownOptima() {
    assertEquals(-0.25, SphereCode.maxCosine(MeanAngle.rows(Simplex.regular(5).toDoubleArray(), 4, 5)), 1e-12);
    assertEquals(0.6, SphereCode.maxCosine(new double[][] {{1, 3, 0}, {0, 4, -1}}), 1e-12, "columns (1,0), (3,4), (0,-1)");
    assertEquals(-1.0 / 9, SphereCode.knownOptimum(10, 12), 0);
    assertEquals(0, SphereCode.knownOptimum(10, 7), 0);
    assertEquals(Math.cos(Math.PI / 3), SphereCode.knownOptimum(6, 2), 1e-15);
    assertTrue(Double.isNaN(SphereCode.knownOptimum(10, 4)), "k > 2d above R^2: not known here");
    assertThrows(IllegalArgumentException.class, () -> SphereCode.DEFAULT.minimise(1, 3, 1));
    assertThrows(IllegalArgumentException.class, () -> new SphereCode(0, 1, 10, 0.5));
  }

  static SimplexCommand.Reached reached(int k, int d, double best) {
    return new SimplexCommand.Reached(k, d, new double[] {best + 0.1, best});
  }

  @Test
  void verdictNeedsTheBoundFromKMinusOneOnAndAGapBelow() {
    double b = SphereCode.bound(5);
    String ok = SimplexCommand.verdict(5, List.of(reached(5, 3, 0), reached(5, 4, b + 1e-9), reached(5, 5, b)), 1e-4);
    assertTrue(ok.endsWith("Verdict: reproduced (the bound is reached exactly from d = k-1 on)."), ok);
    String missed = SimplexCommand.verdict(5, List.of(reached(5, 3, 0), reached(5, 4, b + 1e-3)), 1e-4);
    assertTrue(missed.contains("not reproduced: d = 4 misses the bound by 1.0e-03"), missed);
    String tooClose = SimplexCommand.verdict(5, List.of(reached(5, 3, b + 5e-5), reached(5, 4, b)), 1e-4);
    assertTrue(tooClose.contains("not reproduced: d = 3 comes within 5.0e-05 of it"), tooClose);
    String oneSide = SimplexCommand.verdict(5, List.of(reached(5, 4, b)), 1e-4);
    assertTrue(oneSide.contains("in part only"), oneSide);
  }

  static SimplexCommand.Trained trained(String loss, double... acc) {
    long[] seeds = new long[acc.length];
    Arrays.setAll(seeds, i -> i + 1);
    return new SimplexCommand.Trained(5, LossSpec.parse(loss), new Runs.SeedRuns(seeds, acc, List.of()), Stats.of(-0.2, -0.21, -0.22));
  }

  @Test
  void trainingVerdictComparesTheFixedHeadWithEachLearnedOne() {
    List<String> v = SimplexCommand.trainingVerdict(List.of(trained("simplex", 0.97, 0.971, 0.972), trained("normface", 0.969, 0.972, 0.975),
        trained("softmax", 0.99, 0.991, 0.992)));
    assertEquals(2, v.size());
    assertTrue(v.get(0).contains("learned normface") && v.get(0).contains("reproduced (the difference is within the spread)"), v.get(0));
    assertTrue(v.get(0).contains("-0.2100 ± 0.0100"), v.get(0));
    assertTrue(v.get(1).contains("not reproduced (worse beyond the spread)"), v.get(1));
    assertEquals(List.of(), SimplexCommand.trainingVerdict(List.of(trained("normface", 0.9))), "no fixed head, nothing to compare");
  }

  private void run(Path out, String... extra) throws IOException {
    Path data = TinyMnist.write(tmp.resolve("data"), 60, 20);
    List<String> args = new ArrayList<>(List.of("experiment", "simplex", "--steps", "200", "--restarts", "2", "--threads", "1",
        "--data", data.toString(), "--out", out.toString()));
    args.addAll(List.of(extra));
    ExperimentCli r = ExperimentCli.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void quickRunsTheOptimisationOnlyAndWritesTheFolder() throws IOException {
    Path out = tmp.resolve("quick");
    run(out, "--quick", "--classes", "4");
    for (String f : List.of("report.md", "simplex.csv", "simplex.png", "summary.json")) assertTrue(Files.size(out.resolve(f)) > 0, f);
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report.contains("## Verdict") && report.contains("k = 4, bound"), report);
    assertTrue(!Files.exists(out.resolve("runs")) && !Files.exists(out.resolve("simplex-training.csv")), "--quick trains nothing");
    assertEquals(1 + 4, Files.readAllLines(out.resolve("simplex.csv")).size(), "k = 4: d = 1, 2, 3, 4");
  }

  @Test
  void trainingComparesTheHeadsAndTheLossFalls() throws IOException {
    Path out = tmp.resolve("train");
    run(out, "--classes", "3", "--dims", "k-1", "--losses", "simplex,normface", "--seeds", "1", "--epochs", "3", "--batch", "10",
        "--lr", "0.05", "--train-limit", "60", "--test-limit", "20", "--train-eval", "10");
    List<String> csv = Files.readAllLines(out.resolve("simplex-training.csv"));
    assertEquals(3, csv.size(), String.join("\n", csv));
    assertTrue(csv.get(1).startsWith("3,2,simplex,") && csv.get(2).startsWith("3,2,normface,"), String.join("\n", csv));
    String[] fixedHead = csv.get(1).split(",");
    assertEquals(-0.5, Double.parseDouble(fixedHead[7]), 1e-12, "the fixed head's class weights are the simplex");
    assertTrue(Double.parseDouble(csv.get(2).split(",")[7]) >= -0.5 - 1e-12, "a learned head cannot beat the bound");
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report.contains("fixed simplex head") && report.contains("learned normface"), report);
    double[] loss = ExperimentCli.firstAndLastLoss(out.resolve("runs/normface-k3-s1"));
    assertTrue(loss[1] < loss[0], "the training loss fell: " + loss[0] + " -> " + loss[1]);
  }

  @Test
  void badOptionsAreOneLineUserErrors() {
    Path out = tmp.resolve("never");
    for (String[] bad : new String[][] {{"--restarts", "0"}, {"--tolerance", "0"}, {"--dims", "k-20"}}) {
      ExperimentCli r = ExperimentCli.run("experiment", "simplex", "--quick", bad[0], bad[1], "--out", out.toString());
      assertEquals(2, r.code(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains(bad[0]), r.err());
    }
    assertTrue(!Files.exists(out), "nothing written");
  }
}
