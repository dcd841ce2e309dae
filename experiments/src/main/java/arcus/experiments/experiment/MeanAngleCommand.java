package arcus.experiments.experiment;

import arcus.experiments.train.FeatureDimOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code arcus experiment mean-angle}: [W-Softmax], Eq. 14 / Fig. 5 — per class, the mean angle
 * between the features of that class and its class weight, on train and test features, for one
 * or more finished runs ({@code --run}) or freshly trained losses ({@code --losses}).
 */
@Command(name = "mean-angle", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"[W-Softmax], Eq. 14 / Fig. 5: per class, the mean angle between its features and its weight w_j.",
        "The angle in degrees, on train and test features, and the average over classes. Either from finished",
        "run folders (--run, repeatable) or by training each loss in --losses."})
final class MeanAngleCommand implements Callable<Integer> {
  @Mixin ExperimentOptions exp = ExperimentOptions.of("mean-angle", "softmax,wsoftmax:alpha=0,wsoftmax:alpha=0.5,wsoftmax:alpha=1,wsoftmax:alpha=1.5");

  @Mixin RunsOrTraining source = new RunsOrTraining();

  @Mixin FeatureDimOption dim = new FeatureDimOption();

  @Option(names = "--angle-limit", defaultValue = "0",
      description = "measure on at most this many train and test images (0 = all the run uses) (${DEFAULT-VALUE})")
  int angleLimit;

  /** The angles of one network. */
  record Measured(String label, double[] train, double[] test, double testAccuracy, String source, double weightMeanCos, double weightMaxCos) {}

  static Measured measure(String label, Runs.Loaded l, int limit, String source) {
    var t = l.trainer();
    int c = t.classes(), d = t.featureDim();
    double[][] w = MeanAngle.classWeights(t.loss(), l.state().headParams(), d, c);
    int ntr = Math.min(limit > 0 ? limit : Integer.MAX_VALUE, t.trainData().n());
    int nte = Math.min(limit > 0 ? limit : Integer.MAX_VALUE, t.testData().n());
    int[] ytr = new int[ntr], yte = new int[nte];
    double[][] xtr = Runs.features(l, t.trainData(), ntr, ytr);
    double[][] xte = Runs.features(l, t.testData(), nte, yte);
    return new Measured(label, MeanAngle.perClassDegrees(xtr, ytr, w), MeanAngle.perClassDegrees(xte, yte, w),
        Runs.accuracy(l, xte, yte), source, MeanAngle.meanPairwiseCosine(w), SphereCode.maxCosine(w));
  }

  /** One network setting: a loss (trained once per seed) or a finished run folder. */
  record Group(String label, List<Measured> nets) {
    Stats.Summary train() {
      return Stats.of(nets.stream().mapToDouble(m -> MeanAngle.average(m.train())).toArray());
    }

    Stats.Summary test() {
      return Stats.of(nets.stream().mapToDouble(m -> MeanAngle.average(m.test())).toArray());
    }

    Stats.Summary accuracy() {
      return Stats.of(nets.stream().mapToDouble(Measured::testAccuracy).toArray());
    }

    Stats.Summary weightMeanCos() {
      return Stats.of(nets.stream().mapToDouble(Measured::weightMeanCos).toArray());
    }

    /** Per class (and the class mean last), the mean over the seeds of the angle. */
    double[] perClass(boolean test) {
      int c = nets.get(0).train().length;
      double[] r = new double[c + 1];
      for (Measured m : nets) {
        double[] a = test ? m.test() : m.train();
        for (int j = 0; j < c; j++) r[j] += a[j] / nets.size();
        r[c] += MeanAngle.average(a) / nets.size();
      }
      return r;
    }
  }

  @Override
  public Integer call() {
    var log = System.out;
    long t0 = System.nanoTime();
    if (source.runs.isEmpty()) exp.resolve(Budget.LINEAR_LENET, Budget.PAPER);
    ExperimentReport.prepare(exp.out, exp.overwrite.overwrite);
    List<Group> gs = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    if (!source.runs.isEmpty()) {
      for (Path r : source.runs) {
        var cfg = Configs.fromRun(r);
        if (exp.train.data != null) cfg = Configs.withData(cfg, exp.train.data);
        log.printf("mean-angle: loading %s (%s + %s)%n", r, cfg.model(), cfg.loss());
        String label = cfg.loss() + (cfg.lossParams().isEmpty() ? "" : cfg.lossParams().toString()) + " [" + r.getFileName() + "]";
        gs.add(new Group(label, List.of(measure(label, Runs.load(cfg, log), angleLimit, r.toString()))));
      }
    } else {
      List<LossSpec> ls = LossSpec.parseList(exp.losses);
      int i = 0;
      for (LossSpec l : ls) {
        List<Measured> nets = new ArrayList<>();
        for (long seed : exp.seedList()) {
          log.printf("%n[%d/%d] mean-angle: training %s, seed %d%n", ++i, ls.size() * exp.seeds, l.label(), seed);
          String name = l.slug() + "-s" + seed;
          try {
            nets.add(measure(l.label(), Runs.trainAndLoad(exp.config(Runs.runDir(exp.out, name), l, dim.featureDim, source.classes, seed), log),
                angleLimit, "runs/" + name));
          } catch (arcus.experiments.train.Trainer.Diverged e) {
            failures.add(name + ": " + e.getMessage());
            log.println("  " + e.getMessage() + " - recorded as diverged");
          }
        }
        if (nets.isEmpty()) throw new IllegalStateException("every run of " + l.label() + " diverged: " + String.join("; ", failures));
        gs.add(new Group(l.label(), nets));
      }
    }
    int c = gs.get(0).nets().get(0).train().length;
    for (Group g : gs)
      if (g.nets().get(0).train().length != c) throw new IllegalArgumentException("the runs have different class counts (" + c + " vs " + g.nets().get(0).train().length + ")");
    List<String> header = List.of("network", "runs", "mean_train_angle_deg", "train_sd", "mean_test_angle_deg", "test_sd",
        "test_accuracy_mean", "test_accuracy_sd", "weights_mean_pairwise_cos", "weights_max_pairwise_cos", "per_class_test_deg");
    List<List<?>> rows = new ArrayList<>();
    for (Group g : gs) {
      double[] pc = g.perClass(true);
      StringBuilder per = new StringBuilder();
      for (int j = 0; j < c; j++) per.append(j == 0 ? "" : " ").append(String.format(java.util.Locale.ROOT, "%.1f", pc[j]));
      rows.add(List.of(g.label(), g.nets().size(), g.train().mean(), g.train().sd(), g.test().mean(), g.test().sd(),
          g.accuracy().mean(), g.accuracy().sd(), g.weightMeanCos().mean(),
          g.nets().stream().mapToDouble(Measured::weightMaxCos).average().orElse(Double.NaN), per.toString()));
    }
    List<String> groups = new ArrayList<>();
    for (int j = 0; j < c; j++) groups.add(Integer.toString(j));
    groups.add("mean");
    List<String> names = gs.stream().map(Group::label).toList();
    double[][] tr = new double[gs.size()][], te = new double[gs.size()][];
    for (int g = 0; g < gs.size(); g++) {
      tr[g] = gs.get(g).perClass(false);
      te[g] = gs.get(g).perClass(true);
    }
    BarChart.write(exp.out.resolve("mean-angle.png"), "[W-Softmax] Fig. 5: mean angle between class features and w_j"
        + (gs.get(0).nets().size() > 1 ? " (mean of " + gs.get(0).nets().size() + " seeds)" : ""),
        List.of(new BarChart.Panel("train features", "class j (and the mean over classes)", "mean angle to w_j (degrees)", groups, names, tr),
            new BarChart.Panel("test features", "class j (and the mean over classes)", "mean angle to w_j (degrees)", groups, names, te)), 640, 460);
    Map<String, Object> settings = new LinkedHashMap<>();
    if (source.runs.isEmpty()) {
      settings.putAll(exp.train.describe());
      settings.putAll(exp.budget.describe());
      settings.put("seeds", exp.seeds + " (" + exp.train.seed + " .. " + (exp.train.seed + exp.seeds - 1) + ")");
      settings.put("feature_dim", dim.featureDim == 0 ? "model default" : dim.featureDim);
      settings.put("classes", source.classes == 0 ? "all" : source.classes);
    }
    settings.put("angle_limit", angleLimit == 0 ? "all" : angleLimit);
    settings.put("wall_time", ExperimentReport.minutes(t0));
    List<String> verdict = verdict(gs);
    String notes = "θ̄_j = mean over the class-j samples of arccos(x_iᵀw_j / (‖x_i‖‖w_j‖)) in degrees ([W-Softmax], Eq. 14),"
        + " features in eval mode; the mean angle averages the classes, then the seeds (mean ± sample sd over seeds)."
        + " w_j is the head's weight column (EM-Softmax: the sum of its"
        + " classifiers; the fixed simplex head: the simplex columns). An all-zero feature (possible after LeNet's final ReLU)"
        + " counts as 90°. weights_*_pairwise_cos: the cosines between distinct class weight columns (mean over the pairs, and"
        + " the largest), averaged over the seeds; a regular simplex has −1/(C−1) for every pair: a crowded head forces"
        + " larger feature-to-weight angles. [W-Softmax] finds smaller angles for W-Softmax than softmax, shrinking as α grows, and train"
        + " angles slightly below test angles. A W-Softmax run trains the first half of its steps with softmax, as the"
        + " paper does, unless --warmup-loss is given.";
    Map<String, Object> extra = new LinkedHashMap<>();
    List<Map<String, Object>> per = new ArrayList<>();
    for (Group g : gs)
      for (Measured m : g.nets())
        per.add(new LinkedHashMap<>(Map.of("label", m.label(), "source", m.source(), "test_accuracy", m.testAccuracy(),
            "mean_train_deg", MeanAngle.average(m.train()), "mean_test_deg", MeanAngle.average(m.test()))));
    extra.put("networks", per);
    extra.put("verdict", verdict);
    extra.put("failed_runs", failures);
    ExperimentReport.write(exp.out, log, "mean-angle", "Mean angle between features and class weights ([W-Softmax], Eq. 14 / Fig. 5)",
        exp.commandLine(), settings, header, rows,
        "mean-angle.csv", "mean-angle.png", ExperimentReport.verdictSection(exp.budget, verdict, failures) + notes, extra);
    return 0;
  }

  /**
   * Every network against the first (softmax by default): is its mean test angle smaller beyond the
   * spread; and along the list, does the angle keep shrinking ([W-Softmax]: as α grows).
   */
  static List<String> verdict(List<Group> gs) {
    List<String> out = new ArrayList<>();
    if (gs.size() < 2) return out;
    Group base = gs.get(0);
    for (int g = 1; g < gs.size(); g++) {
      Stats.Comparison cmp = Stats.compare(base.test(), gs.get(g).test());
      out.add(gs.get(g).label() + " vs " + base.label() + ": mean test angle " + gs.get(g).test().plain(1) + "° vs "
          + base.test().plain(1) + "°, " + cmp.describe(1, "°") + (cmp.delta() < 0 && cmp.beyondSpread() ? " (smaller: reproduced)"
              : cmp.delta() < 0 ? " (smaller, within the spread)" : " (not smaller: not reproduced)") + ".");
    }
    if (gs.size() >= 3) {
      StringBuilder sb = new StringBuilder("Along the list after " + base.label() + ": ");
      boolean shrinking = true;
      for (int g = 2; g < gs.size(); g++) {
        Stats.Comparison cmp = Stats.compare(gs.get(g - 1).test(), gs.get(g).test());
        sb.append(g > 2 ? "; " : "").append(gs.get(g - 1).label()).append(" → ").append(gs.get(g).label()).append(' ').append(cmp.describe(1, "°"));
        shrinking &= cmp.delta() < 0;
      }
      out.add(sb.append(". Verdict on \"the angle shrinks as α grows\": ").append(shrinking ? "every step is smaller" : "not every step is smaller")
          .append(" (each step's spread is given above).").toString());
    }
    return out;
  }
}
