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
  @Mixin ExperimentOptions exp = ExperimentOptions.of("mean-angle", "softmax,wsoftmax");

  @Mixin RunsOrTraining source = new RunsOrTraining();

  @Mixin FeatureDimOption dim = new FeatureDimOption();

  @Option(names = "--angle-limit", defaultValue = "0",
      description = "measure on at most this many train and test images (0 = all the run uses) (${DEFAULT-VALUE})")
  int angleLimit;

  /** The angles of one network. */
  record Measured(String label, double[] train, double[] test, double testAccuracy, String source) {}

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
        Runs.accuracy(l, xte, yte), source);
  }

  @Override
  public Integer call() {
    var log = System.out;
    ExperimentReport.prepare(exp.out, exp.overwrite.overwrite);
    List<Measured> ms = new ArrayList<>();
    if (!source.runs.isEmpty()) {
      for (Path r : source.runs) {
        var cfg = Configs.fromRun(r);
        if (exp.train.data != null) cfg = Configs.withData(cfg, exp.train.data);
        log.printf("mean-angle: loading %s (%s + %s)%n", r, cfg.model(), cfg.loss());
        ms.add(measure(cfg.loss() + (cfg.lossParams().isEmpty() ? "" : cfg.lossParams().toString()) + " [" + r.getFileName() + "]",
            Runs.load(cfg, log), angleLimit, r.toString()));
      }
    } else {
      for (LossSpec l : LossSpec.parseList(exp.losses)) {
        log.printf("%nmean-angle: training %s%n", l.label());
        Path dir = Runs.runDir(exp.out, l.slug());
        ms.add(measure(l.label(), Runs.trainAndLoad(exp.train.config(dir, l, dim.featureDim, source.classes), log), angleLimit, "runs/" + l.slug()));
      }
    }
    int c = ms.get(0).train().length;
    for (Measured m : ms)
      if (m.train().length != c) throw new IllegalArgumentException("the runs have different class counts (" + c + " vs " + m.train().length + ")");
    List<String> header = new ArrayList<>(List.of("class"));
    for (Measured m : ms) {
      header.add(m.label() + " train (deg)");
      header.add(m.label() + " test (deg)");
    }
    List<List<?>> rows = new ArrayList<>();
    for (int j = 0; j <= c; j++) {
      List<Object> r = new ArrayList<>();
      r.add(j < c ? Integer.toString(j) : "mean");
      for (Measured m : ms) {
        r.add(j < c ? m.train()[j] : MeanAngle.average(m.train()));
        r.add(j < c ? m.test()[j] : MeanAngle.average(m.test()));
      }
      rows.add(r);
    }
    List<String> groups = new ArrayList<>();
    for (int j = 0; j < c; j++) groups.add(Integer.toString(j));
    groups.add("mean");
    List<String> names = ms.stream().map(Measured::label).toList();
    double[][] tr = new double[ms.size()][], te = new double[ms.size()][];
    for (int s = 0; s < ms.size(); s++) {
      tr[s] = withMean(ms.get(s).train());
      te[s] = withMean(ms.get(s).test());
    }
    BarChart.write(exp.out.resolve("mean-angle.png"), "[W-Softmax] Fig. 5: mean angle between class features and w_j",
        List.of(new BarChart.Panel("train features", "class j (and the mean over classes)", "mean angle to w_j (degrees)", groups, names, tr),
            new BarChart.Panel("test features", "class j (and the mean over classes)", "mean angle to w_j (degrees)", groups, names, te)), 640, 460);
    Map<String, Object> settings = new LinkedHashMap<>();
    if (source.runs.isEmpty()) {
      settings.putAll(exp.train.describe());
      settings.put("feature_dim", dim.featureDim == 0 ? "model default" : dim.featureDim);
      settings.put("classes", source.classes == 0 ? "all" : source.classes);
    }
    settings.put("angle_limit", angleLimit == 0 ? "all" : angleLimit);
    for (Measured m : ms) settings.put("source " + m.label(), m.source() + " (test accuracy " + ExperimentReport.cell(m.testAccuracy()) + ")");
    String notes = "θ̄_j = mean over the class-j samples of arccos(x_iᵀw_j / (‖x_i‖‖w_j‖)) in degrees ([W-Softmax], Eq. 14),"
        + " features in eval mode; \"mean\" averages the classes. w_j is the head's weight column (EM-Softmax: the sum of its"
        + " classifiers; the fixed simplex head: the simplex columns). An all-zero feature (possible after LeNet's final ReLU)"
        + " counts as 90°. [W-Softmax] finds smaller angles for W-Softmax than softmax, shrinking as α grows, and train"
        + " angles slightly below test angles.";
    Map<String, Object> extra = new LinkedHashMap<>();
    List<Map<String, Object>> per = new ArrayList<>();
    for (Measured m : ms)
      per.add(new LinkedHashMap<>(Map.of("label", m.label(), "source", m.source(), "test_accuracy", m.testAccuracy(),
          "mean_train_deg", MeanAngle.average(m.train()), "mean_test_deg", MeanAngle.average(m.test()))));
    extra.put("networks", per);
    ExperimentReport.write(exp.out, log, "mean-angle", "Mean angle between features and class weights ([W-Softmax], Eq. 14 / Fig. 5)",
        exp.commandLine(), settings, header, rows,
        "mean-angle.csv", "mean-angle.png", notes, extra);
    return 0;
  }

  private static double[] withMean(double[] a) {
    double[] r = java.util.Arrays.copyOf(a, a.length + 1);
    r[a.length] = MeanAngle.average(a);
    return r;
  }
}
