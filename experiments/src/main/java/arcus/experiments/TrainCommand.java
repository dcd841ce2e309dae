package arcus.experiments;

import arcus.experiments.train.TrainConfig;
import arcus.experiments.train.TrainRun;
import arcus.nn.data.Datasets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code arcus train}: trains a network with a margin loss and writes a run folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Trains a feature network with a margin-loss head on an image data set.",
        "Writes report.md, metrics.csv, steps.csv, curves.png, summary.json and checkpoint.arcus into --out",
        "(a new or empty folder; --resume continues the run there, --overwrite replaces it)."})
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--dataset", defaultValue = "mnist", description = "mnist, fashion, cifar10, cifar100 (${DEFAULT-VALUE})")
  String dataset;

  @Option(names = "--data", description = "data folder (default: $ARCUS_DATA or <repo>/data)")
  Path data;

  @Option(names = "--model", defaultValue = "lsoftmax-mnist", description = "lenet, lsoftmax-mnist, lsoftmax-cifar, resnet32, resnet32-angular (${DEFAULT-VALUE})")
  String model;

  @Option(names = "--feature-dim", defaultValue = "0", description = "feature dimension d (0 = the model's default)")
  int featureDim;

  @Option(names = "--loss", defaultValue = "softmax", description = "softmax, normface, l2softmax, lsoftmax, sphereface, cosface, arcface, combined, wsoftmax, emsoftmax, pureangular, hinge, center, simplex (${DEFAULT-VALUE})")
  String loss;

  @Option(names = "--loss-param", description = "loss hyper-parameter k=v, repeatable (e.g. s=64, m=0.5)")
  List<String> lossParams = new ArrayList<>();

  @Option(names = "--warmup-loss", description = "train with this loss first (paper 000: softmax, then refine)")
  String warmupLoss;

  @Option(names = "--warmup-epochs", defaultValue = "0", description = "epochs of --warmup-loss (${DEFAULT-VALUE})")
  int warmupEpochs;

  @Option(names = "--epochs", defaultValue = "1", description = "epochs (${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--batch", defaultValue = "256", description = "batch size (${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--lr", defaultValue = "0.01", description = "learning rate (${DEFAULT-VALUE})")
  double lr;

  @Option(names = "--lr-schedule", defaultValue = "constant", description = "constant, exp:RATE:STEPS, multistep:GAMMA:S1,S2, cosine (${DEFAULT-VALUE})")
  String lrSchedule;

  @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd, nesterov, adam (${DEFAULT-VALUE})")
  String optimizer;

  @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (${DEFAULT-VALUE})")
  double momentum;

  @Option(names = "--weight-decay", defaultValue = "5e-4", description = "L2 weight decay (${DEFAULT-VALUE})")
  double weightDecay;

  @Option(names = "--lambda-schedule", defaultValue = "none", description = "λ annealing for lsoftmax/sphereface: none, lsoftmax, sphereface (${DEFAULT-VALUE})")
  String lambdaSchedule;

  @Option(names = "--seed", defaultValue = "1", description = "random seed (${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--threads", defaultValue = "2", description = "CPU threads (${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float64 (${DEFAULT-VALUE})")
  String dtype;

  @Option(names = "--backend", defaultValue = "cpu", description = "cpu or tornado (${DEFAULT-VALUE})")
  String backend;

  @Option(names = "--classes", defaultValue = "0", description = "keep only the first k classes (0 = all)")
  int classes;

  @Option(names = "--train-limit", defaultValue = "0", description = "use only the first n training images (0 = all)")
  int trainLimit;

  @Option(names = "--test-limit", defaultValue = "0", description = "use only the first n test images (0 = all)")
  int testLimit;

  @Option(names = "--train-eval", defaultValue = "10000", description = "training images re-evaluated after each epoch for train accuracy (${DEFAULT-VALUE})")
  int trainEval;

  @Option(names = "--augment", description = "random crop (pad 4) and horizontal flip, for CIFAR")
  boolean augment;

  @Option(names = "--out", defaultValue = "runs/train", description = "run folder (${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--resume", description = "continue from this checkpoint (same model, loss and shapes)")
  Path resume;

  @Mixin OverwriteOption overwrite = new OverwriteOption();

  @Override
  public Integer call() {
    TrainConfig cfg = new TrainConfig(dataset, data != null ? data : Datasets.defaultDataDir(), model, featureDim, loss,
        LossParams.parse(lossParams), warmupLoss, warmupEpochs, epochs, batch, lr, lrSchedule, optimizer, momentum,
        weightDecay, lambdaSchedule, seed, threads, dtype, backend, classes, trainLimit, testLimit, trainEval, augment, out, resume);
    TrainRun.run(cfg, System.out, overwrite.overwrite);
    return 0;
  }
}
