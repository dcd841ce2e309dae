package arcus.experiments.train;

import arcus.losses.Losses;
import arcus.nn.AngleFunction;
import arcus.nn.data.Datasets;
import arcus.nn.models.Models;
import java.util.List;
import java.util.Locale;

/**
 * The documented valid range of every training option (docs/robustness.md), checked before
 * anything is loaded or allocated: by {@link Trainer}'s constructor, through which every training
 * run passes — {@code arcus train}, the experiments, a config rebuilt from a run's summary.json.
 * Each error names the option, its value and its range, in one line.
 */
public final class ConfigRanges {
  private ConfigRanges() {}

  public static final int MAX_EPOCHS = 100_000;
  public static final int MAX_BATCH = 65_536;
  public static final double MAX_LR = 100;
  /** Threads of the CPU pool: more than this is never useful and each costs a stack. */
  public static final int MAX_THREADS = 256;
  /** Feature dimension: the papers use at most 512; the head holds d·C weights. */
  public static final int MAX_FEATURE_DIM = 4096;
  public static final int MAX_CLASSES = 1000;

  /** Returns {@code c} unchanged, or throws IllegalArgumentException naming the first bad option. */
  public static TrainConfig check(TrainConfig c) {
    oneOf("--dataset", c.dataset(), Datasets.NAMES);
    oneOf("--model", c.model(), Models.NAMES);
    if (c.angle() != null) {
      if (!Models.ANGULAR.contains(c.model()))
        throw new IllegalArgumentException("--angle applies to " + String.join(", ", Models.ANGULAR) + " only, not " + c.model());
      AngleFunction.parse(c.angle()); // the spelling and the parameter's range, with its own message
    }
    intIn("--feature-dim", c.featureDim(), 0, MAX_FEATURE_DIM, " (0 = the model's default)");
    intIn("--epochs", c.epochs(), 0, MAX_EPOCHS, "");
    realIn("--warmup-epochs", c.warmupEpochs(), 0, false, c.epochs());
    intIn("--batch", c.batch(), 2, MAX_BATCH, " (batch norm needs two samples)");
    realIn("--lr", c.lr(), 0, true, MAX_LR);
    realIn("--momentum", c.momentum(), 0, false, 1);
    realIn("--weight-decay", c.weightDecay(), 0, false, 1);
    intIn("--threads", c.threads(), 1, MAX_THREADS, "");
    oneOf("--dtype", lower(c.dtype()), List.of("float32", "float64", "f32", "f64", "float", "double"));
    oneOf("--backend", lower(c.backend()), List.of("cpu", "tornado", "gpu"));
    oneOf("--optimizer", lower(c.optimizer()), List.of("sgd", "nesterov", "adam"));
    oneOf("--lambda-schedule", lower(c.lambdaSchedule()), List.of("none", "lsoftmax", "sphereface"));
    if (c.classes() != 0) intIn("--classes", c.classes(), 2, MAX_CLASSES, " (0 = all)");
    intIn("--train-limit", c.trainLimit(), 0, Integer.MAX_VALUE, " (0 = all)");
    intIn("--test-limit", c.testLimit(), 0, Integer.MAX_VALUE, " (0 = all)");
    intIn("--train-eval", c.trainEvalLimit(), 0, Integer.MAX_VALUE, "");
    if (c.lrSchedule() == null) throw new IllegalArgumentException("--lr-schedule is missing");
    schedule(c.lrSchedule(), c.lr());
    if (c.warmupLoss() != null) oneOf("--warmup-loss", c.warmupLoss(), List.copyOf(Losses.names()));
    Losses.create(c.loss(), c.lossParams()); // --loss and every --loss-param, with their ranges
    return c;
  }

  /** exp:RATE:STEPS with RATE in (0, 1] and STEPS ≥ 1; multistep:GAMMA:S1,S2 with GAMMA in (0, 1], Si ≥ 0. */
  private static void schedule(String spec, double lr) {
    Trainer.parseSchedule(spec, lr, 1); // the syntax, with its own message
    String[] p = spec.split(":");
    String kind = p[0].toLowerCase(Locale.ROOT);
    if (kind.equals("exp")) {
      realIn("--lr-schedule exp RATE", Double.parseDouble(p[1]), 0, true, 1);
      if (Long.parseLong(p[2]) < 1) throw new IllegalArgumentException("--lr-schedule exp STEPS = " + p[2] + " is out of range: must be an integer in [1, 2^63)");
    } else if (kind.equals("multistep")) {
      realIn("--lr-schedule multistep GAMMA", Double.parseDouble(p[1]), 0, true, 1);
      for (String s : p[2].split(","))
        if (Long.parseLong(s.trim()) < 0) throw new IllegalArgumentException("--lr-schedule multistep step " + s.trim() + " is out of range: must be an integer ≥ 0");
    }
  }

  public static void intIn(String option, long v, long lo, long hi, String note) {
    if (v < lo || v > hi)
      throw new IllegalArgumentException(option + " = " + v + " is out of range: must be an integer in [" + lo + ", " + hi + "]" + note);
  }

  public static void realIn(String option, double v, double lo, boolean loOpen, double hi) {
    if (!Double.isFinite(v) || (loOpen ? !(v > lo) : !(v >= lo)) || v > hi)
      throw new IllegalArgumentException(option + " = " + v + " is out of range: must be a number in " + (loOpen ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + "]");
  }

  private static void oneOf(String option, String v, List<String> valid) {
    if (v == null || !valid.contains(v))
      throw new IllegalArgumentException(option + " = '" + v + "' is not one of " + String.join(", ", valid));
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
