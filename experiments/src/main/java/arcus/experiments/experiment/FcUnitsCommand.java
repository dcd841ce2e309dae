package arcus.experiments.experiment;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.experiments.report.LinePlot;
import arcus.experiments.train.TrainConfig;
import arcus.losses.Losses;
import arcus.nn.models.Models;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code arcus experiment fc-units}: [W-Softmax], Fig. 4 — test accuracy and classifier + FC
 * parameter memory against the feature dimension d (the number of FC units), for k classes; the
 * simplex theorem says d = k − 1 is the smallest d at which k classes can be equally separated.
 */
@Command(name = "fc-units", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"[W-Softmax], Fig. 4: test accuracy and FC memory against the feature dimension d.",
        "Trains the same network with each feature dimension d in a list, for the first k classes, and reports",
        "test accuracy and FC + classifier parameter memory against d (d = k-1 marked).",
        "The simplex loss (fixed regular-simplex head) runs at d = k-1 only."})
final class FcUnitsCommand implements Callable<Integer> {
  @Mixin ExperimentOptions exp = ExperimentOptions.of("fc-units", "softmax,wsoftmax");

  @Option(names = "--classes", defaultValue = "10", description = "class counts k: the first k classes, e.g. 5..10 or 5,10 (${DEFAULT-VALUE})")
  String classes = "10";

  @Option(names = "--dims", defaultValue = "k-3..k+2,2k,5k",
      description = "feature dimensions d; k = the class count: integers, a..b, k, k+n, k-n, nk (${DEFAULT-VALUE})")
  String dims = "k-3..k+2,2k,5k";

  /** One training run of the sweep. */
  record Planned(int k, int d, LossSpec loss) {
    String name() {
      return loss.slug() + "-k" + k + "-d" + d;
    }
  }

  /** The sweep: every (k, d, loss) with d ≥ 1; the fixed simplex head only where d = k − 1. */
  static List<Planned> plan(List<Integer> ks, String dims, List<LossSpec> losses) {
    List<Planned> out = new ArrayList<>();
    for (int k : ks) {
      if (k < 2) throw new IllegalArgumentException("--classes: k must be >= 2, got " + k);
      for (int d : IntSpec.parse(dims, k)) {
        if (d < 1) continue;
        for (LossSpec l : losses) {
          if (l.name().equals("simplex") && d != k - 1) continue;
          out.add(new Planned(k, d, l));
        }
      }
    }
    if (out.isEmpty()) throw new IllegalArgumentException("the sweep is empty: no d >= 1 in --dims " + dims);
    return out;
  }

  /**
   * Learned parameters of the FC layer that produces the features (model entries named fc, *_fc)
   * and of the classifier head; the frozen simplex head has none.
   */
  static long fcParameters(String model, int d, LossSpec loss, int k) {
    Params mp = Models.create(model, d).features().init(new Rng(0), DType.F32);
    long n = 0;
    for (var e : mp.asMap().entrySet()) {
      String first = e.getKey().split("\\.")[0];
      if (first.equals("fc") || first.endsWith("_fc")) n += e.getValue().shape().size();
    }
    return n + Losses.create(loss.name(), loss.params()).init(new Rng(0), DType.F32, d, k).count();
  }

  @Override
  public Integer call() {
    var log = System.out;
    List<LossSpec> ls = LossSpec.parseList(exp.losses);
    List<Planned> plan = plan(IntSpec.parse(classes), dims, ls);
    ExperimentReport.prepare(exp.out, exp.overwrite.overwrite);
    int bytes = DType.parse(exp.train.dtype) == DType.F64 ? 8 : 4;
    List<String> header = List.of("k", "d", "loss", "d_is_k_minus_1", "test_accuracy", "fc_parameters", "fc_memory_kib", "run");
    List<List<?>> rows = new ArrayList<>();
    log.printf("fc-units: %d training runs (%s, %d epoch(s), train limit %d)%n", plan.size(), exp.train.net.model, exp.train.epochs, exp.train.trainLimit);
    int i = 0;
    for (Planned p : plan) {
      log.printf("%n[%d/%d] k = %d, d = %d, %s%n", ++i, plan.size(), p.k(), p.d(), p.loss().label());
      TrainConfig cfg = exp.train.config(Runs.runDir(exp.out, p.name()), p.loss(), p.d(), p.k());
      double acc = Runs.train(cfg, log);
      long fc = fcParameters(exp.train.net.model, p.d(), p.loss(), p.k());
      rows.add(List.of(p.k(), p.d(), p.loss().label(), p.d() == p.k() - 1 ? "yes" : "", acc, fc, fc * bytes / 1024.0,
          "runs/" + p.name()));
    }
    // plot: accuracy vs d and memory vs d, one series per (k, loss), the line d = k-1 marked
    List<LinePlot.Series> accS = new ArrayList<>(), memS = new ArrayList<>();
    double lo = 1, hi = 0;
    for (List<?> r : rows) {
      double a = (Double) r.get(4);
      if (Double.isFinite(a)) {
        lo = Math.min(lo, a);
        hi = Math.max(hi, a);
      }
    }
    List<Integer> ks = plan.stream().map(Planned::k).distinct().toList();
    for (int k : ks) {
      for (LossSpec l : ls) {
        List<List<?>> sel = rows.stream().filter(r -> (Integer) r.get(0) == k && r.get(2).equals(l.label())).toList();
        if (sel.isEmpty()) continue;
        String name = (ks.size() > 1 ? "k=" + k + " " : "") + l.label();
        double[] x = sel.stream().mapToDouble(r -> (Integer) r.get(1)).toArray();
        accS.add(new LinePlot.Series(name, x, sel.stream().mapToDouble(r -> (Double) r.get(4)).toArray()));
        memS.add(new LinePlot.Series(name, x, sel.stream().mapToDouble(r -> (Double) r.get(6)).toArray()));
      }
      if (hi >= lo) accS.add(new LinePlot.Series("d = k-1" + (ks.size() > 1 ? " (k=" + k + ")" : ""), new double[] {k - 1, k - 1}, new double[] {lo, hi}));
    }
    LinePlot.write(exp.out.resolve("fc-units.png"), "[W-Softmax] Fig. 4: FC units d vs accuracy and memory (" + exp.train.dataset + ", " + exp.train.net.model + ")",
        List.of(new LinePlot.Panel("test accuracy", "feature dimension d (FC units)", "accuracy", accS),
            new LinePlot.Panel("FC + classifier parameters", "feature dimension d (FC units)", "KiB", memS)), 1200, 500);
    Map<String, Object> settings = new LinkedHashMap<>(exp.train.describe());
    settings.put("classes", classes);
    settings.put("dims", dims);
    settings.put("losses", exp.losses);
    String notes = "Each row is an `arcus train` run folder under `runs/`. fc_parameters counts the learned parameters of the"
        + " FC layer that outputs the d features (weights and bias; for lsoftmax-mnist also its PReLU and batch norm) plus the"
        + " classifier head (the fixed simplex head has none); fc_memory_kib = parameters × " + bytes + " bytes / 1024."
        + " [W-Softmax] (Section 3): k classes need d ≥ k−1 FC units to be equally separable; accuracy should rise up to"
        + " d = k−1 and stay flat beyond it while memory keeps growing.";
    ExperimentReport.write(exp.out, log, "fc-units", "FC units vs accuracy ([W-Softmax], Fig. 4)",
        exp.commandLine(), settings, header, rows,
        "fc-units.csv", "fc-units.png", notes, Map.of());
    return 0;
  }
}
