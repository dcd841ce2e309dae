package arcus.experiments.train;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The training options, declared once: a picocli mixin of {@code arcus train} and of every
 * experiment command. Each default is the one of {@link TrainConfig#builder()}; an experiment starts from its preset's
 * instead (docs/experiments.md). {@link #builder()} turns the parsed
 * options into a config builder; the command sets the rest (loss, feature dimension, folder).
 */
public final class TrainOptions {
  private static final TrainConfig D = TrainConfig.builder().build();

  @Option(names = "--dataset", description = "mnist, fashion, cifar10, cifar100 (${DEFAULT-VALUE})")
  public String dataset = D.dataset();

  @Option(names = "--data", description = "data folder (default: $ARCUS_DATA or <repo>/data)")
  public Path data;

  @Mixin public ModelOptions net = new ModelOptions();

  @Option(names = "--angle", description = "angle function of the angular convolutions (lenet-linear-angular, resnet32-angular):"
      + " linear, cosine, sigmoid:K, log:M, reciprocal (default: linear)")
  public String angle;

  @Option(names = "--warmup-loss", description = "train with this loss first ([W-Softmax]: softmax first, then refine); default: the loss's recipe (wsoftmax and hinge: softmax; the others none)")
  public String warmupLoss;

  @Option(names = "--warmup-epochs", description = "epochs of the warm-up loss, a fraction allowed (0.5: the first half of the first epoch's steps); default: half the epochs when there is one; 0 turns a recipe's warm-up off")
  public Double warmupEpochs;

  @Option(names = "--epochs", description = "epochs (${DEFAULT-VALUE})")
  public int epochs = D.epochs();

  @Option(names = "--lr", description = "learning rate (${DEFAULT-VALUE})")
  public double lr = D.lr();

  @Option(names = "--lr-schedule", description = "constant, exp:RATE:STEPS, multistep:GAMMA:S1,S2, cosine (${DEFAULT-VALUE})")
  public String lrSchedule = D.lrSchedule();

  @Option(names = "--optimizer", description = "sgd, nesterov, adam (${DEFAULT-VALUE})")
  public String optimizer = D.optimizer();

  @Option(names = "--momentum", description = "SGD momentum (${DEFAULT-VALUE})")
  public double momentum = D.momentum();

  @Option(names = "--weight-decay", description = "L2 weight decay (${DEFAULT-VALUE})")
  public double weightDecay = D.weightDecay();

  @Option(names = "--seed", description = "random seed (${DEFAULT-VALUE})")
  public long seed = D.seed();

  @Option(names = "--dtype", description = "float32 or float64 (${DEFAULT-VALUE})")
  public String dtype = D.dtype();

  @Option(names = "--backend", description = "cpu; tornado (TornadoVM, needs TORNADOVM_HOME: docs/gpu.md); jvm-kernels (the same kernels as Java loops, for debugging) (${DEFAULT-VALUE})")
  public String backend = D.backend();

  @Option(names = "--train-limit", description = "use only the first n training images, 0 = all (${DEFAULT-VALUE})")
  public int trainLimit = D.trainLimit();

  @Option(names = "--test-limit", description = "use only the first n test images, 0 = all (${DEFAULT-VALUE})")
  public int testLimit = D.testLimit();

  @Option(names = "--train-eval", description = "training images re-evaluated after each epoch for train accuracy (${DEFAULT-VALUE})")
  public int trainEval = D.trainEvalLimit();

  @Option(names = "--augment", description = "random crop (pad 4) and horizontal flip, for CIFAR")
  public boolean augment;

  /** The defaults of {@code arcus train}. */
  public TrainOptions() {}

  /** A config builder holding these options, with the warm-up only where --warmup-loss was given. */
  public TrainConfig.Builder builder() {
    return builder(null);
  }

  /**
   * A config builder for training {@code loss}: these options, and the warm-up of the loss's recipe
   * ({@link #RECIPE_WARMUP}) unless --warmup-loss or --warmup-epochs 0 says otherwise. A warm-up
   * without --warmup-epochs takes the first half of the training steps (half of one epoch in a
   * one-epoch run).
   */
  public TrainConfig.Builder builder(String loss) {
    String warm = warmupLoss != null ? warmupLoss : loss != null && (warmupEpochs == null || warmupEpochs > 0) ? RECIPE_WARMUP.get(loss) : null;
    double warmEpochs = warm == null ? 0 : warmupEpochs != null ? warmupEpochs : epochs / 2.0;
    TrainConfig.Builder b = TrainConfig.builder().dataset(dataset).model(net.model).angle(angle).warmupLoss(warmEpochs == 0 ? null : warm)
        .warmupEpochs(warmEpochs).epochs(epochs).batch(net.batch).lr(lr).lrSchedule(lrSchedule)
        .optimizer(optimizer).momentum(momentum).weightDecay(weightDecay).seed(seed).threads(net.threads).dtype(dtype)
        .backend(backend).trainLimit(trainLimit).testLimit(testLimit).trainEvalLimit(trainEval).augment(augment);
    return data != null ? b.dataDir(data) : b;
  }

  /**
   * The warm-up of each loss's recipe. [W-Softmax], Section 5.1: "we first train the CNNs using the
   * conventional softmax loss, and refine the network using the proposed W-Softmax loss"; from
   * scratch W-Softmax can satisfy its training loss with features pointing away from their class
   * (docs/losses.md, "The far side"). Hinge: from scratch its gradient vanishes on every sample
   * past the margin, and one epoch of full MNIST on the L-Softmax network reached 98.60%; with
   * softmax for the first half of the steps, 99.04% (docs/losses.md, "Multi-class hinge").
   */
  public static final Map<String, String> RECIPE_WARMUP = Map.of("wsoftmax", "softmax", "hinge", "softmax");

  /** Batch, learning rate and schedule of the one-epoch recipe: {@code arcus train}'s defaults (docs/results.md, "Every loss after one epoch of full MNIST"). */
  public static final int RECIPE_BATCH = 64;

  public static final double RECIPE_LR = 0.02;
  public static final String RECIPE_LR_SCHEDULE = "cosine";

  /**
   * {@code arcus train}'s options: these defaults with the recipe's batch, learning rate and
   * schedule. Batch 64 with a cosine decay to zero gives one epoch four times the steps of batch
   * 256: the recipes that stood at 98.9–99.1% after one epoch at batch 256 (lr 0.03) reached
   * 99.2–99.3% at batch 64 on the same seed.
   */
  public static TrainOptions recipe() {
    TrainOptions o = new TrainOptions();
    o.net.batch = RECIPE_BATCH;
    o.lr = RECIPE_LR;
    o.lrSchedule = RECIPE_LR_SCHEDULE;
    return o;
  }

  /** The options for a report's settings table: the config's entries that are not set per run. */
  public Map<String, Object> describe() {
    Map<String, Object> m = builder().build().toMap();
    m.keySet().removeAll(PER_RUN);
    if (angle == null) m.remove("angle");
    if (warmupLoss == null) m.keySet().removeAll(java.util.List.of("warmup_loss", "warmup_epochs"));
    return m;
  }

  /** Config entries each experiment run sets itself, and the machine's data folder. */
  private static final java.util.Set<String> PER_RUN =
      java.util.Set.of("data_dir", "feature_dim", "loss", "loss_params", "lambda_schedule", "classes", "out", "resume");
}
