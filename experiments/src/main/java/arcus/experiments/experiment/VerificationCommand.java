package arcus.experiments.experiment;

import arcus.experiments.report.LinePlot;
import arcus.experiments.train.FeatureDimOption;
import arcus.experiments.train.TrainConfig;
import arcus.experiments.train.TrainRun;
import arcus.experiments.train.Trainer;
import arcus.nn.data.Datasets;
import arcus.nn.data.ImageDataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code arcus experiment verification}: open-set verification, the protocol [ArcFace] and
 * [W-Softmax] evaluate margin losses with on LFW, on the classes a network never saw.
 */
@Command(name = "verification", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Open-set verification ([ArcFace], [W-Softmax] on LFW), on digits or clothes (--dataset fashion).",
        "Trains each loss on the first --train-classes classes once per seed, embeds the test images of the other",
        "classes, and scores --pairs same/different pairs of them by cosine similarity: 10-fold accuracy (LFW protocol),",
        "TAR at FAR 1e-2 and 1e-3, ROC AUC, as mean +- sd over seeds; verdicts on the papers' orderings."})
final class VerificationCommand implements Callable<Integer> {
  /** The defaults train at this budget: each reached 91-96% closed-set test accuracy in a 5000-image, 1-epoch first. */
  @Mixin ExperimentOptions exp = ExperimentOptions.of("verification", "softmax,normface,cosface,arcface,sphereface,wsoftmax");

  @Option(names = "--train-classes", defaultValue = "7", description = "train on the first k classes; the others are held out (${DEFAULT-VALUE})")
  int trainClasses = 7;

  @Option(names = "--pairs", defaultValue = "6000", description = "held-out pairs, half same-class, half different (${DEFAULT-VALUE})")
  int pairs = 6000;

  @Option(names = "--pair-seed", defaultValue = "1", description = "seed of the pairs: the same pairs for every loss and training seed (${DEFAULT-VALUE})")
  long pairSeed = 1;

  @Mixin FeatureDimOption dim = new FeatureDimOption();

  static final int FOLDS = 10;
  static final double[] FARS = {1e-2, 1e-3};

  /** One trained network's scores on the pairs. */
  record Scored(long seed, double closedSet, double foldAccuracy, double[] tar, double auc, double[] rocTar) {}

  @Override
  public Integer call() {
    var log = System.out;
    long t0 = System.nanoTime();
    exp.resolve(Budget.LINEAR_LENET, Budget.PAPER);
    List<LossSpec> ls = LossSpec.parseList(exp.losses);
    // the first run's config: the data set and data folder every run reads
    TrainConfig first = exp.config(exp.out, ls.get(0), dim.featureDim, trainClasses, exp.train.seed);
    ImageDataset full = Datasets.load(first.dataset(), first.dataDir(), false);
    if (trainClasses < 2 || trainClasses > full.numClasses() - 2)
      throw new IllegalArgumentException("--train-classes must be in [2, " + (full.numClasses() - 2) + "] for " + first.dataset()
          + " (two classes or more held out), got " + trainClasses);
    if (pairs < 2 * FOLDS) throw new IllegalArgumentException("--pairs must be >= " + 2 * FOLDS + " for " + FOLDS + "-fold accuracy, got " + pairs);
    ImageDataset held = heldOut(full, trainClasses);
    Verification.Pairs ps = Verification.sample(held.labels(), pairs, pairSeed);
    int negatives = pairs - ps.positives();
    ExperimentReport.prepare(exp.out, exp.overwrite.overwrite);
    log.printf("verification: %d loss(es) x %d seed(s) on classes 0..%d; %d pairs among %d held-out test images (%s, %d epoch(s), train limit %d)%n",
        ls.size(), exp.seeds, trainClasses - 1, pairs, held.n(), exp.train.net.model, exp.train.epochs, exp.train.trainLimit);
    double[] grid = Verification.farGrid(negatives, 40);
    List<List<Scored>> all = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int i = 0;
    for (LossSpec l : ls) {
      List<Scored> nets = new ArrayList<>();
      for (long seed : exp.seedList()) {
        String name = l.slug() + "-s" + seed;
        log.printf("%n[%d/%d] verification: training %s, seed %d%n", ++i, ls.size() * exp.seeds, l.label(), seed);
        try {
          nets.add(score(exp.config(Runs.runDir(exp.out, name), l, dim.featureDim, trainClasses, seed), held, ps, grid, log));
        } catch (Trainer.Diverged e) { // a result to report, not a crash
          failures.add(name + ": " + e.getMessage());
          log.println("  " + e.getMessage() + " - recorded as diverged");
        }
      }
      all.add(nets);
    }
    List<String> header = List.of("loss", "runs", "verification_accuracy_mean", "verification_accuracy_sd", "tar_at_far_1e-2_mean",
        "tar_at_far_1e-2_sd", "tar_at_far_1e-3_mean", "tar_at_far_1e-3_sd", "auc_mean", "auc_sd", "closed_set_accuracy_mean",
        "closed_set_accuracy_sd", "per_seed_verification_percent");
    List<List<?>> rows = new ArrayList<>();
    List<LinePlot.Series> curves = new ArrayList<>();
    Map<String, Summaries> byLoss = new LinkedHashMap<>();
    for (int li = 0; li < ls.size(); li++) {
      List<Scored> nets = all.get(li);
      Summaries m = Summaries.of(ls.get(li).label(), nets);
      byLoss.putIfAbsent(ls.get(li).name(), m);
      StringBuilder per = new StringBuilder();
      for (Scored s : nets) per.append(per.isEmpty() ? "" : " / ").append(String.format(Locale.ROOT, "%.2f", 100 * s.foldAccuracy()));
      rows.add(List.of(m.label(), nets.size() + "/" + exp.seeds, m.acc().mean(), m.acc().sd(), m.tar2().mean(), m.tar2().sd(),
          m.tar3().mean(), m.tar3().sd(), m.auc().mean(), m.auc().sd(), m.closed().mean(), m.closed().sd(), per.toString()));
      if (!nets.isEmpty()) {
        double[] mean = new double[grid.length];
        for (Scored s : nets) for (int g = 0; g < grid.length; g++) mean[g] += s.rocTar()[g] / nets.size();
        curves.add(new LinePlot.Series(ls.get(li).label(), grid, mean));
      }
    }
    LinePlot.writeLogX(exp.out.resolve("verification.png"), "Open-set verification ROC: held-out classes " + trainClasses + ".."
        + (full.numClasses() - 1) + " (" + first.dataset() + ", " + exp.train.net.model + ", mean of " + exp.seeds + " seed(s))",
        new LinePlot.Panel("", "false accept rate (different-class pairs accepted)", "true accept rate", curves), 800, 520);
    List<String> verdict = verdict(byLoss);
    Map<String, Object> settings = new LinkedHashMap<>(exp.train.describe());
    settings.putAll(exp.budget.describe());
    settings.put("seeds", exp.seeds + " (" + exp.train.seed + " .. " + (exp.train.seed + exp.seeds - 1) + ")");
    settings.put("feature_dim", dim.featureDim == 0 ? "model default" : dim.featureDim);
    settings.put("train_classes", "0.." + (trainClasses - 1));
    settings.put("held_out", "classes " + trainClasses + ".." + (full.numClasses() - 1) + ", " + held.n() + " test images");
    settings.put("pairs", pairs + " (" + ps.positives() + " same-class, " + negatives + " different-class; pair seed " + pairSeed + ")");
    settings.put("losses", exp.losses);
    settings.put("wall_time", ExperimentReport.minutes(t0));
    String notes = String.format(Locale.ROOT, "Protocol. Each network is trained on the training images of classes 0..%d; its features (the"
        + " layer before the loss head, eval mode) of the %d test images of the held-out classes are compared pairwise by cosine"
        + " similarity, on the same %d pairs for every network (distinct pairs of distinct images, drawn from --pair-seed)."
        + " verification_accuracy is the LFW protocol: the pairs in %d consecutive folds (each half same, half different);"
        + " for each fold the threshold that maximises accuracy on the other %d folds is applied to it; the mean over folds."
        + " TAR at FAR f: the threshold is set on the %d different-class scores so that at most ⌊f·%d⌋ of them lie above it"
        + " (FAR 1e-2 rests on %d false accepts, FAR 1e-3 on %d%s); TAR is the fraction of same-class pairs above it."
        + " AUC is the area under the ROC (Mann–Whitney, ties counted half). closed_set_accuracy is the test accuracy on"
        + " classes 0..%d with the loss's own rule, for reference. Every number is mean ± sample sd over the training seeds"
        + " (run folders `runs/<loss>-s<seed>/`). The plot is the mean ROC over the seeds. [ArcFace] and [W-Softmax] report"
        + " margin losses above softmax on LFW, and ArcFace ≥ CosFace ≥ SphereFace; there the test identities are never"
        + " trained on, as the held-out classes here. A W-Softmax run trains the first half of its steps with softmax, as"
        + " its paper does, unless --warmup-loss is given.",
        trainClasses - 1, held.n(), pairs, FOLDS, FOLDS - 1, negatives, negatives, Verification.falseAccepts(FARS[0], negatives),
        Verification.falseAccepts(FARS[1], negatives), Verification.falseAccepts(FARS[1], negatives) < 10 ? ", so it is a coarse estimate" : "", trainClasses - 1);
    List<Map<String, Object>> per = new ArrayList<>();
    for (int li = 0; li < ls.size(); li++)
      for (Scored s : all.get(li)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", ls.get(li).label());
        m.put("seed", s.seed());
        m.put("verification_accuracy", s.foldAccuracy());
        m.put("tar_at_far_1e-2", s.tar()[0]);
        m.put("tar_at_far_1e-3", s.tar()[1]);
        m.put("auc", s.auc());
        m.put("closed_set_accuracy", s.closedSet());
        per.add(m);
      }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("networks", per);
    extra.put("verdict", verdict);
    extra.put("failed_runs", failures);
    ExperimentReport.write(exp.out, log, "verification", "Open-set verification on held-out classes ([ArcFace], [W-Softmax] LFW protocol)",
        exp.commandLine(), settings, header, rows, "verification.csv", "verification.png",
        ExperimentReport.verdictSection(exp.budget, verdict, failures) + notes, extra);
    return 0;
  }

  /** Trains one network, then scores it on the held-out pairs. */
  static Scored score(TrainConfig cfg, ImageDataset held, Verification.Pairs ps, double[] grid, java.io.PrintStream log) {
    Trainer.Progress p = TrainRun.run(cfg, log);
    double closed = p.history().isEmpty() ? Double.NaN : p.history().get(p.history().size() - 1).testAccuracy();
    Runs.Loaded l = Runs.load(cfg.toBuilder().resume(cfg.out().resolve("checkpoint.arcus")).build(), log);
    double[][] x = Runs.features(l, held, held.n(), new int[held.n()]);
    double[] s = Verification.cosines(x, ps);
    double[] pos = Verification.scores(s, ps.same(), true), neg = Verification.scores(s, ps.same(), false);
    double[] tar = new double[FARS.length];
    for (int f = 0; f < FARS.length; f++) tar[f] = Verification.tarAtFar(pos, neg, FARS[f]).tar();
    double[] roc = new double[grid.length];
    for (int g = 0; g < grid.length; g++) roc[g] = Verification.tarAtFar(pos, neg, grid[g]).tar();
    Scored r = new Scored(cfg.seed(), closed, Verification.foldAccuracy(s, ps.same(), FOLDS), tar, Verification.auc(pos, neg), roc);
    log.printf(Locale.ROOT, "  held-out verification: %.2f%% (10-fold), TAR %.3f / %.3f at FAR 1e-2 / 1e-3, AUC %.4f%n",
        100 * r.foldAccuracy(), tar[0], tar[1], r.auc());
    return r;
  }

  /** The test images whose class is {@code from} or above (the classes no network trained on). */
  static ImageDataset heldOut(ImageDataset d, int from) {
    int size = d.sampleSize(), n = 0;
    for (int y : d.labels()) if (y >= from) n++;
    byte[] px = new byte[n * size];
    int[] lab = new int[n];
    for (int i = 0, j = 0; i < d.n(); i++)
      if (d.labels()[i] >= from) {
        System.arraycopy(d.pixels(), i * size, px, j * size, size);
        lab[j++] = d.labels()[i];
      }
    return new ImageDataset(d.name() + "-held-out", px, n, d.channels(), d.height(), d.width(), lab, d.numClasses());
  }

  /** One loss's scores over its seeds: verification accuracy, TAR at FAR 1e-2 and 1e-3, AUC, closed-set accuracy. */
  record Summaries(String label, Stats.Summary acc, Stats.Summary tar2, Stats.Summary tar3, Stats.Summary auc, Stats.Summary closed) {
    static Summaries of(String label, List<Scored> nets) {
      return new Summaries(label, Stats.of(nets.stream().mapToDouble(Scored::foldAccuracy).toArray()),
          Stats.of(nets.stream().mapToDouble(s -> s.tar()[0]).toArray()), Stats.of(nets.stream().mapToDouble(s -> s.tar()[1]).toArray()),
          Stats.of(nets.stream().mapToDouble(Scored::auc).toArray()), Stats.of(nets.stream().mapToDouble(Scored::closedSet).toArray()));
    }
  }

  /** The margin losses of the papers' "margin beats softmax" claim. */
  static final List<String> MARGIN = List.of("cosface", "arcface", "sphereface", "lsoftmax", "wsoftmax", "combined");

  /**
   * The papers' claims on open-set verification, each on the 10-fold accuracy (TAR at FAR 1e-2
   * beside it): every margin loss above softmax, and ArcFace ≥ CosFace ≥ SphereFace (or
   * L-Softmax). {@code byLoss}: the summaries of the first spec of each loss name.
   */
  static List<String> verdict(Map<String, Summaries> byLoss) {
    List<String> out = new ArrayList<>();
    var base = byLoss.get("softmax");
    if (base != null)
      for (String l : byLoss.keySet())
        if (MARGIN.contains(l) || l.equals("normface"))
          out.add(claim(byLoss.get(l).label() + " > " + base.label() + (l.equals("normface") ? " (no margin: the normalisation alone)" : ""), base,
              byLoss.get(l)));
    String sphere = byLoss.containsKey("sphereface") ? "sphereface" : byLoss.containsKey("lsoftmax") ? "lsoftmax" : null;
    if (byLoss.containsKey("arcface") && byLoss.containsKey("cosface"))
      out.add(claim(byLoss.get("arcface").label() + " ≥ " + byLoss.get("cosface").label(), byLoss.get("cosface"), byLoss.get("arcface")));
    if (byLoss.containsKey("cosface") && sphere != null)
      out.add(claim(byLoss.get("cosface").label() + " ≥ " + byLoss.get(sphere).label(), byLoss.get(sphere), byLoss.get("cosface")));
    if (out.isEmpty()) out.add("no claim applies to these losses (the claims need softmax and a margin loss, or two of arcface, cosface, sphereface).");
    return out;
  }

  /** One claim "b above a": the accuracy comparison, TAR beside it, and the verdict word. */
  static String claim(String what, Summaries a, Summaries b) {
    Stats.Comparison acc = Stats.compare(a.acc(), b.acc()), tar = Stats.compare(a.tar2(), b.tar2());
    String word = !Double.isFinite(acc.delta()) ? "not measured (a loss has no finished run)"
        : acc.delta() > 0 && acc.beyondSpread() ? "reproduced"
        : acc.delta() >= 0 ? "in direction only (within the spread)"
        : acc.beyondSpread() ? "not reproduced (reversed beyond the spread)" : "not reproduced (reversed, within the spread)";
    return String.format(Locale.ROOT, "%s: verification accuracy %s%% vs %s%%, %s; TAR at FAR 1e-2 %s; verdict: %s.", what,
        b.acc().percent(), a.acc().percent(), acc.describePercent(), tar.describePercent(), word);
  }
}
