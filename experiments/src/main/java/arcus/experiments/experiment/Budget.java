package arcus.experiments.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one experiment preset trains with: the model, its data and epochs, the optimiser settings
 * and the number of seeds. A preset fills in every option the command line does not give, so
 * {@code --preset paper --epochs 3} is the paper's setting with three epochs.
 *
 * @param why one sentence for the report: why this model and budget answer the question
 */
record Budget(String model, int epochs, int batch, double lr, String lrSchedule, double weightDecay,
    int trainLimit, int testLimit, int trainEval, int seeds, String why) {

  /**
   * The default of the experiments that sweep or compare losses on one network: LeNet with a
   * linear feature layer (no ReLU after it, so a d-dimensional feature really spans R^d), 20,000
   * MNIST training images, two epochs (lr 0.05, cosine), three seeds. About 30 s a run on 2 cores;
   * softmax at d = 9 reaches 98.1% (one seed, measured while choosing it).
   */
  static final Budget LINEAR_LENET = new Budget("lenet-linear", 2, 64, 0.05, "cosine", 5e-4, 20000, 0, 2000, 3,
      "lenet-linear (LeNet + a linear d-unit feature layer): a narrow feature layer is not clipped by a ReLU, and one run"
          + " takes about half a minute on a 2-core CPU, so every setting gets 3 seeds within the hour.");

  /** [W-Softmax]'s own setting: the L-Softmax MNIST network, full MNIST, batch 50, lr 0.01 decayed ×0.9 every 6000 steps, 20 epochs. */
  static final Budget PAPER = new Budget("lsoftmax-mnist", 20, 50, 0.01, "exp:0.9:6000", 5e-4, 0, 0, 10000, 3,
      "[W-Softmax]'s own network and schedule (batch 50, momentum 0.9, lr 0.01 × 0.9 every 6000 steps, weight decay"
          + " 5e-4), 20 epochs (the paper gives no epoch count): for a faster machine or the GPU backend.");

  /** Seconds per run: tiny data, one epoch, two seeds; checks the pipeline (files, a falling loss), never a verdict. */
  static final Budget QUICK = new Budget("lenet-linear", 1, 32, 0.02, "constant", 0, 256, 128, 64, 2,
      "--quick: a pipeline check on 256 images; its numbers mean nothing.");

  /** The preset {@code name} of an experiment whose default is {@code dflt}. */
  static Budget of(String name, Budget dflt, Budget paper) {
    return switch (name) {
      case "default" -> dflt;
      case "quick" -> QUICK;
      case "paper" -> paper;
      default -> throw new IllegalArgumentException("--preset must be default, quick or paper, got '" + name + "'");
    };
  }

  /** For the report: the budget's settings. */
  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seeds", seeds);
    m.put("model_choice", why);
    return m;
  }

  /** Training options holding this budget (what an experiment's --help shows as defaults). */
  arcus.experiments.train.TrainOptions options() {
    var o = new arcus.experiments.train.TrainOptions();
    o.net.model = model;
    o.net.batch = batch;
    o.epochs = epochs;
    o.lr = lr;
    o.lrSchedule = lrSchedule;
    o.weightDecay = weightDecay;
    o.trainLimit = trainLimit;
    o.testLimit = testLimit;
    o.trainEval = trainEval;
    return o;
  }

  Budget withSeeds(int n) {
    return new Budget(model, epochs, batch, lr, lrSchedule, weightDecay, trainLimit, testLimit, trainEval, n, why);
  }

}
