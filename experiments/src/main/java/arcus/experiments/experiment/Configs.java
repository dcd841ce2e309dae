package arcus.experiments.experiment;

import arcus.experiments.json.Json;
import arcus.experiments.train.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Rebuilds a {@link TrainConfig} from a run folder's summary.json ({@code TrainConfig.toMap()}). */
public final class Configs {
  private Configs() {}

  /** The config of the run in {@code runDir}, set to resume from its checkpoint.arcus. */
  public static TrainConfig fromRun(Path runDir) {
    Path summary = runDir.resolve("summary.json");
    Path ck = runDir.resolve("checkpoint.arcus");
    if (!Files.isRegularFile(summary)) throw new IllegalArgumentException(runDir + " is not a run folder: no summary.json");
    if (!Files.isRegularFile(ck)) throw new IllegalArgumentException(runDir + " has no checkpoint.arcus");
    try {
      Map<String, Object> s = Json.parseObject(summary.toString(), Files.readString(summary));
      Object c = s.get("config");
      if (!(c instanceof Map<?, ?> cm)) throw new IllegalArgumentException(summary + " has no \"config\" object");
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) cm;
      return withResume(fromMap(m), ck);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + summary + ": " + e.getMessage(), e);
    }
  }

  /** The same config resuming from (i.e. loading) {@code checkpoint}. */
  public static TrainConfig withResume(TrainConfig c, Path checkpoint) {
    return new TrainConfig(c.dataset(), c.dataDir(), c.model(), c.featureDim(), c.loss(), c.lossParams(), c.warmupLoss(),
        c.warmupEpochs(), c.epochs(), c.batch(), c.lr(), c.lrSchedule(), c.optimizer(), c.momentum(), c.weightDecay(),
        c.lambdaSchedule(), c.seed(), c.threads(), c.dtype(), c.backend(), c.classes(), c.trainLimit(), c.testLimit(),
        c.trainEvalLimit(), c.augment(), c.out(), checkpoint);
  }

  /** The same config reading its images from {@code dataDir}. */
  public static TrainConfig withData(TrainConfig c, Path dataDir) {
    return new TrainConfig(c.dataset(), dataDir, c.model(), c.featureDim(), c.loss(), c.lossParams(), c.warmupLoss(),
        c.warmupEpochs(), c.epochs(), c.batch(), c.lr(), c.lrSchedule(), c.optimizer(), c.momentum(), c.weightDecay(),
        c.lambdaSchedule(), c.seed(), c.threads(), c.dtype(), c.backend(), c.classes(), c.trainLimit(), c.testLimit(),
        c.trainEvalLimit(), c.augment(), c.out(), c.resume());
  }

  /** Inverse of {@code TrainConfig.toMap()}. */
  @SuppressWarnings("unchecked")
  public static TrainConfig fromMap(Map<String, Object> m) {
    Object lp = m.get("loss_params");
    return new TrainConfig(str(m, "dataset"), Path.of(str(m, "data_dir")), str(m, "model"), intOf(m, "feature_dim"),
        str(m, "loss"), lp instanceof Map<?, ?> ? (Map<String, Object>) lp : Map.of(), (String) m.get("warmup_loss"),
        intOf(m, "warmup_epochs"), intOf(m, "epochs"), intOf(m, "batch"), num(m, "lr").doubleValue(),
        str(m, "lr_schedule"), str(m, "optimizer"), num(m, "momentum").doubleValue(), num(m, "weight_decay").doubleValue(),
        str(m, "lambda_schedule"), num(m, "seed").longValue(), intOf(m, "threads"), str(m, "dtype"), str(m, "backend"),
        intOf(m, "classes"), intOf(m, "train_limit"), intOf(m, "test_limit"),
        intOf(m, "train_eval_limit"), Boolean.TRUE.equals(m.get("augment")), Path.of(str(m, "out")), null);
  }

  private static String str(Map<String, Object> m, String k) {
    if (!(m.get(k) instanceof String s)) throw new IllegalArgumentException("run config: \"" + k + "\" missing or not a string");
    return s;
  }

  /** A whole number that fits an int: 1e20 is refused here, not silently clamped to 2^31 − 1 by intValue(). */
  private static int intOf(Map<String, Object> m, String k) {
    double d = num(m, k).doubleValue();
    if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE)
      throw new IllegalArgumentException("run config: \"" + k + "\" = " + m.get(k) + " is not an integer in [-2^31, 2^31)");
    return (int) d;
  }

  private static Number num(Map<String, Object> m, String k) {
    if (!(m.get(k) instanceof Number n)) throw new IllegalArgumentException("run config: \"" + k + "\" missing or not a number");
    return n;
  }
}
