package arcus.experiments.experiment;

import arcus.experiments.train.TrainConfig;
import arcus.nn.data.Datasets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The training options shared by the experiment commands (a picocli mixin). The defaults are
 * small on purpose — LeNet, 2000 training images, 2 epochs — so every experiment finishes in
 * minutes on a laptop CPU; docs/experiments.md gives the paper's full settings.
 */
public final class TrainOptions {
  @Option(names = "--dataset", defaultValue = "mnist", description = "mnist, fashion, cifar10, cifar100 (${DEFAULT-VALUE})")
  public String dataset = "mnist";

  @Option(names = "--data", description = "data folder (default: $ARCUS_DATA or <repo>/data)")
  public Path data;

  @Option(names = "--model", defaultValue = "lenet", description = "lenet, lsoftmax-mnist, lsoftmax-cifar, resnet32, resnet32-angular (${DEFAULT-VALUE})")
  public String model = "lenet";

  @Option(names = "--epochs", defaultValue = "2", description = "epochs per training run (${DEFAULT-VALUE})")
  public int epochs = 2;

  @Option(names = "--batch", defaultValue = "64", description = "batch size (${DEFAULT-VALUE})")
  public int batch = 64;

  @Option(names = "--lr", defaultValue = "0.01", description = "learning rate (${DEFAULT-VALUE})")
  public double lr = 0.01;

  @Option(names = "--lr-schedule", defaultValue = "constant", description = "constant, exp:RATE:STEPS, multistep:GAMMA:S1,S2, cosine (${DEFAULT-VALUE})")
  public String lrSchedule = "constant";

  @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd, nesterov, adam (${DEFAULT-VALUE})")
  public String optimizer = "sgd";

  @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (${DEFAULT-VALUE})")
  public double momentum = 0.9;

  @Option(names = "--weight-decay", defaultValue = "5e-4", description = "L2 weight decay (${DEFAULT-VALUE})")
  public double weightDecay = 5e-4;

  @Option(names = "--warmup-loss", description = "train with this loss first (paper 000: softmax, then refine)")
  public String warmupLoss;

  @Option(names = "--warmup-epochs", defaultValue = "0", description = "epochs of --warmup-loss (${DEFAULT-VALUE})")
  public int warmupEpochs;

  @Option(names = "--seed", defaultValue = "1", description = "random seed (${DEFAULT-VALUE})")
  public long seed = 1;

  @Option(names = "--threads", defaultValue = "2", description = "CPU threads (${DEFAULT-VALUE})")
  public int threads = 2;

  @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float64 (${DEFAULT-VALUE})")
  public String dtype = "float32";

  @Option(names = "--backend", defaultValue = "cpu", description = "cpu or tornado (${DEFAULT-VALUE})")
  public String backend = "cpu";

  @Option(names = "--train-limit", defaultValue = "2000", description = "use only the first n training images, 0 = all (${DEFAULT-VALUE})")
  public int trainLimit = 2000;

  @Option(names = "--test-limit", defaultValue = "2000", description = "use only the first n test images, 0 = all (${DEFAULT-VALUE})")
  public int testLimit = 2000;

  @Option(names = "--train-eval", defaultValue = "1000", description = "training images re-evaluated after each epoch (${DEFAULT-VALUE})")
  public int trainEval = 1000;

  @Option(names = "--augment", description = "random crop (pad 4) and horizontal flip, for CIFAR")
  public boolean augment;

  /** The config of one training run of an experiment. */
  public TrainConfig config(Path out, LossSpec loss, int featureDim, int classes) {
    Map<String, Object> params = new LinkedHashMap<>(loss.params());
    return new TrainConfig(dataset, data != null ? data : Datasets.defaultDataDir(), model, featureDim, loss.name(), params,
        warmupLoss, warmupLoss == null ? 0 : warmupEpochs, epochs, batch, lr, lrSchedule, optimizer, momentum, weightDecay,
        "none", seed, threads, dtype, backend, classes, trainLimit, testLimit, trainEval, augment, out, null);
  }

  /** The settings for a report's table. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset", dataset);
    m.put("model", model);
    m.put("epochs", epochs);
    m.put("batch", batch);
    m.put("lr", lr);
    m.put("lr_schedule", lrSchedule);
    m.put("optimizer", optimizer);
    m.put("momentum", momentum);
    m.put("weight_decay", weightDecay);
    if (warmupLoss != null) {
      m.put("warmup_loss", warmupLoss);
      m.put("warmup_epochs", warmupEpochs);
    }
    m.put("seed", seed);
    m.put("threads", threads);
    m.put("dtype", dtype);
    m.put("train_limit", trainLimit);
    m.put("test_limit", testLimit);
    return m;
  }
}
