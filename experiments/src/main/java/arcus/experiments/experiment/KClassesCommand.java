package arcus.experiments.experiment;

import arcus.experiments.train.FeatureDimOption;
import arcus.experiments.report.LinePlot;
import arcus.experiments.train.TrainConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code arcus experiment k-classes}: [W-Softmax], Table 4 — test accuracy per (loss, k) on the first k classes. */
@Command(name = "k-classes", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"[W-Softmax], Table 4: test accuracy per loss and number of classes k.",
        "Trains each loss on the first k classes for every k in --classes and tabulates test accuracy per (loss, k)."})
final class KClassesCommand implements Callable<Integer> {
  @Mixin ExperimentOptions exp = ExperimentOptions.of("k-classes", "softmax,wsoftmax");

  @Option(names = "--classes", defaultValue = "5..10", description = "class counts k, e.g. 5..10 or 5,7,10 (${DEFAULT-VALUE})")
  String classes = "5..10";

  @Mixin FeatureDimOption dim = new FeatureDimOption();

  @Override
  public Integer call() {
    var log = System.out;
    List<LossSpec> ls = LossSpec.parseList(exp.losses);
    List<Integer> ks = IntSpec.parse(classes);
    for (int k : ks) if (k < 2) throw new IllegalArgumentException("--classes: k must be >= 2, got " + k);
    ExperimentReport.prepare(exp.out, exp.overwrite.overwrite);
    double[][] acc = new double[ls.size()][ks.size()];
    int i = 0, total = ls.size() * ks.size();
    for (int ki = 0; ki < ks.size(); ki++) {
      for (int li = 0; li < ls.size(); li++) {
        int k = ks.get(ki);
        log.printf("%n[%d/%d] k = %d, %s%n", ++i, total, k, ls.get(li).label());
        TrainConfig cfg = exp.train.config(Runs.runDir(exp.out, ls.get(li).slug() + "-k" + k), ls.get(li), dim.featureDim, k);
        acc[li][ki] = Runs.train(cfg, log);
      }
    }
    List<String> header = new ArrayList<>(List.of("loss"));
    for (int k : ks) header.add("k=" + k);
    List<List<?>> rows = new ArrayList<>();
    List<LinePlot.Series> series = new ArrayList<>();
    double[] kx = ks.stream().mapToDouble(Integer::doubleValue).toArray();
    for (int li = 0; li < ls.size(); li++) {
      List<Object> r = new ArrayList<>(List.of(ls.get(li).label()));
      for (double a : acc[li]) r.add(a);
      rows.add(r);
      series.add(new LinePlot.Series(ls.get(li).label(), kx, acc[li]));
    }
    LinePlot.write(exp.out.resolve("k-classes.png"), "[W-Softmax] Table 4: test accuracy vs number of classes k (" + exp.train.dataset + ", " + exp.train.net.model + ")",
        List.of(new LinePlot.Panel("", "number of classes k (the first k)", "test accuracy", series)), 800, 500);
    Map<String, Object> settings = new LinkedHashMap<>(exp.train.describe());
    settings.put("feature_dim", dim.featureDim == 0 ? "model default" : dim.featureDim);
    settings.put("classes", classes);
    settings.put("losses", exp.losses);
    String notes = "Accuracy is the last epoch's test accuracy of each run (run folders under `runs/<loss>-k<k>/`), on the"
        + " test images of the first k classes (after --test-limit). [W-Softmax] reports that accuracy falls as k grows and"
        + " that W-Softmax's gain over softmax grows with k.";
    ExperimentReport.write(exp.out, log, "k-classes", "Accuracy per number of classes ([W-Softmax], Table 4)",
        exp.commandLine(), settings, header, rows,
        "k-classes.csv", "k-classes.png", notes, Map.of());
    return 0;
  }
}
