package arcus.experiments.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that determines a training run. Two runs with equal configs and the same thread
 * count compute the same numbers (see docs/reproducibility.md).
 *
 * @param classes keep only the first k classes (0 = all), as paper 000's k-class experiments do
 * @param trainLimit use only the first n training images (0 = all)
 * @param lrSchedule "constant", "exp:RATE:STEPS" (staircase), "multistep:GAMMA:S1,S2,..", "cosine"
 * @param lambdaSchedule for lsoftmax/sphereface: "none" (λ from --loss-param, default 0), "lsoftmax", "sphereface"
 */
public record TrainConfig(
    String dataset,
    Path dataDir,
    String model,
    int featureDim,
    String loss,
    Map<String, Object> lossParams,
    String warmupLoss,
    int warmupEpochs,
    int epochs,
    int batch,
    double lr,
    String lrSchedule,
    String optimizer,
    double momentum,
    double weightDecay,
    String lambdaSchedule,
    long seed,
    int threads,
    String dtype,
    String backend,
    int classes,
    int trainLimit,
    int testLimit,
    int trainEvalLimit,
    boolean augment,
    Path out,
    Path resume) {

  public TrainConfig {
    if (epochs < 0) throw new IllegalArgumentException("--epochs must be >= 0, got " + epochs);
    if (batch < 2) throw new IllegalArgumentException("--batch must be >= 2 (batch norm needs two samples), got " + batch);
    if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
    if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    if (warmupEpochs < 0 || warmupEpochs > epochs) throw new IllegalArgumentException("--warmup-epochs must be in [0, --epochs], got " + warmupEpochs);
    lossParams = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lossParams));
  }

  /** The config as plain values, for summary.json, the report and the checkpoint's metadata. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset", dataset);
    m.put("data_dir", dataDir.toString());
    m.put("model", model);
    m.put("feature_dim", featureDim);
    m.put("loss", loss);
    m.put("loss_params", new LinkedHashMap<>(lossParams));
    m.put("warmup_loss", warmupLoss);
    m.put("warmup_epochs", warmupEpochs);
    m.put("epochs", epochs);
    m.put("batch", batch);
    m.put("lr", lr);
    m.put("lr_schedule", lrSchedule);
    m.put("optimizer", optimizer);
    m.put("momentum", momentum);
    m.put("weight_decay", weightDecay);
    m.put("lambda_schedule", lambdaSchedule);
    m.put("seed", seed);
    m.put("threads", threads);
    m.put("dtype", dtype);
    m.put("backend", backend);
    m.put("classes", classes);
    m.put("train_limit", trainLimit);
    m.put("test_limit", testLimit);
    m.put("train_eval_limit", trainEvalLimit);
    m.put("augment", augment);
    m.put("out", out.toString());
    m.put("resume", resume == null ? null : resume.toString());
    return m;
  }
}
