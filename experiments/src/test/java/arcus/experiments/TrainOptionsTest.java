package arcus.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import arcus.experiments.train.TrainConfig;
import arcus.experiments.train.TrainOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The training options are declared once (TrainOptions, LossOptions) and turned into a config by named setters. */
class TrainOptionsTest {
  static TrainConfig train(String... args) {
    TrainCommand c = new TrainCommand();
    new CommandLine(c).parseArgs(args);
    return c.config();
  }

  /** arcus train's defaults are the builder's, with the one-epoch recipe's batch 64, lr 0.02 and cosine schedule. */
  @Test
  void trainDefaultsAreTheBuildersWithTheRecipesBatchAndSchedule() {
    assertEquals(TrainConfig.builder().batch(64).lr(0.02).lrSchedule("cosine").build(), train());
  }

  @Test
  void everyOptionReachesItsComponent() {
    TrainConfig got = train("--dataset", "fashion", "--data", "d", "--model", "lenet", "--angle", "cosine", "--feature-dim", "7", "--loss", "arcface",
        "--loss-param", "s=30", "--loss-param", "m=0.3", "--warmup-loss", "softmax", "--warmup-epochs", "1", "--epochs", "3",
        "--batch", "32", "--lr", "0.05", "--lr-schedule", "cosine", "--optimizer", "adam", "--momentum", "0.8",
        "--weight-decay", "0", "--lambda-schedule", "lsoftmax", "--seed", "9", "--threads", "1", "--dtype", "float64",
        "--backend", "tornado", "--classes", "5", "--train-limit", "100", "--test-limit", "50", "--train-eval", "20",
        "--augment", "--out", "o", "--resume", "o/checkpoint.arcus");
    TrainConfig want = TrainConfig.builder().dataset("fashion").dataDir(Path.of("d")).model("lenet").angle("cosine").featureDim(7).loss("arcface")
        .lossParams(Map.of("s", 30L, "m", 0.3)).warmupLoss("softmax").warmupEpochs(1).epochs(3).batch(32).lr(0.05)
        .lrSchedule("cosine").optimizer("adam").momentum(0.8).weightDecay(0).lambdaSchedule("lsoftmax").seed(9).threads(1)
        .dtype("float64").backend("tornado").classes(5).trainLimit(100).testLimit(50).trainEvalLimit(20).augment(true)
        .out(Path.of("o")).resume(Path.of("o/checkpoint.arcus")).build();
    assertEquals(want, got);
  }

  @Test
  void experimentsShareTheDeclarationsWithSmallerDefaults() {
    var parsed = Main.commandLine().parseArgs("experiment", "k-classes", "--lr", "0.1").subcommand().subcommand();
    TrainOptions o = (TrainOptions) parsed.commandSpec().mixins().get("exp").mixins().get("train").userObject();
    TrainConfig c = o.builder().build();
    // the default preset's values (what --help shows); --lr given on the command line wins
    assertEquals(TrainConfig.builder().model("lenet-linear").epochs(2).batch(64).trainLimit(20000).testLimit(0).trainEvalLimit(2000)
        .lrSchedule("cosine").lr(0.1).build(), c);
    assertEquals(train("--model", "lenet-linear").model(), c.model());
  }

  @Test
  void wSoftmaxWarmsUpWithSoftmaxUnlessToldOtherwise() {
    TrainConfig w = train("--loss", "wsoftmax", "--epochs", "4");
    assertEquals("softmax", w.warmupLoss());
    assertEquals(2, w.warmupEpochs());
    TrainConfig off = train("--loss", "wsoftmax", "--epochs", "4", "--warmup-epochs", "0");
    assertEquals(null, off.warmupLoss());
    assertEquals(0, off.warmupEpochs());
    TrainConfig three = train("--loss", "wsoftmax", "--epochs", "4", "--warmup-epochs", "3");
    assertEquals(3, three.warmupEpochs());
    // one epoch: softmax for the first half of its steps
    TrainConfig one = train("--loss", "wsoftmax");
    assertEquals("softmax", one.warmupLoss());
    assertEquals(0.5, one.warmupEpochs());
    assertEquals(1.5, train("--loss", "wsoftmax", "--epochs", "3").warmupEpochs());
    assertEquals(0.25, train("--loss", "wsoftmax", "--epochs", "3", "--warmup-epochs", "0.25").warmupEpochs());
    // hinge's recipe too: from scratch its gradient vanishes past the margin (docs/losses.md)
    TrainConfig hinge = train("--loss", "hinge");
    assertEquals("softmax", hinge.warmupLoss());
    assertEquals(0.5, hinge.warmupEpochs());
    // other losses train as they are; a given warm-up loss takes half the epochs unless told
    assertEquals(null, train("--loss", "arcface", "--epochs", "4").warmupLoss());
    TrainConfig given = train("--loss", "arcface", "--epochs", "3", "--warmup-loss", "softmax");
    assertEquals("softmax", given.warmupLoss());
    assertEquals(1.5, given.warmupEpochs());
  }

  @Test
  void badValuesAreRefusedByOptionName() {
    var e = assertThrows(IllegalArgumentException.class, () -> train("--lr", "0"));
    assertEquals("--lr must be > 0, got 0.0", e.getMessage());
  }
}
