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
        "The simplex loss (fixed regular-simplex head) runs at d = k-1 only. Each setting runs with --seeds seeds;",
    "the verdict compares every d with d = k-1 (mean +- sd over the seeds)."})
final class FcUnitsCommand implements Callable<Integer> {
  @Mixin ExperimentOptions exp = ExperimentOptions.of("fc-units", "softmax,wsoftmax,simplex");

  @Option(names = "--classes", defaultValue = "10,5", description = "class counts k: the first k classes, e.g. 5..10 or 5,10 (${DEFAULT-VALUE})")
  String classes = "10,5";

  @Option(names = "--dims", defaultValue = "2,k-2..k,2k,256",
      description = "feature dimensions d; k = the class count: integers, a..b, k, k+n, k-n, nk (${DEFAULT-VALUE})")
  String dims = "2,k-2..k,2k,256";

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
      for (int d : IntSpec.parse(dims, k).stream().sorted().toList()) {
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
    long t0 = System.nanoTime();
    exp.resolve(Budget.LINEAR_LENET, Budget.PAPER);
    List<LossSpec> ls = LossSpec.parseList(exp.losses);
    List<Planned> plan = plan(IntSpec.parse(classes), dims, ls);
    ExperimentReport.prepare(exp.out, exp.overwrite.overwrite);
    int bytes = DType.parse(exp.train.dtype) == DType.F64 ? 8 : 4;
    List<String> header = List.of("k", "d", "loss", "d_is_k_minus_1", "test_accuracy_mean", "test_accuracy_sd", "runs",
        "per_seed_percent", "fc_parameters", "fc_memory_kib");
    List<List<?>> rows = new ArrayList<>();
    Map<Planned, Stats.Summary> acc = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    log.printf("fc-units: %d settings x %d seed(s) (%s, %d epoch(s), train limit %d)%n", plan.size(), exp.seeds, exp.train.net.model,
        exp.train.epochs, exp.train.trainLimit);
    int i = 0;
    for (Planned p : plan) {
      log.printf("%n[%d/%d] k = %d, d = %d, %s%n", ++i, plan.size(), p.k(), p.d(), p.loss().label());
      Runs.SeedRuns r = Runs.trainSeeds(exp, p.name(), p.loss(), p.d(), p.k(), log);
      failures.addAll(r.failures());
      Stats.Summary sum = r.summary();
      acc.put(p, sum);
      long fc = fcParameters(exp.train.net.model, p.d(), p.loss(), p.k());
      rows.add(List.of(p.k(), p.d(), p.loss().label(), p.d() == p.k() - 1 ? "yes" : "", sum.mean(), sum.sd(),
          sum.n() + "/" + r.seeds().length, r.perSeed(), fc, fc * bytes / 1024.0));
    }
    // plot: mean accuracy vs d and memory vs d, one series per (k, loss), the line d = k-1 marked
    List<LinePlot.Series> accS = new ArrayList<>(), memS = new ArrayList<>();
    double lo = 1, hi = 0;
    for (Stats.Summary a : acc.values()) {
      if (a.n() > 0) {
        lo = Math.min(lo, a.mean());
        hi = Math.max(hi, a.mean());
      }
    }
    List<Integer> ks = plan.stream().map(Planned::k).distinct().toList();
    List<String> verdict = new ArrayList<>();
    for (int k : ks) {
      for (LossSpec l : ls) {
        List<Planned> sel = plan.stream().filter(p -> p.k() == k && p.loss().equals(l)).sorted(java.util.Comparator.comparingInt(Planned::d)).toList();
        if (sel.isEmpty()) continue;
        String name = (ks.size() > 1 ? "k=" + k + " " : "") + l.label();
        double[] x = sel.stream().mapToDouble(Planned::d).toArray();
        accS.add(new LinePlot.Series(name, x, sel.stream().mapToDouble(p -> acc.get(p).mean()).toArray()));
        memS.add(new LinePlot.Series(name, x, sel.stream().mapToDouble(p -> fcParameters(exp.train.net.model, p.d(), l, k) * bytes / 1024.0).toArray()));
        verdict.add(verdict(k, l, sel, acc));
      }
      if (hi >= lo) accS.add(new LinePlot.Series("d = k-1" + (ks.size() > 1 ? " (k=" + k + ")" : ""), new double[] {k - 1, k - 1}, new double[] {lo, hi}));
    }
    LinePlot.writeLogX(exp.out.resolve("fc-units.png"), "[W-Softmax] Fig. 4: FC units d vs accuracy and memory (" + exp.train.dataset + ", " + exp.train.net.model
        + ", mean of " + exp.seeds + " seeds)",
        List.of(new LinePlot.Panel("test accuracy (mean over seeds)", "feature dimension d (FC units, log scale)", "accuracy", accS),
            new LinePlot.Panel("FC + classifier parameters", "feature dimension d (FC units, log scale)", "KiB", memS)), 1200, 500);
    Map<String, Object> settings = new LinkedHashMap<>(exp.train.describe());
    settings.putAll(exp.budget.describe());
    settings.put("seeds", exp.seeds + " (" + exp.train.seed + " .. " + (exp.train.seed + exp.seeds - 1) + ")");
    settings.put("classes", classes);
    settings.put("dims", dims);
    settings.put("losses", exp.losses);
    settings.put("wall_time", ExperimentReport.minutes(t0));
    String notes = "Each setting is trained once per seed; its `arcus train` run folders are `runs/<loss>-k<k>-d<d>-s<seed>/`."
        + " test_accuracy is the last epoch's, mean and sample standard deviation over the seeds; a diverged run is listed"
        + " and left out of the mean. fc_parameters counts the learned parameters of the"
        + " FC layer that outputs the d features (weights and bias; for lsoftmax-mnist also its PReLU and batch norm) plus the"
        + " classifier head (the fixed simplex head has none); fc_memory_kib = parameters × " + bytes + " bytes / 1024."
        + " [W-Softmax] (Section 3): k classes need d ≥ k−1 FC units to be equally separable; accuracy should rise up to"
        + " d = k−1 and stay flat beyond it while memory keeps growing. \"Beyond the spread\": the gap between two means"
        + " exceeds the sum of their standard deviations.";
    ExperimentReport.write(exp.out, log, "fc-units", "FC units vs accuracy ([W-Softmax], Fig. 4)",
        exp.commandLine(), settings, header, rows,
        "fc-units.csv", "fc-units.png", ExperimentReport.verdictSection(exp.budget, verdict, failures) + notes,
        Map.of("verdict", verdict, "failed_runs", failures));
    return 0;
  }

  /**
   * The claim for one (k, loss): below d = k − 1 the accuracy is lower than at k − 1 (beyond the
   * spread), and above it no d is better beyond the spread.
   */
  static String verdict(int k, LossSpec l, List<Planned> sel, Map<Planned, Stats.Summary> acc) {
    Planned at = sel.stream().filter(p -> p.d() == k - 1).findFirst().orElse(null);
    String who = "k = " + k + ", " + l.label();
    if (at == null || acc.get(at).n() == 0) return who + ": no run at d = k-1 = " + (k - 1) + ", no verdict.";
    Stats.Summary ref = acc.get(at);
    StringBuilder sb = new StringBuilder(who).append(": at d = ").append(k - 1).append(' ').append(ref.percent()).append('%');
    boolean belowLower = true, aboveFlat = true;
    int nBelow = 0, nAbove = 0;
    for (Planned p : sel) {
      if (p.d() == k - 1 || acc.get(p).n() == 0) continue;
      Stats.Comparison c = Stats.compare(ref, acc.get(p));
      sb.append("; d = ").append(p.d()).append(": ").append(c.describePercent());
      if (p.d() < k - 1) {
        nBelow++;
        belowLower &= c.delta() < 0 && c.beyondSpread();
      } else {
        nAbove++;
        aboveFlat &= !(c.delta() > 0 && c.beyondSpread());
      }
    }
    sb.append(". Verdict: ");
    sb.append(nBelow == 0 ? "no d below k-1 measured" : belowLower ? "every d < k-1 is worse beyond the spread (reproduced)"
        : "not every d < k-1 is worse beyond the spread (not reproduced)");
    sb.append("; ");
    sb.append(nAbove == 0 ? "no d above k-1 measured" : aboveFlat ? "no d > k-1 is better beyond the spread (flat: reproduced)"
        : "some d > k-1 is better beyond the spread (not flat: not reproduced)");
    return sb.append('.').toString();
  }
}
