package arcus.experiments.train;

import arcus.experiments.json.Jackson;
import arcus.nn.data.Datasets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.type.TypeReference;

/**
 * Everything that determines a training run. Two runs with equal configs and the same thread
 * count compute the same numbers (see docs/reproducibility.md). Built with named setters ({@link
 * #builder}); summary.json holds it as Jackson writes it (snake_case), and {@code Configs} reads it back.
 *
 * @param angle the angle function of an angular model (Models.ANGULAR), as AngleFunction.parse reads it; null:
 *     the model's default (absent from summary.json files written before it existed)
 * @param classes keep only the first k classes (0 = all), as [W-Softmax]'s k-class experiments do
 * @param trainLimit use only the first n training images (0 = all)
 * @param lrSchedule "constant", "exp:RATE:STEPS" (staircase), "multistep:GAMMA:S1,S2,..", "cosine"
 * @param lambdaSchedule for lsoftmax/sphereface: "none" (λ from --loss-param, default 0), "lsoftmax", "sphereface"
 */
public record TrainConfig(
    String dataset,
    Path dataDir,
    String model,
    String angle,
    int featureDim,
    String loss,
    Map<String, Object> lossParams,
    String warmupLoss,
    double warmupEpochs,
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
    if (!(warmupEpochs >= 0 && warmupEpochs <= epochs)) throw new IllegalArgumentException("--warmup-epochs must be in [0, --epochs], got " + warmupEpochs);
    lossParams = java.util.Collections.unmodifiableMap(lossParams == null ? new LinkedHashMap<>() : new LinkedHashMap<>(lossParams));
  }

  /** The config as plain values (snake_case keys, as in summary.json), for the report. */
  public Map<String, Object> toMap() {
    return Jackson.MAPPER.convertValue(this, new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  /** A builder with the defaults of {@code arcus train} (see {@code TrainOptions}). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    return new Builder().dataset(dataset).dataDir(dataDir).model(model).angle(angle).featureDim(featureDim).loss(loss)
        .lossParams(lossParams).warmupLoss(warmupLoss).warmupEpochs(warmupEpochs).epochs(epochs).batch(batch)
        .lr(lr).lrSchedule(lrSchedule).optimizer(optimizer).momentum(momentum).weightDecay(weightDecay)
        .lambdaSchedule(lambdaSchedule).seed(seed).threads(threads).dtype(dtype).backend(backend)
        .classes(classes).trainLimit(trainLimit).testLimit(testLimit).trainEvalLimit(trainEvalLimit)
        .augment(augment).out(out).resume(resume);
  }

  /** Named setters for every component; {@link #build} checks the values. */
  public static final class Builder {
    private String dataset = "mnist";
    private Path dataDir = Datasets.defaultDataDir();
    private String model = "lsoftmax-mnist";
    private String angle = null;
    private int featureDim = 0;
    private String loss = "softmax";
    private Map<String, Object> lossParams = Map.of();
    private String warmupLoss = null;
    private double warmupEpochs = 0;
    private int epochs = 1;
    private int batch = 256;
    private double lr = 0.01;
    private String lrSchedule = "constant";
    private String optimizer = "sgd";
    private double momentum = 0.9;
    private double weightDecay = 5e-4;
    private String lambdaSchedule = "none";
    private long seed = 1;
    private int threads = 2;
    private String dtype = "float32";
    private String backend = "cpu";
    private int classes = 0;
    private int trainLimit = 0;
    private int testLimit = 0;
    private int trainEvalLimit = 10000;
    private boolean augment = false;
    private Path out = Path.of("runs/train");
    private Path resume = null;

    private Builder() {}

    public Builder dataset(String v) { dataset = v; return this; }
    public Builder dataDir(Path v) { dataDir = v; return this; }
    public Builder model(String v) { model = v; return this; }
    public Builder angle(String v) { angle = v; return this; }
    public Builder featureDim(int v) { featureDim = v; return this; }
    public Builder loss(String v) { loss = v; return this; }
    public Builder lossParams(Map<String, Object> v) { lossParams = v; return this; }
    public Builder warmupLoss(String v) { warmupLoss = v; return this; }
    public Builder warmupEpochs(double v) { warmupEpochs = v; return this; }
    public Builder epochs(int v) { epochs = v; return this; }
    public Builder batch(int v) { batch = v; return this; }
    public Builder lr(double v) { lr = v; return this; }
    public Builder lrSchedule(String v) { lrSchedule = v; return this; }
    public Builder optimizer(String v) { optimizer = v; return this; }
    public Builder momentum(double v) { momentum = v; return this; }
    public Builder weightDecay(double v) { weightDecay = v; return this; }
    public Builder lambdaSchedule(String v) { lambdaSchedule = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder threads(int v) { threads = v; return this; }
    public Builder dtype(String v) { dtype = v; return this; }
    public Builder backend(String v) { backend = v; return this; }
    public Builder classes(int v) { classes = v; return this; }
    public Builder trainLimit(int v) { trainLimit = v; return this; }
    public Builder testLimit(int v) { testLimit = v; return this; }
    public Builder trainEvalLimit(int v) { trainEvalLimit = v; return this; }
    public Builder augment(boolean v) { augment = v; return this; }
    public Builder out(Path v) { out = v; return this; }
    public Builder resume(Path v) { resume = v; return this; }

    public TrainConfig build() {
      return new TrainConfig(dataset, dataDir, model, angle, featureDim, loss, lossParams, warmupLoss, warmupEpochs,
          epochs, batch, lr, lrSchedule, optimizer, momentum, weightDecay, lambdaSchedule, seed, threads,
          dtype, backend, classes, trainLimit, testLimit, trainEvalLimit, augment, out, resume);
    }
  }
}
