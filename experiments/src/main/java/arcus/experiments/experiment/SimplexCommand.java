package arcus.experiments.experiment;

import arcus.experiments.report.Csv;
import arcus.experiments.report.LinePlot;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code arcus experiment simplex}: the minimum-FC-units theorem of [W-Softmax] (Section 3) as an
 * experiment. (a) For k classes and each d, gradient descent looks for k unit vectors in R^d with
 * the smallest largest pairwise cosine ({@link SphereCode}); the theorem says −1/(k−1) is reached
 * exactly when d ≥ k − 1. (b) At d = k − 1, the fixed regular-simplex head is trained against a
 * learned cosine head with the same scale (normface) and softmax.
 */
@Command(name = "simplex", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"[W-Softmax], Section 3: k classes need d >= k-1 feature units (the regular simplex).",
        "(a) For each k in --classes and d in --dims, gradient descent (Arcus autodiff, float64) on k unit vectors in R^d",
        "minimises their largest pairwise cosine from --restarts random starts; the theorem: the bound -1/(k-1) is reached",
        "for d >= k-1 and not below. (b) At d = k-1, trains each loss in --losses (the fixed simplex head, a learned",
        "cosine head normface with the same scale, softmax) once per seed, and measures how close the learned class",
        "weights get to the simplex. --quick and --no-training run (a) only."})
final class SimplexCommand implements Callable<Integer> {
  @Mixin ExperimentOptions exp = ExperimentOptions.of("simplex", "simplex,normface,softmax");

  @Option(names = "--classes", defaultValue = "5,10", description = "class counts k, e.g. 5,10 or 3..10 (${DEFAULT-VALUE})")
  String classes = "5,10";

  @Option(names = "--dims", defaultValue = "k-3..k",
      description = "dimensions d of the optimisation, in the class count k: integers, a..b, k, k+n, k-n, nk; d < 1 is skipped (${DEFAULT-VALUE})")
  String dims = "k-3..k";

  @Option(names = "--restarts", defaultValue = "5", description = "random starts per (k, d), with seeds --seed, --seed+1, ... (${DEFAULT-VALUE})")
  int restarts = 5;

  @Option(names = "--steps", defaultValue = "3000", description = "gradient steps per start (${DEFAULT-VALUE})")
  int steps = SphereCode.DEFAULT.steps();

  @Option(names = "--tolerance", defaultValue = "1e-4",
      description = "the bound counts as reached within this much, and as missed beyond it (${DEFAULT-VALUE})")
  double tolerance = 1e-4;

  @Option(names = "--no-training", description = "run the optimisation (a) only")
  boolean noTraining;

  /** The largest pairwise cosine each start reached for k vectors in R^d. */
  record Reached(int k, int d, double[] maxCos) {
    double best() {
      return Arrays.stream(maxCos).min().orElse(Double.NaN);
    }

    double gap() {
      return best() - SphereCode.bound(k);
    }
  }

  /** Descends once per seed for k vectors in R^d. */
  static Reached reach(SphereCode sc, int k, int d, long[] seeds) {
    double[] m = new double[seeds.length];
    for (int i = 0; i < seeds.length; i++) m[i] = SphereCode.maxCosine(sc.minimise(k, d, seeds[i]));
    return new Reached(k, d, m);
  }

  /**
   * The theorem for one k: every d ≥ k − 1 reaches −1/(k−1) within {@code tol}, and every
   * d < k − 1 stays above it by more than {@code tol}.
   */
  static String verdict(int k, List<Reached> rs, double tol) {
    List<Reached> enough = rs.stream().filter(r -> r.d() >= k - 1).toList(), tooFew = rs.stream().filter(r -> r.d() < k - 1).toList();
    List<String> wrong = new ArrayList<>();
    for (Reached r : enough) if (!(Math.abs(r.gap()) <= tol)) wrong.add("d = " + r.d() + " misses the bound by " + sci(r.gap()));
    for (Reached r : tooFew) if (!(r.gap() > tol)) wrong.add("d = " + r.d() + " comes within " + sci(r.gap()) + " of it");
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "(a) k = %d, bound −1/(k−1) = %.6f, tolerance %s: ", k, SphereCode.bound(k), sci(tol)));
    sb.append(enough.isEmpty() ? "no d >= k-1 optimised" : "d >= " + (k - 1) + " best gaps " + gaps(enough));
    sb.append("; ").append(tooFew.isEmpty() ? "no d < k-1 optimised" : "d < " + (k - 1) + " best gaps " + gaps(tooFew));
    sb.append(". Verdict: ");
    if (enough.isEmpty() || tooFew.isEmpty()) sb.append(wrong.isEmpty() ? "in part only (one side of d = k-1 not tried)" : "not reproduced: " + String.join(", ", wrong));
    else sb.append(wrong.isEmpty() ? "reproduced (the bound is reached exactly from d = k-1 on)" : "not reproduced: " + String.join(", ", wrong));
    return sb.append('.').toString();
  }

  private static String gaps(List<Reached> rs) {
    StringBuilder sb = new StringBuilder();
    for (Reached r : rs) sb.append(sb.isEmpty() ? "" : ", ").append(r.d()).append(": ").append(sci(r.gap()));
    return sb.toString();
  }

  static String sci(double v) {
    return String.format(Locale.ROOT, "%.1e", v);
  }

  /** One loss trained at d = k − 1: accuracy per seed and the largest cosine between its trained class weights. */
  record Trained(int k, LossSpec loss, Runs.SeedRuns runs, Stats.Summary headMaxCos) {}

  @Override
  public Integer call() {
    PrintStream log = System.out;
    long t0 = System.nanoTime();
    exp.resolve(Budget.LINEAR_LENET, Budget.PAPER);
    if (restarts < 1) throw new IllegalArgumentException("--restarts must be >= 1, got " + restarts);
    if (!(tolerance > 0)) throw new IllegalArgumentException("--tolerance must be > 0, got " + tolerance);
    SphereCode sc = new SphereCode(steps, SphereCode.DEFAULT.beta0(), SphereCode.DEFAULT.beta1(), SphereCode.DEFAULT.lr());
    List<Integer> ks = IntSpec.parse(classes);
    for (int k : ks) if (k < 2) throw new IllegalArgumentException("--classes: k must be >= 2, got " + k);
    boolean training = !noTraining && exp.budget != Budget.QUICK;
    List<LossSpec> losses = training ? LossSpec.parseList(exp.losses) : List.of();
    ExperimentReport.prepare(exp.out, exp.overwrite.overwrite);
    long[] seeds = new long[restarts];
    for (int i = 0; i < restarts; i++) seeds[i] = exp.train.seed + i;

    // (a) the optimisation
    List<Reached> reached = new ArrayList<>();
    List<int[]> plan = new ArrayList<>();
    for (int k : ks) for (int d : IntSpec.parse(dims, k).stream().sorted().toList()) if (d >= 1) plan.add(new int[] {k, d});
    if (plan.isEmpty()) throw new IllegalArgumentException("--dims " + dims + " gives no d >= 1");
    log.printf("simplex (a): %d (k, d) settings x %d start(s), %d steps each%n", plan.size(), restarts, steps);
    for (int[] kd : plan) {
      long t = System.nanoTime();
      Reached r = reach(sc, kd[0], kd[1], seeds);
      reached.add(r);
      log.printf("[%d/%d] k = %d, d = %d: best max cosine %.6f (bound %.6f, gap %s), %.1f s%n", reached.size(), plan.size(), kd[0], kd[1],
          r.best(), SphereCode.bound(kd[0]), sci(r.gap()), (System.nanoTime() - t) / 1e9);
    }
    List<String> header = List.of("k", "d", "d_ge_k_minus_1", "best_max_cos", "mean_max_cos", "sd_max_cos", "restarts", "bound", "gap",
        "known_optimum", "best_minus_known");
    List<List<?>> rows = new ArrayList<>();
    for (Reached r : reached) {
      Stats.Summary s = Stats.of(r.maxCos());
      double known = SphereCode.knownOptimum(r.k(), r.d());
      rows.add(List.of(r.k(), r.d(), r.d() >= r.k() - 1 ? "yes" : "", fixed(r.best()), fixed(s.mean()), sci(s.sd()), r.maxCos().length,
          fixed(SphereCode.bound(r.k())), sci(r.gap()), Double.isNaN(known) ? "unknown" : fixed(known),
          Double.isNaN(known) ? "" : sci(r.best() - known)));
    }
    List<String> verdict = new ArrayList<>();
    for (int k : ks) verdict.add(verdict(k, reached.stream().filter(r -> r.k() == k).toList(), tolerance));
    plot(reached, ks);

    // (b) the training
    List<Trained> trained = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    if (training) {
      int i = 0, total = ks.size() * losses.size();
      log.printf("%nsimplex (b): %d settings x %d seed(s) at d = k-1 (%s, %d epoch(s), train limit %d)%n", total, exp.seeds,
          exp.train.net.model, exp.train.epochs, exp.train.trainLimit);
      for (int k : ks)
        for (LossSpec l : losses) {
          log.printf("%n[%d/%d] k = %d, d = %d, %s%n", ++i, total, k, k - 1, l.label());
          trained.add(train(k, l, log));
          failures.addAll(trained.getLast().runs().failures());
        }
      for (int k : ks) verdict.addAll(trainingVerdict(trained.stream().filter(t -> t.k() == k).toList()));
    }

    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("classes", classes);
    settings.put("dims", dims);
    settings.put("restarts", restarts + " (seeds " + seeds[0] + " .. " + seeds[restarts - 1] + ")");
    settings.put("optimiser", String.format(Locale.ROOT, "%d steps, sharpness β %g → %g (geometric), step %g/β, float64", steps, sc.beta0(),
        sc.beta1(), sc.lr()));
    settings.put("tolerance", sci(tolerance));
    if (training) {
      settings.putAll(exp.train.describe());
      settings.putAll(exp.budget.describe());
      settings.put("seeds", exp.seeds + " (" + exp.train.seed + " .. " + (exp.train.seed + exp.seeds - 1) + ")");
      settings.put("losses", exp.losses);
    } else {
      settings.put("training", noTraining ? "off (--no-training)" : "off (--quick runs the optimisation only)");
    }
    settings.put("wall_time", ExperimentReport.minutes(t0));
    String notes = "**(a) Optimisation.** Each start draws k Gaussian vectors in R^d and runs gradient descent (Arcus autodiff, float64) on"
        + " the smooth maximum (1/β) log Σ_{i<j} exp(β cos_ij) of the pairwise cosines, with β rising geometrically, the step"
        + " lr/β, and the vectors put back on the unit sphere after every step; the table gives the largest pairwise cosine"
        + " reached (best and mean ± sd over the starts), the bound −1/(k−1) and gap = best − bound. known_optimum: −1/(k−1)"
        + " for d ≥ k−1 (the regular simplex); the regular k-gon cos(2π/k) in R^2; 0 for k/2 ≤ d < k−1 (at most d + 1 vectors"
        + " in R^d have pairwise negative cosines, and ±e_i reach 0); in R^1 the vectors can only sit at ±1, so they are split"
        + " between the two instead of descending. [W-Softmax]: the bound is reached exactly when d ≥ k−1.\n";
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("verdict", verdict);
    extra.put("failed_runs", failures);
    extra.put("optimisation", reached.stream().map(r -> Map.of("k", r.k(), "d", r.d(), "max_cos_per_start", r.maxCos(), "bound",
        SphereCode.bound(r.k()))).toList());
    if (training) notes += trainingSection(trained, extra);
    ExperimentReport.write(exp.out, log, "simplex", "The regular simplex: k classes need d ≥ k−1 ([W-Softmax], Section 3)",
        exp.commandLine(), settings, header, rows, "simplex.csv", "simplex.png",
        // --quick runs the whole optimisation, so its verdict lines stand: only a quick training gets the pipeline-check warning
        ExperimentReport.verdictSection(training ? exp.budget : null, verdict, failures) + notes, extra);
    return 0;
  }

  /** Values for summary.json: a diverged run's NaN as null. */
  private static List<Double> finite(double[] xs) {
    return Arrays.stream(xs).mapToObj(x -> Double.isFinite(x) ? x : null).toList();
  }

  private static String fixed(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }

  private void plot(List<Reached> reached, List<Integer> ks) {
    List<LinePlot.Series> series = new ArrayList<>();
    for (int k : ks) {
      List<Reached> rs = reached.stream().filter(r -> r.k() == k).toList();
      if (rs.isEmpty()) continue;
      double[] x = rs.stream().mapToDouble(Reached::d).toArray();
      series.add(new LinePlot.Series("k = " + k + ": reached (best of " + restarts + ")", x, rs.stream().mapToDouble(Reached::best).toArray()));
      series.add(new LinePlot.Series("k = " + k + ": bound −1/(k−1)", new double[] {x[0], x[x.length - 1]},
          new double[] {SphereCode.bound(k), SphereCode.bound(k)}));
    }
    LinePlot.write(exp.out.resolve("simplex.png"), "[W-Softmax] Section 3: largest pairwise cosine of k unit vectors in R^d",
        List.of(new LinePlot.Panel("", "dimension d", "largest pairwise cosine (minimised)", series)), 800, 500);
  }

  /** Trains one loss at d = k − 1 once per seed, then reloads each run to read its class weights. */
  private Trained train(int k, LossSpec l, PrintStream log) {
    String name = l.slug() + "-k" + k;
    Runs.SeedRuns r = Runs.trainSeeds(exp, name, l, k - 1, k, log);
    double[] cos = new double[r.seeds().length];
    for (int i = 0; i < cos.length; i++) {
      cos[i] = Double.NaN;
      if (!Double.isFinite(r.accuracy()[i])) continue;
      var dir = Runs.runDir(exp.out, name + "-s" + r.seeds()[i]);
      var cfg = exp.config(dir, l, k - 1, k, r.seeds()[i]).toBuilder().resume(dir.resolve("checkpoint.arcus")).build();
      Runs.Loaded loaded = Runs.load(cfg, log);
      cos[i] = SphereCode.maxCosine(MeanAngle.classWeights(loaded.trainer().loss(), loaded.state().headParams(), k - 1, k));
    }
    return new Trained(k, l, r, Stats.of(cos));
  }

  /**
   * For one k: the fixed simplex head against every other loss: "as good" when it is not worse
   * beyond the spread; and how close each learned head's class weights come to the simplex.
   */
  static List<String> trainingVerdict(List<Trained> ts) {
    List<String> out = new ArrayList<>();
    Trained fixed = ts.stream().filter(t -> t.loss().name().equals("simplex")).findFirst().orElse(null);
    if (fixed == null) return out;
    int k = fixed.k();
    for (Trained t : ts) {
      if (t == fixed) continue;
      Stats.Comparison c = Stats.compare(t.runs().summary(), fixed.runs().summary());
      out.add(String.format(Locale.ROOT, "(b) k = %d, d = %d: fixed simplex head %s%% vs learned %s %s%%, %s. Verdict on \"the fixed head is as good"
          + " as a learned one\": %s. The learned head's largest cosine between class weights: %s (bound %.4f).", k, k - 1,
          fixed.runs().summary().percent(), t.loss().label(), t.runs().summary().percent(), c.describePercent(),
          c.delta() < 0 && c.beyondSpread() ? "not reproduced (worse beyond the spread)"
              : c.delta() > 0 && c.beyondSpread() ? "reproduced (better beyond the spread)" : "reproduced (the difference is within the spread)",
          t.headMaxCos().plain(4), SphereCode.bound(k)));
    }
    return out;
  }

  /** The training table (report section, simplex-training.csv, summary.json "training"). */
  private String trainingSection(List<Trained> ts, Map<String, Object> extra) {
    List<String> header = List.of("k", "d", "loss", "test_accuracy_mean", "test_accuracy_sd", "runs", "per_seed_percent", "head_max_cos_mean",
        "head_max_cos_sd", "bound");
    List<List<?>> rows = new ArrayList<>();
    for (Trained t : ts)
      rows.add(List.of(t.k(), t.k() - 1, t.loss().label(), t.runs().summary().mean(), t.runs().summary().sd(),
          t.runs().summary().n() + "/" + t.runs().seeds().length, t.runs().perSeed(), t.headMaxCos().mean(), t.headMaxCos().sd(),
          SphereCode.bound(t.k())));
    Csv.write(exp.out.resolve("simplex-training.csv"), header, rows);
    extra.put("training", ts.stream().map(t -> Map.of("k", t.k(), "loss", t.loss().label(), "seeds", t.runs().seeds(),
        "test_accuracy_per_seed", finite(t.runs().accuracy()), "head_max_cos", finite(t.headMaxCos().values()))).toList());
    return "\n**(b) Training at d = k−1** (simplex-training.csv). Each loss trains on the first k classes with feature dimension k−1,"
        + " once per seed (run folders `runs/<loss>-k<k>-s<seed>/`); accuracy is the last epoch's test accuracy, mean ± sd"
        + " over the seeds. head_max_cos is the largest cosine between two trained class weight columns (the fixed simplex"
        + " head: exactly the bound); a learned head at the bound has found the simplex by itself. normface and simplex share the"
        + " scale s (30 by default in both).\n\n" + ExperimentReport.table(header, rows);
  }
}
