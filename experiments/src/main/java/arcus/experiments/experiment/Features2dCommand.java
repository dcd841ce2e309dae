package arcus.experiments.experiment;

import arcus.experiments.report.Csv;
import arcus.experiments.report.ScatterPlot;
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
 * {@code arcus experiment features-2d}: [AngularNet]'s 2-D feature visualisation — train with a
 * two-dimensional feature layer, then scatter-plot the test features coloured by class with the
 * class weight directions drawn from the origin.
 */
@Command(name = "features-2d", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"[AngularNet]'s 2-D feature visualisation: test features by class with the class weight directions.",
        "Trains each loss with feature dimension 2 (or loads --run folders with d = 2) and scatter-plots",
        "the test features by class with the class weight directions.",
        "The model defaults to lenet-linear (LeNet's final ReLU kills 2-D features)."})
final class Features2dCommand implements Callable<Integer> {
  @Mixin ExperimentOptions exp = ExperimentOptions.of("features-2d", "softmax,normface,cosface,arcface,sphereface,wsoftmax");

  @Mixin RunsOrTraining source = new RunsOrTraining();

  @Option(names = "--points", defaultValue = "0", description = "plot at most this many test images (0 = all the run uses) (${DEFAULT-VALUE})")
  int points;

  @Override
  public Integer call() {
    var log = System.out;
    // LeNet ends in a ReLU: with two units its features die (all exactly 0), so this experiment
    // uses the linear feature layer of lenet-linear; a picture needs one seed.
    if (source.runs.isEmpty()) exp.resolve(Budget.LINEAR_LENET.withSeeds(1), Budget.PAPER.withSeeds(1));
    ExperimentReport.prepare(exp.out, exp.overwrite.overwrite);
    List<String> labels = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    List<Runs.Loaded> nets = new ArrayList<>();
    if (!source.runs.isEmpty()) {
      for (Path r : source.runs) {
        var cfg = Configs.fromRun(r);
        if (exp.train.data != null) cfg = Configs.withData(cfg, exp.train.data);
        nets.add(Runs.load(cfg, log));
        labels.add(cfg.loss() + (cfg.lossParams().isEmpty() ? "" : cfg.lossParams().toString()));
        sources.add(r.toString());
      }
    } else {
      for (LossSpec l : LossSpec.parseList(exp.losses)) {
        log.printf("%nfeatures-2d: training %s with d = 2%n", l.label());
        nets.add(Runs.trainAndLoad(exp.config(Runs.runDir(exp.out, l.slug()), l, 2, source.classes, exp.train.seed), log));
        labels.add(l.label());
        sources.add("runs/" + l.slug());
      }
    }
    List<ScatterPlot.Panel> panels = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    List<List<?>> rows = new ArrayList<>();
    for (int n = 0; n < nets.size(); n++) {
      var l = nets.get(n);
      var t = l.trainer();
      if (t.featureDim() != 2) throw new IllegalArgumentException(sources.get(n) + ": feature dimension is " + t.featureDim() + ", not 2");
      int c = t.classes();
      int cnt = Math.min(points > 0 ? points : Integer.MAX_VALUE, t.testData().n());
      int[] y = new int[cnt];
      double[][] f = Runs.features(l, t.testData(), cnt, y);
      double[][] w = MeanAngle.classWeights(t.loss(), l.state().headParams(), 2, c);
      double[][] dirs = new double[c][];
      for (int j = 0; j < c; j++) dirs[j] = new double[] {w[0][j], w[1][j]};
      double[] xs = new double[cnt], ys = new double[cnt];
      int zero = 0;
      for (int i = 0; i < cnt; i++) {
        xs[i] = f[i][0];
        ys[i] = f[i][1];
        if (xs[i] == 0 && ys[i] == 0) zero++;
        csv.add(List.of(labels.get(n), i, y[i], xs[i], ys[i]));
      }
      double acc = Runs.accuracy(l, f, y);
      double[] ang = MeanAngle.perClassDegrees(f, y, w);
      List<String> names = new ArrayList<>();
      for (int j = 0; j < c; j++) names.add("class " + j);
      panels.add(new ScatterPlot.Panel(labels.get(n) + String.format(java.util.Locale.ROOT, "  (test acc %.3f)", acc), xs, ys, y, names, dirs));
      rows.add(List.of(labels.get(n), t.config().model(), cnt, acc, MeanAngle.average(ang), zero, sources.get(n)));
    }
    Csv.write(exp.out.resolve("features.csv"), List.of("loss", "index", "label", "f1", "f2"), csv);
    String dataset = nets.get(0).config().dataset();
    ScatterPlot.write(exp.out.resolve("features-2d.png"), "2-D test features by class, lines = class weight directions (" + dataset + ")", panels, 560);
    Map<String, Object> settings = new LinkedHashMap<>();
    if (source.runs.isEmpty()) {
      settings.putAll(exp.train.describe());
      settings.put("feature_dim", 2);
      settings.put("classes", source.classes == 0 ? "all" : source.classes);
    }
    settings.put("points", points == 0 ? "all" : points);
    String notes = "features.csv holds every plotted point (loss, test index, label, f1, f2). The lines are the directions of"
        + " the class weights w_j (EM-Softmax: the sum of its classifiers; simplex: the simplex columns), drawn to the edge."
        + " The model defaults to lenet-linear (no ReLU after the 2-unit feature layer): LeNet ends in a ReLU, and with two"
        + " units its features collapse to exactly 0 (zero_features counts them).";
    ExperimentReport.write(exp.out, log, "features-2d", "2-D feature visualisation ([AngularNet])",
        exp.commandLine(), settings,
        List.of("loss", "model", "points", "test_accuracy", "mean_angle_test_deg", "zero_features", "run"), rows,
        "features-2d.csv", "features-2d.png", notes, Map.of());
    return 0;
  }
}
