package arcus.experiments.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import arcus.experiments.json.Jackson;
import arcus.experiments.train.TrainOptions;
import org.junit.jupiter.api.Test;

class SweepTest {
  @Test
  void intSpecRangesAndExpressionsInK() {
    assertEquals(List.of(5, 6, 7, 8, 9, 10), IntSpec.parse("5..10"));
    assertEquals(List.of(7, 8, 9, 10, 11, 12, 20, 50), IntSpec.parse("k-3..k+2,2k,5k", 10));
    assertEquals(List.of(2, 4, 3), IntSpec.parse("2,4,2,3"));
    assertThrows(IllegalArgumentException.class, () -> IntSpec.parse("k"));
    assertThrows(IllegalArgumentException.class, () -> IntSpec.parse("x..3"));
    assertThrows(IllegalArgumentException.class, () -> IntSpec.parse("5..2"));
  }

  @Test
  void lossSpecs() {
    List<LossSpec> l = LossSpec.parseList("softmax,wsoftmax:alpha=1,emsoftmax:K=2:m=0.3");
    assertEquals(3, l.size());
    assertEquals(Map.of("alpha", 1L), l.get(1).params());
    assertEquals("emsoftmax(K=2,m=0.3)", l.get(2).label());
    assertThrows(IllegalArgumentException.class, () -> LossSpec.parse("wsoftmax:alpha"));
  }

  @Test
  void fcUnitsSweepBuildsEveryKDimAndLossSimplexOnlyAtKMinusOne() {
    var plan = FcUnitsCommand.plan(List.of(5), "k-3..k+1,2k", LossSpec.parseList("softmax,simplex"));
    List<String> got = plan.stream().map(FcUnitsCommand.Planned::name).toList();
    assertEquals(List.of("softmax-k5-d2", "softmax-k5-d3", "softmax-k5-d4", "simplex-k5-d4", "softmax-k5-d5", "softmax-k5-d6",
        "softmax-k5-d10"), got);
  }

  @Test
  void fcUnitsSweepDropsDimensionsBelowOneAndCoversSeveralK() {
    var plan = FcUnitsCommand.plan(List.of(2, 3), "k-3..k", LossSpec.parseList("wsoftmax"));
    List<String> got = plan.stream().map(p -> p.k() + ":" + p.d()).toList();
    assertEquals(List.of("2:1", "2:2", "3:1", "3:2", "3:3"), got);
    assertThrows(IllegalArgumentException.class, () -> FcUnitsCommand.plan(List.of(3), "k-5..k-3", LossSpec.parseList("softmax")));
  }

  @Test
  void fcUnitsConfigsCarryKDAndLoss() {
    var opts = ExperimentOptions.of("fc-units", "softmax");
    var p = FcUnitsCommand.plan(List.of(5), "4", LossSpec.parseList("wsoftmax:alpha=1")).get(0);
    var cfg = opts.config(java.nio.file.Path.of("o").resolve(p.name()), p.loss(), p.d(), p.k(), 7);
    assertEquals(5, cfg.classes());
    assertEquals(4, cfg.featureDim());
    assertEquals("wsoftmax", cfg.loss());
    assertEquals(Map.of("alpha", 1L), cfg.lossParams());
    assertEquals("lenet-linear", cfg.model());
    assertEquals(20000, cfg.trainLimit());
    assertEquals(7, cfg.seed());
    // [W-Softmax]'s recipe: softmax first, for half the epochs; other losses train as they are
    assertEquals("softmax", cfg.warmupLoss());
    assertEquals(1, cfg.warmupEpochs());
    var sm = opts.config(java.nio.file.Path.of("o"), LossSpec.parse("softmax"), 4, 5, 7);
    assertEquals(null, sm.warmupLoss());
    assertEquals(0, sm.warmupEpochs());
  }

  @Test
  void fcParametersCountTheFcLayerAndTheHead() {
    // LeNet: fc is 800 -> d (800 d + d), the softmax head d × k; the fixed simplex head adds nothing
    assertEquals(800 * 4 + 4 + 4 * 5, FcUnitsCommand.fcParameters("lenet", 4, LossSpec.parse("softmax"), 5));
    assertEquals(800 * 4 + 4, FcUnitsCommand.fcParameters("lenet", 4, LossSpec.parse("simplex"), 5));
    // lenet-linear: the linear feature layer 500 -> d and its batch norm count, not the hidden fc1
    assertEquals(500 * 4 + 4 + 2 * 4 + 4 * 5, FcUnitsCommand.fcParameters("lenet-linear", 4, LossSpec.parse("softmax"), 5));
  }

  @Test
  void configRoundTripsThroughJson() {
    var cfg = ExperimentOptions.of("x", "softmax").config(java.nio.file.Path.of("x"), LossSpec.parse("wsoftmax:alpha=0.5"), 3, 4, 1);
    String json = Jackson.pretty(cfg);
    assertTrue(json.contains("\"feature_dim\": 3") && json.contains("\"data_dir\": \"" + cfg.dataDir() + "\""), json);
    assertEquals(cfg, Configs.fromJson("x", Jackson.MAPPER.readTree(json)));
    assertEquals(cfg.toBuilder().resume(java.nio.file.Path.of("ck")).build(),
        Configs.fromJson("x", Jackson.MAPPER.readTree(Jackson.compact(cfg.toBuilder().resume(java.nio.file.Path.of("ck")).build()))));
  }

  @Test
  void aConfigWithAMissingEntryIsRefusedByName() {
    var node = (tools.jackson.databind.node.ObjectNode) Jackson.MAPPER.valueToTree(ExperimentOptions.of("x", "softmax").train.builder().build());
    node.remove("batch");
    var e = assertThrows(IllegalArgumentException.class, () -> Configs.fromJson("run/summary.json: run config", node));
    assertTrue(e.getMessage().startsWith("run/summary.json: run config: invalid JSON, ") && e.getMessage().contains("batch"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    node.put("batch", 1); // the record's own check, as on the command line
    e = assertThrows(IllegalArgumentException.class, () -> Configs.fromJson("run/summary.json: run config", node));
    assertEquals("run/summary.json: run config: --batch must be >= 2 (batch norm needs two samples), got 1", e.getMessage());
  }

  static picocli.CommandLine.Model.CommandSpec parsed(String... args) {
    return arcus.experiments.Main.commandLine().parseArgs(args).subcommand().subcommand().commandSpec();
  }

  @Test
  void experimentOptionsAreDeclaredOnceWithEachCommandsDefaults() {
    var k = (ExperimentOptions) parsed("experiment", "k-classes").mixins().get("exp").userObject();
    assertEquals(java.nio.file.Path.of("runs/experiment-k-classes"), k.out);
    assertEquals("softmax,wsoftmax", k.losses);
    assertTrue(k.commandLine().contains("k-classes"), k.commandLine());
    var spec = parsed("experiment", "features-2d", "--losses", "arcface", "--out", "o", "--run", "a", "--run", "b", "--classes", "3");
    var f = (ExperimentOptions) spec.mixins().get("exp").userObject();
    var runs = (RunsOrTraining) spec.mixins().get("source").userObject();
    assertEquals(List.of("arcface", "o"), List.of(f.losses, f.out.toString()));
    assertEquals(List.of(java.nio.file.Path.of("a"), java.nio.file.Path.of("b")), runs.runs);
    assertEquals(3, runs.classes);
    assertEquals(java.nio.file.Path.of("runs/experiment-features-2d"),
        ((ExperimentOptions) parsed("experiment", "features-2d").mixins().get("exp").userObject()).out);
  }
}
