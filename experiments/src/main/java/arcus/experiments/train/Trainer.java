package arcus.experiments.train;

import arcus.core.Autodiff;
import arcus.core.Backend;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.core.cpu.Parallel;
import arcus.experiments.report.ProgressBar;
import arcus.gpu.Backends;
import arcus.losses.CenterLoss;
import arcus.losses.LSoftmax;
import arcus.losses.LambdaSchedule;
import arcus.losses.Losses;
import arcus.losses.MarginLoss;
import arcus.losses.SphereFace;
import arcus.nn.AngleFunction;
import arcus.nn.Head;
import arcus.nn.TrainStep;
import arcus.nn.data.Augment;
import arcus.nn.data.Batch;
import arcus.nn.data.Batcher;
import arcus.nn.data.Datasets;
import arcus.nn.data.ImageDataset;
import arcus.nn.data.Normalization;
import arcus.nn.models.Model;
import arcus.nn.models.Models;
import arcus.nn.optim.Adam;
import arcus.nn.optim.LrSchedule;
import arcus.nn.optim.Optimizer;
import arcus.nn.optim.Sgd;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * The training loop behind {@code arcus train} and the paper experiments: a feature model with a
 * margin-loss head, trained with minibatch SGD (or Adam) on an image data set, evaluated after
 * every epoch with the loss's own test-time prediction rule.
 */
public final class Trainer {
  /** Training stopped because the loss became NaN or infinite: a result of the recipe, not a bug. */
  public static final class Diverged extends IllegalStateException {
    public Diverged(String message) {
      super(message);
    }
  }

  private final TrainConfig cfg;
  private final PrintStream log;
  final Backend backend;
  final DType dtype;
  final ImageDataset train, test;
  final Normalization norm;
  final Model model;
  final MarginLoss loss;
  final MarginLoss warmup;
  final int classes;
  private final Optimizer optimizer;
  private final LrSchedule schedule;
  private final LambdaSchedule lambda;

  /**
   * An evaluated image's cost relative to a trained one's, guessed until the first evaluation is
   * timed (forward only, larger batches): 0.31 to 0.35 in three runs of lsoftmax-mnist on a shared
   * 2-core machine, 0.4 to 0.6 reported for the main job; the guess leans to the long side.
   */
  static final double EVAL_COST_GUESS = 0.4;

  /** Images per evaluation batch. */
  static final int EVAL_BATCH = 500;

  /**
   * Where a run stands: the train state, the step count, the finished epochs, and the training
   * loss of every step so far ({@code stepLosses[i]} is step i + 1's; NaN where unknown).
   */
  public record Progress(TrainStep.State state, long step, int epochsDone, List<EpochMetrics> history, double[] stepLosses) {
    public Progress {
      stepLosses = stepLosses.clone();
    }

    /** A progress whose per-step losses are unknown (NaN). */
    public Progress(TrainStep.State state, long step, int epochsDone, List<EpochMetrics> history) {
      this(state, step, epochsDone, history, nanFilled(step));
    }

    private static double[] nanFilled(long steps) {
      double[] d = new double[Math.toIntExact(steps)];
      java.util.Arrays.fill(d, Double.NaN);
      return d;
    }
  }

  /** The --threads workers every kernel of this run uses (bound around each public entry point). */
  private final Parallel.Executor executor;

  public Trainer(TrainConfig cfg, PrintStream log) {
    this.cfg = ConfigRanges.check(cfg); // every option's range, before any data is read or memory allocated
    this.log = log;
    this.executor = Parallel.executor(cfg.threads());
    this.backend = Backends.byName(cfg.backend());
    this.dtype = DType.parse(cfg.dtype());
    ImageDataset tr = Datasets.load(cfg.dataset(), cfg.dataDir(), true);
    ImageDataset te = Datasets.load(cfg.dataset(), cfg.dataDir(), false);
    if (cfg.classes() > 0) {
      if (cfg.classes() < 2 || cfg.classes() > tr.numClasses())
        throw new IllegalArgumentException("--classes must be in [2, " + tr.numClasses() + "] for " + cfg.dataset() + ", got " + cfg.classes());
      tr = tr.subset(cfg.classes());
      te = te.subset(cfg.classes());
    }
    if (cfg.trainLimit() > 0 && cfg.trainLimit() < tr.n()) tr = tr.take(cfg.trainLimit());
    if (cfg.testLimit() > 0 && cfg.testLimit() < te.n()) te = te.take(cfg.testLimit());
    this.train = tr;
    this.test = te;
    this.classes = cfg.classes() > 0 ? cfg.classes() : tr.numClasses();
    this.norm = Datasets.normalization(cfg.dataset());
    this.model = Models.create(cfg.model(), cfg.featureDim(), cfg.angle() == null ? null : AngleFunction.parse(cfg.angle()));
    int[] in = model.inputShape();
    if (in[0] != tr.channels() || in[1] != tr.height() || in[2] != tr.width())
      throw new IllegalArgumentException("model " + cfg.model() + " expects inputs " + java.util.Arrays.toString(in) + " but "
          + cfg.dataset() + " images are [" + tr.channels() + ", " + tr.height() + ", " + tr.width() + "]");
    this.loss = Losses.create(cfg.loss(), cfg.lossParams());
    this.warmup = cfg.warmupLoss() == null || cfg.warmupEpochs() == 0 ? null : Losses.create(cfg.warmupLoss(), Map.of());
    this.optimizer = switch (cfg.optimizer().toLowerCase(Locale.ROOT)) {
      case "sgd" -> new Sgd(cfg.momentum(), false, cfg.weightDecay());
      case "nesterov" -> new Sgd(cfg.momentum(), true, cfg.weightDecay());
      case "adam" -> new Adam(0.9, 0.999, 1e-8, cfg.weightDecay());
      default -> throw new IllegalArgumentException("--optimizer must be sgd, nesterov or adam, got '" + cfg.optimizer() + "'");
    };
    this.schedule = parseSchedule(cfg.lrSchedule(), cfg.lr(), (long) cfg.epochs() * Math.max(1, tr.n() / cfg.batch()));
    this.lambda = switch (cfg.lambdaSchedule().toLowerCase(Locale.ROOT)) {
      case "none" -> null;
      case "lsoftmax" -> LambdaSchedule.LSOFTMAX;
      case "sphereface" -> LambdaSchedule.SPHEREFACE;
      default -> throw new IllegalArgumentException("--lambda-schedule must be none, lsoftmax or sphereface, got '" + cfg.lambdaSchedule() + "'");
    };
    if (lambda != null && !(loss instanceof LSoftmax || loss instanceof SphereFace))
      throw new IllegalArgumentException("--lambda-schedule applies to lsoftmax and sphereface only, not " + cfg.loss());
  }

  static LrSchedule parseSchedule(String spec, double lr, long totalSteps) {
    String[] p = spec.split(":");
    try {
      return switch (p[0].toLowerCase(Locale.ROOT)) {
        case "constant" -> LrSchedule.constant(lr);
        case "exp" -> LrSchedule.exponential(lr, Double.parseDouble(p[1]), Long.parseLong(p[2]), true);
        case "multistep" -> {
          List<Long> ms = new ArrayList<>();
          for (String s : p[2].split(",")) ms.add(Long.parseLong(s.trim()));
          yield LrSchedule.multiStep(lr, ms, Double.parseDouble(p[1]));
        }
        case "cosine" -> LrSchedule.cosine(lr, Math.max(1, totalSteps), 0, 0);
        default -> throw new IllegalArgumentException("unknown schedule");
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--lr-schedule '" + spec + "' is not one of constant, exp:RATE:STEPS, multistep:GAMMA:S1,S2,..., cosine");
    }
  }

  public int featureDim() {
    return model.featureDim();
  }

  /** A fresh state, or the one saved in --resume. */
  public Progress start() {
    return executor.call(() -> startOnExecutor());
  }

  private Progress startOnExecutor() {
    Rng rng = new Rng(cfg.seed());
    Rng modelRng = rng.split(), headRng = rng.split();
    Params head = loss.init(headRng, dtype, model.featureDim(), classes);
    TrainStep.State s = new TrainStep(model.features(), headFor(loss, 0, null), optimizer).init(modelRng, dtype, head);
    s = s.to(backend);
    if (cfg.resume() != null) return RunCheckpoint.load(cfg.resume(), this, s);
    return new Progress(s, 0, 0, new ArrayList<>(), new double[0]);
  }

  String checkpointModelId() {
    return cfg.model() + (cfg.angle() == null ? "" : "(" + cfg.angle() + ")") + "/d" + model.featureDim() + "/" + cfg.loss() + "/C" + classes + "/" + dtype;
  }

  /** The head for one step: λ annealed for L-Softmax/SphereFace, features captured for the center-loss update. */
  private Head headFor(MarginLoss l, long step, Tensor[] capture) {
    MarginLoss at = l;
    if (lambda != null && l instanceof LSoftmax ls) at = ls.withLambda(lambda.lambda(step));
    if (lambda != null && l instanceof SphereFace sf) at = sf.withLambda(lambda.lambda(step));
    MarginLoss fin = at;
    return (p, f, y) -> {
      if (capture != null) capture[0] = Autodiff.stopGradient(f);
      return fin.loss(f, p, y);
    };
  }

  /** Runs the remaining epochs, calling {@code afterEpoch} with the progress after each one. */
  public Progress run(Progress p, java.util.function.Consumer<Progress> afterEpoch) {
    return executor.call(() -> runOnExecutor(p, afterEpoch));
  }

  private Progress runOnExecutor(Progress p, java.util.function.Consumer<Progress> afterEpoch) {
    Batcher batcher = new Batcher(train, cfg.batch(), true, true, cfg.seed(), cfg.augment() ? Augment.CIFAR : Augment.NONE, norm);
    TrainStep.State state = p.state();
    long step = p.step();
    List<EpochMetrics> history = new ArrayList<>(p.history());
    double[] stepLosses = java.util.Arrays.copyOf(p.stepLosses(), Math.toIntExact(step + (long) (cfg.epochs() - p.epochsDone()) * batcher.batchesPerEpoch()));
    Rng dropout = new Rng(cfg.seed() ^ 0x5DEECE66DL);
    int trainEval = Math.min(cfg.trainEvalLimit(), train.n());
    int evalImages = test.n() + Math.max(0, trainEval);
    int evalBatches = batches(test.n()) + batches(trainEval);
    // Seconds per evaluated image, measured at the first evaluation; before it, guessed from the training rate.
    double evalSecondsPerImage = Double.NaN;
    double trainSecondsPerStep = Double.NaN;
    long warmSteps = warmup == null ? 0 : Math.round(cfg.warmupEpochs() * batcher.batchesPerEpoch());
    for (int epoch = p.epochsDone(); epoch < cfg.epochs(); epoch++) {
      int steps = batcher.batchesPerEpoch();
      // The loss of each step: the warm-up loss for the first warmSteps steps of the run, which may end inside an epoch.
      boolean warmAtStart = step < warmSteps, warmAtEnd = step + steps - 1 < warmSteps;
      String name = warmAtStart == warmAtEnd ? (warmAtStart ? cfg.warmupLoss() : cfg.loss()) : cfg.warmupLoss() + " then " + cfg.loss();
      int later = cfg.epochs() - epoch - 1;
      double evalSpi = evalSecondsPerImage;
      DoubleUnaryOperator evalSeconds = sps -> evalImages * (Double.isFinite(evalSpi) ? evalSpi : EVAL_COST_GUESS * sps / cfg.batch());
      ProgressBar bar = new ProgressBar(log, String.format("epoch %d/%d %s", epoch + 1, cfg.epochs(), name), steps,
          ProgressBar.isTerminal(), 10, System::nanoTime)
          .after(sps -> evalSeconds.applyAsDouble(sps) * (1 + later) + (double) later * steps * sps)
          .expecting(trainSecondsPerStep);
      long t0 = System.nanoTime();
      double lossSum = 0;
      int done = 0;
      double lr = schedule.lr(step);
      Iterator<Batch> it = batcher.epoch(epoch);
      while (it.hasNext()) {
        Batch b = it.next();
        Tensor x = toTensor(b);
        lr = schedule.lr(step);
        MarginLoss active = step < warmSteps ? warmup : loss;
        Tensor[] captured = new Tensor[1];
        boolean centerRule = active instanceof CenterLoss cl && cl.centerAlpha() != null;
        TrainStep ts = new TrainStep(model.features(), headFor(active, step, centerRule ? captured : null), optimizer);
        TrainStep.Result r = ts.step(state, x, b.labels(), lr, dropout);
        if (!Double.isFinite(r.loss()))
          throw new Diverged("the loss became " + r.loss() + " at step " + step + " (epoch " + (epoch + 1) + "); lower --lr or check --loss-param");
        state = r.state();
        if (centerRule) state = updateCenters(state, (CenterLoss) active, captured[0], b.labels());
        lossSum += r.loss();
        stepLosses[Math.toIntExact(step)] = r.loss();
        done++;
        step++;
        bar.update(done, r.loss(), b.size());
      }
      bar.finish();
      double seconds = (System.nanoTime() - t0) / 1e9;
      double ips = (double) done * cfg.batch() / seconds;
      trainSecondsPerStep = seconds / Math.max(1, done);
      double spsTrain = trainSecondsPerStep;
      long e0 = System.nanoTime();
      ProgressBar evalBar = new ProgressBar(log, String.format("epoch %d/%d evaluating", epoch + 1, cfg.epochs()), Math.max(1, evalBatches),
          ProgressBar.isTerminal(), 10, System::nanoTime)
          .after(sps -> later * (steps * spsTrain + evalBatches * sps))
          .expecting(EVAL_BATCH * (Double.isFinite(evalSecondsPerImage) ? evalSecondsPerImage : EVAL_COST_GUESS * spsTrain / cfg.batch()));
      int[] evalDone = {0};
      java.util.function.IntConsumer tick = n -> evalBar.update(++evalDone[0], n);
      MarginLoss rule = warmup != null && step - 1 < warmSteps ? warmup : loss; // the prediction rule of the epoch's last step
      double testAcc = accuracy(state, test, rule, Integer.MAX_VALUE, tick);
      double trainAcc = accuracy(state, train, rule, cfg.trainEvalLimit(), tick);
      evalBar.finish();
      if (evalImages > 0) evalSecondsPerImage = (System.nanoTime() - e0) / 1e9 / evalImages;
      EpochMetrics m = new EpochMetrics(epoch + 1, step, name, lr, lossSum / Math.max(1, done), trainAcc, testAcc, seconds, ips);
      history.add(m);
      log.printf(Locale.ROOT, "epoch %d: loss %.4f  train acc %.4f  test acc %.4f  %.0f s training + %.0f s evaluation  %.1f images/s%n",
          m.epoch(), m.trainLoss(), m.trainAccuracy(), m.testAccuracy(), m.seconds(), (System.nanoTime() - e0) / 1e9, m.imagesPerSecond());
      p = new Progress(state, step, epoch + 1, List.copyOf(history), java.util.Arrays.copyOf(stepLosses, Math.toIntExact(step)));
      afterEpoch.accept(p);
    }
    return p;
  }

  private static int batches(int images) {
    return images <= 0 ? 0 : (images + EVAL_BATCH - 1) / EVAL_BATCH;
  }

  private static TrainStep.State updateCenters(TrainStep.State s, CenterLoss cl, Tensor features, int[] labels) {
    String name = "head." + CenterLoss.CENTERS;
    Tensor c = CenterLoss.updateCenters(s.params().get(name), features, labels, cl.centerAlpha());
    return new TrainStep.State(s.params().with(name, c), s.modelState(), s.optState());
  }

  Tensor toTensor(Batch b) {
    Tensor t = Tensor.of(backend, b.x(), b.size(), b.c(), b.h(), b.w());
    return dtype == DType.F32 ? t : t.to(dtype);
  }

  /** Accuracy of the loss's prediction rule on the first {@code limit} images, model in EVAL mode. */
  public double accuracy(TrainStep.State s, ImageDataset data, MarginLoss rule, int limit) {
    return accuracy(s, data, rule, limit, n -> {});
  }

  /** As above, calling {@code afterBatch} with each evaluated batch's size (for a progress bar). */
  public double accuracy(TrainStep.State s, ImageDataset data, MarginLoss rule, int limit, java.util.function.IntConsumer afterBatch) {
    return executor.call(() -> accuracyOnExecutor(s, data, rule, limit, afterBatch));
  }

  private double accuracyOnExecutor(TrainStep.State s, ImageDataset data, MarginLoss rule, int limit, java.util.function.IntConsumer afterBatch) {
    int n = Math.min(limit, data.n());
    if (n <= 0) return Double.NaN;
    Batcher in = Batcher.inOrder(n < data.n() ? data.take(n) : data, EVAL_BATCH, norm);
    int correct = 0;
    Iterator<Batch> it = in.epoch(0);
    Params mp = s.modelParams(), hp = s.headParams();
    while (it.hasNext()) {
      Batch b = it.next();
      Tensor f = model.features().forward(mp, s.modelState(), toTensor(b));
      int[] pred = rule.predict(f, hp);
      for (int i = 0; i < b.size(); i++) if (pred[i] == b.labels()[i]) correct++;
      afterBatch.accept(b.size());
    }
    return (double) correct / n;
  }

  /** Features [n, d] of the first n images of a data set and their labels, model in EVAL mode. */
  public Tensor features(TrainStep.State s, ImageDataset data, int n, int[] labelsOut) {
    return executor.call(() -> featuresOnExecutor(s, data, n, labelsOut));
  }

  private Tensor featuresOnExecutor(TrainStep.State s, ImageDataset data, int n, int[] labelsOut) {
    Batcher in = Batcher.inOrder(data.take(Math.min(n, data.n())), 500, norm);
    List<Tensor> parts = new ArrayList<>();
    int at = 0;
    Iterator<Batch> it = in.epoch(0);
    while (it.hasNext()) {
      Batch b = it.next();
      parts.add(model.features().forward(s.modelParams(), s.modelState(), toTensor(b)));
      System.arraycopy(b.labels(), 0, labelsOut, at, b.size());
      at += b.size();
    }
    return parts.size() == 1 ? parts.get(0) : Tensor.concat(0, parts);
  }

  public TrainConfig config() {
    return cfg;
  }

  /** The training images after --classes and --train-limit (for the paper experiments). */
  public ImageDataset trainData() {
    return train;
  }

  /** The test images after --classes and --test-limit. */
  public ImageDataset testData() {
    return test;
  }

  /** The loss head (whose parameters hold the class weights). */
  public MarginLoss loss() {
    return loss;
  }

  /** The number of classes the head was built for. */
  public int classes() {
    return classes;
  }

  public Optimizer optimizer() {
    return optimizer;
  }
}
