package arcus.experiments.experiment;

import arcus.experiments.train.FeatureDimOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code arcus experiment loss-table}: [W-Softmax], Table 1 — every loss trained on the same
 * network and budget, test accuracy mean ± sd over seeds, the paper's number beside ours, and each
 * loss against softmax.
 */
@Command(name = "loss-table", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"[W-Softmax], Table 1: every loss on the same network, test accuracy over seeds, the paper's column beside ours.",
        "Trains each loss in --losses once per seed (--seeds) and compares each with the first (softmax by default).",
        "The fixed simplex head trains at d = k-1 (it only exists there); the others at --feature-dim."})
final class LossTableCommand implements Callable<Integer> {
  /** Every loss of the registry with its recipe's parameters; W-Softmax at the paper's three α. */
  static final String ALL = "softmax,normface,l2softmax,lsoftmax,sphereface,cosface,arcface,combined,"
      + "wsoftmax:alpha=0.5,wsoftmax:alpha=1,wsoftmax:alpha=1.5,emsoftmax,pureangular,hinge,center,simplex";

  @Mixin ExperimentOptions exp = ExperimentOptions.of("loss-table", ALL);

  @Mixin FeatureDimOption dim = new FeatureDimOption();

  /** [W-Softmax] Table 1 (MNIST, the L-Softmax CNN, batch 50), percent, by loss label. */
  static final Map<String, Double> PAPER = Map.of("hinge", 99.53, "softmax", 99.58, "lsoftmax", 99.69,
      "wsoftmax(alpha=0.5)", 99.64, "wsoftmax(alpha=1)", 99.67, "wsoftmax(alpha=1.5)", 99.69);

  @Override
  public Integer call() {
    var log = System.out;
    long t0 = System.nanoTime();
    exp.resolve(Budget.LINEAR_LENET, Budget.PAPER);
    List<LossSpec> ls = LossSpec.parseList(exp.losses);
    ExperimentReport.prepare(exp.out, exp.overwrite.overwrite);
    int k = 10;
    List<Stats.Summary> acc = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    List<List<?>> rows = new ArrayList<>();
    log.printf("loss-table: %d losses x %d seed(s) (%s, %d epoch(s), train limit %d)%n", ls.size(), exp.seeds, exp.train.net.model,
        exp.train.epochs, exp.train.trainLimit);
    for (int i = 0; i < ls.size(); i++) {
      LossSpec l = ls.get(i);
      int d = l.name().equals("simplex") ? k - 1 : dim.featureDim;
      log.printf("%n[%d/%d] %s%n", i + 1, ls.size(), l.label());
      Runs.SeedRuns r = Runs.trainSeeds(exp, l.slug(), l, d, 0, log);
      failures.addAll(r.failures());
      Stats.Summary s = r.summary();
      acc.add(s);
      Double paper = PAPER.get(l.label());
      rows.add(List.of(l.label(), d == 0 ? "model default" : Integer.toString(d), s.mean(), s.sd(), s.n() + "/" + r.seeds().length,
          r.perSeed(), paper == null ? "" : paper.toString()));
    }
    List<String> verdict = new ArrayList<>();
    for (int i = 1; i < ls.size(); i++) {
      Stats.Comparison c = Stats.compare(acc.get(0), acc.get(i));
      Double paper = PAPER.get(ls.get(i).label()), paperBase = PAPER.get(ls.get(0).label());
      String claim = paper == null || paperBase == null ? ""
          : String.format(java.util.Locale.ROOT, " Paper: %+.2f points (%s); ours %s.", paper - paperBase,
              paper > paperBase ? "better" : "worse",
              Math.signum(c.delta()) == Math.signum(paper - paperBase) && c.beyondSpread() ? "reproduced"
                  : Math.signum(c.delta()) == Math.signum(paper - paperBase) ? "in direction only (within the spread)" : "not reproduced");
      verdict.add(ls.get(i).label() + " vs " + ls.get(0).label() + ": " + acc.get(i).percent() + "% vs " + acc.get(0).percent() + "%, "
          + c.describePercent() + "." + claim);
    }
    List<String> names = ls.stream().map(LossSpec::label).toList();
    BarChart.write(exp.out.resolve("loss-table.png"), "[W-Softmax] Table 1: test accuracy per loss (" + exp.train.dataset + ", "
        + exp.train.net.model + ", mean of " + exp.seeds + " seeds)",
        List.of(new BarChart.Panel("", "loss", "test accuracy", names, List.of("mean over seeds"),
            new double[][] {acc.stream().mapToDouble(Stats.Summary::mean).toArray()})), 1100, 500);
    Map<String, Object> settings = new LinkedHashMap<>(exp.train.describe());
    settings.putAll(exp.budget.describe());
    settings.put("seeds", exp.seeds + " (" + exp.train.seed + " .. " + (exp.train.seed + exp.seeds - 1) + ")");
    settings.put("feature_dim", dim.featureDim == 0 ? "model default (simplex: k-1)" : dim.featureDim + " (simplex: k-1)");
    settings.put("losses", exp.losses);
    settings.put("wall_time", ExperimentReport.minutes(t0));
    String notes = "Each loss with its registry defaults (docs/losses.md) unless its spec sets parameters; W-Softmax and hinge train"
        + " the first half of their steps with softmax (W-Softmax as [W-Softmax] does; hinge: docs/losses.md; --warmup-epochs 0"
        + " trains both from scratch). paper_percent is [W-Softmax] Table 1 (MNIST, the"
        + " L-Softmax CNN, batch 50): their network and 99%+ regime, not this budget, so compare directions, not levels.";
    List<String> header = List.of("loss", "feature_dim", "test_accuracy_mean", "test_accuracy_sd", "runs", "per_seed_percent", "paper_percent");
    ExperimentReport.write(exp.out, log, "loss-table", "Every loss on one network ([W-Softmax], Table 1)",
        exp.commandLine(), settings, header, rows,
        "loss-table.csv", "loss-table.png", ExperimentReport.verdictSection(exp.budget, verdict, failures) + notes,
        Map.of("verdict", verdict, "failed_runs", failures));
    return 0;
  }
}
