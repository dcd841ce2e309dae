package arcus.experiments.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.experiments.Main;
import arcus.experiments.TinyMnist;
import arcus.experiments.json.Jackson;
import arcus.losses.PureAngular;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AngularNetCommandTest {
  @TempDir Path tmp;

  @Test
  void quickRunWritesTheReportAndItsAngularRunsLearn() throws IOException {
    Path data = TinyMnist.write(tmp.resolve("data"), 256, 64), out = tmp.resolve("exp");
    ExperimentCli r = ExperimentCli.run("experiment", "angular-net", "--quick", "--seeds", "1", "--threads", "1", "--angle", "linear",
          "--angles", "linear,log-centred:0",
          "--scales", "1,30", "--margins", "0.3", "--data", data.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    for (String f : List.of("report.md", "angular-net.csv", "angular-net.png", "summary.json")) assertTrue(Files.exists(out.resolve(f)), f);
    String md = Files.readString(out.resolve("report.md"));
    assertTrue(md.contains("## Verdict") && md.contains("Verdict on \"the angular conv beats the plain conv\"")
        && md.contains("### conv-fc") && md.contains("### margin"), md);
    @SuppressWarnings("unchecked") Map<String, Object> s = Jackson.read("summary", Files.readString(out.resolve("summary.json")), Map.class);
    // conv-fc: 5 comparisons; angle and scale: one each; margin has a single m, so no claim
    assertEquals(7, ((List<?>) s.get("verdict")).size(), s.get("verdict").toString());
    // conv-fc 4 (its angular convs: --angle linear) + angle's log + S = 1; angle's linear row, S = 30 and m = 0.3
    // are conv-fc settings, trained once
    try (var runs = Files.list(out.resolve("runs"))) {
      assertEquals(6, runs.count());
    }
    for (String run : List.of("conv-softmax-s1", "aconv-log-centred_0.0-pureangular_S=30_m=0.3-s1")) {
      double[] loss = Files.readAllLines(out.resolve("runs").resolve(run).resolve("steps.csv")).stream().skip(1)
          .mapToDouble(l -> Double.parseDouble(l.split(",")[3])).toArray();
      assertEquals(8, loss.length, run); // 256 images in batches of 32
      assertTrue(loss[6] + loss[7] < loss[0] + loss[1], run + " " + Arrays.toString(loss));
    }
    var cfg = Configs.fromRun(out.resolve("runs/aconv-log-centred_0.0-pureangular_S=30_m=0.3-s1"));
    assertEquals("lenet-linear-angular", cfg.model());
    assertEquals("log-centred:0.0", cfg.angle());
    assertEquals("linear", Configs.fromRun(out.resolve("runs/aconv-linear-softmax-s1")).angle());
    assertEquals(null, Configs.fromRun(out.resolve("runs/conv-softmax-s1")).angle());
  }

  @Test
  void theDefaultRunMakesThirtyTrainingRunsSharingSettingsBetweenParts() {
    var parsed = Main.commandLine().parseArgs("experiment", "angular-net").subcommand().subcommand();
    AngularNetCommand c = (AngularNetCommand) parsed.commandSpec().userObject();
    List<AngularNetCommand.Row> rows = AngularNetCommand.plan(AngularNetCommand.parts(c.parts), AngularNetCommand.DEFAULT_CONV_ANGLE,
        List.of(c.angles.split(",")), AngularNetCommand.numbers("--scales", c.scales), AngularNetCommand.numbers("--margins", c.margins),
        LossSpec.parse("softmax"), new PureAngular(30, 0.3));
    assertEquals(4 + 4 + 3 + 2, rows.size());
    long settings = rows.stream().map(r -> r.setting().name()).distinct().count();
    assertEquals(10, settings);
    assertEquals(30, settings * Budget.LINEAR_LENET.seeds());
    // the angle part's log row is conv-fc's angular network; S = 30 and m = 0.3 are conv-fc's plain conv × angular FC
    assertEquals(rows.get(3).setting(), rows.get(7).setting());
    assertEquals(rows.get(1).setting(), rows.get(10).setting());
    assertEquals(rows.get(1).setting(), rows.get(12).setting());
    assertEquals("aconv-log-centred_0.0-pureangular_S=30_m=0.3", rows.get(3).setting().name());
  }

  @Test
  void optionsAreCheckedWithOneLineMessages() {
    assertEquals(List.of("scale", "conv-fc"), AngularNetCommand.parts("scale, conv-fc,scale"));
    assertEquals("--parts: unknown part 'fc' (have conv-fc, angle, scale, margin)",
        assertThrows(IllegalArgumentException.class, () -> AngularNetCommand.parts("conv-fc,fc")).getMessage());
    assertTrue(Arrays.equals(new double[] {1, 0.5}, AngularNetCommand.numbers("--scales", "1, 0.5,1")));
    assertEquals("--margins: 'x' is not a number", assertThrows(IllegalArgumentException.class, () -> AngularNetCommand.numbers("--margins", "0,x")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> AngularNetCommand.numbers("--scales", "-1"));
    assertEquals("lenet-linear-angular", AngularNetCommand.angularModel("lenet-linear"));
    assertEquals("resnet32-angular", AngularNetCommand.angularModel("resnet32"));
    assertThrows(IllegalArgumentException.class, () -> AngularNetCommand.angularModel("lenet"));
    assertThrows(IllegalArgumentException.class, () -> AngularNetCommand.pureAngular(LossSpec.parse("cosface")));
    assertEquals(0.1, AngularNetCommand.pureAngular(LossSpec.parse("pureangular:m=0.1")).m());
  }

  @Test
  void verdictsOfTheThreeKindsOfClaim() {
    Stats.Summary low = Stats.of(0.90, 0.91, 0.92), mid = Stats.of(0.915, 0.92, 0.925), high = Stats.of(0.95, 0.96, 0.97);
    assertEquals("reproduced", AngularNetCommand.direction(Stats.compare(low, high)));
    assertEquals("in direction only (within the spread)", AngularNetCommand.direction(Stats.compare(low, mid)));
    assertEquals("not reproduced", AngularNetCommand.direction(Stats.compare(high, low)));
    assertEquals("not reproduced", AngularNetCommand.direction(Stats.compare(low, Stats.of(Double.NaN))));
    assertEquals("reproduced", AngularNetCommand.best(2, List.of(low, mid, high)));
    assertEquals("in direction only (within the spread)", AngularNetCommand.best(1, List.of(low, mid)));
    assertEquals("not reproduced", AngularNetCommand.best(0, List.of(low, mid, high)));
    assertTrue(AngularNetCommand.noDifference(List.of(low, mid)).startsWith("reproduced"));
    assertTrue(AngularNetCommand.noDifference(List.of(low, mid, high)).startsWith("not reproduced"));
    // one run a setting has no spread: a gap is never "beyond" it, and "no difference" cannot be judged
    Stats.Summary one = Stats.of(0.90), other = Stats.of(0.99);
    assertEquals("in direction only (within the spread)", AngularNetCommand.direction(Stats.compare(one, other)));
    assertEquals("in direction only (within the spread)", AngularNetCommand.best(1, List.of(one, other)));
    assertTrue(AngularNetCommand.noDifference(List.of(one, other)).startsWith("undecided"));
  }
}
