package arcus.experiments.experiment;

import arcus.experiments.report.Charts;
import arcus.experiments.report.LinePlot;
import arcus.experiments.train.FeatureDimOption;
import arcus.losses.Losses;
import arcus.losses.PureAngular;
import arcus.nn.AngleFunction;
import arcus.nn.models.Models;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jfree.chart.JFreeChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code arcus experiment angular-net}: [AngularNet], Tables 1–4 on the default network — plain or
 * angular convolutions × plain or angular FC (pure angular loss), the angle function of the angular
 * convolutions, and the scale S and margin m of the pure angular loss.
 */
@Command(name = "angular-net", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"[AngularNet], Tables 1-4: angular convolutions and the angular FC (pure angular loss) against plain layers.",
        "Parts (--parts): conv-fc, plain/angular convs (angle function --angle, default " + AngularNetCommand.DEFAULT_CONV_ANGLE + ") x plain",
        "FC (first of --losses)/angular FC (second); angle, the angle function of the angular convs under the angular FC;",
        "scale and margin, S and m of the angular FC on the plain convs. Each setting is trained once per seed (--seeds);",
        "a setting shared by two parts is trained once. One verdict line per claim."})
final class AngularNetCommand implements Callable<Integer> {
  @Mixin ExperimentOptions exp = ExperimentOptions.of("angular-net", "softmax,pureangular");

  @Option(names = "--parts", defaultValue = "conv-fc,angle,scale,margin", description = "parts to run (${DEFAULT-VALUE})")
  String parts;

  /** The angle function of the angular convs of conv-fc when --angle is not given: the paper's −log θ, shifted to 0 at π/2. */
  static final String DEFAULT_CONV_ANGLE = "log-centred:0";

  @Option(names = "--angles", defaultValue = "linear,cosine,sigmoid:0.3,log-centred:0", description = "angle functions of"
      + " part angle; the log one is the paper's claimed best (${DEFAULT-VALUE})")
  String angles;

  @Option(names = "--scales", defaultValue = "1,10,30", description = "S values of part scale (${DEFAULT-VALUE})")
  String scales;

  @Option(names = "--margins", defaultValue = "0,0.3", description = "m values of part margin (${DEFAULT-VALUE})")
  String margins;

  @Mixin FeatureDimOption dim = new FeatureDimOption();

  static final List<String> PARTS = List.of("conv-fc", "angle", "scale", "margin");

  /** [AngularNet], Table 3 (CIFAR-100, ResNet-32, %): [conv plain/angular][FC plain/angular]. */
  static final double[][] PAPER_CONV_FC = {{76.25, 75.79}, {78.28, 78.22}};
  /** Table 4 (angle functions of the angular conv and FC alike; no sigmoid row), by AngleFunction class. */
  static final Map<Class<?>, Double> PAPER_ANGLE = Map.of(AngleFunction.Cosine.class, 77.48, AngleFunction.Linear.class, 77.87,
      AngleFunction.Reciprocal.class, 77.93, AngleFunction.Log.class, 78.22, AngleFunction.CentredLog.class, 78.22);
  /** Table 1 (S) and Table 2 (m). */
  static final Map<Double, Double> PAPER_SCALE = Map.of(1.0, 51.72, 5.0, 75.84, 10.0, 77.44, 20.0, 78.08, 30.0, 78.22, 40.0, 77.98);
  static final Map<Double, Double> PAPER_MARGIN = Map.of(0.0, 78.22, 0.01, 77.83, 0.1, 78.26);

  /** [AngularNet]'s own setting (Section 4): ResNet-32, batch 128, lr 0.001 ÷ 10 at 20,000, 30,000, 37,500 steps. */
  static final Budget PAPER = new Budget("resnet32", 102, 128, 0.001, "multistep:0.1:20000,30000,37500", 5e-4, 0, 0, 10000, 3,
      "[AngularNet]'s ResNet-32 and schedule (batch 128, lr 0.001 / 10 at steps 20,000, 30,000 and 37,500; about 102 epochs of"
          + " CIFAR: add --dataset cifar100 --augment); for the GPU backend, not run here.");

  /** One setting: the angle function of the convolutions (null: plain ones) and the FC loss. */
  record Setting(String convAngle, LossSpec fc) {
    String name() {
      return (convAngle == null ? "conv" : "aconv-" + convAngle.replaceAll("[^A-Za-z0-9.-]+", "_")) + "-" + fc.slug();
    }
  }

  /** One row of the results: its part, label and x value (S, m; NaN otherwise), the setting and the paper's number. */
  record Row(String part, String label, double x, Setting setting, Double paper) {}

  @Override
  public Integer call() {
    PrintStream log = System.out;
    long t0 = System.nanoTime();
    exp.resolve(Budget.LINEAR_LENET, PAPER);
    List<String> run = parts(parts);
    String angularModel = angularModel(exp.train.net.model);
    List<LossSpec> fcs = LossSpec.parseList(exp.losses);
    if (fcs.size() != 2) throw new IllegalArgumentException("--losses must name two losses, the plain FC and the angular FC, got '" + exp.losses + "'");
    LossSpec plainFc = fcs.get(0);
    PureAngular pa = pureAngular(fcs.get(1));
    String convAngle = exp.train.angle != null ? exp.train.angle : DEFAULT_CONV_ANGLE;
    AngleFunction.parse(convAngle); // a bad spelling fails before any training
    List<String> angleList = Arrays.stream(angles.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String a : angleList) AngleFunction.parse(a);
    double[] sList = numbers("--scales", scales), mList = numbers("--margins", margins);
    List<Row> rows = plan(run, convAngle, angleList, sList, mList, plainFc, pa);
    ExperimentReport.prepare(exp.out, exp.overwrite.overwrite);

    Map<String, Runs.SeedRuns> done = new LinkedHashMap<>();
    long settings = rows.stream().map(r -> r.setting().name()).distinct().count();
    log.printf("angular-net: %d settings x %d seed(s) (%s / %s, %d epoch(s), train limit %d)%n", settings, exp.seeds, exp.train.net.model,
        angularModel, exp.train.epochs, exp.train.trainLimit);
    List<String> failures = new ArrayList<>();
    for (Row r : rows) {
      Setting s = r.setting();
      if (done.containsKey(s.name())) continue;
      log.printf("%n[%d/%d] %s: %s%n", done.size() + 1, settings, r.part(), s.name());
      Runs.SeedRuns sr = Runs.trainSeeds(exp, s.name(), s.fc(), dim.featureDim, 0,
          c -> c.toBuilder().model(s.convAngle() == null ? exp.train.net.model : angularModel).angle(s.convAngle()).build(), log);
      failures.addAll(sr.failures());
      done.put(s.name(), sr);
    }

    List<List<?>> table = new ArrayList<>();
    for (Row r : rows) {
      Runs.SeedRuns sr = done.get(r.setting().name());
      Stats.Summary a = sr.summary();
      table.add(List.of(r.part(), r.label(), a.mean(), a.sd(), a.n() + "/" + sr.seeds().length, sr.perSeed(),
          r.paper() == null ? "" : String.format(Locale.ROOT, "%.2f", r.paper()),
          r.setting().name()));
    }
    List<String> header = List.of("part", "setting", "test_accuracy_mean", "test_accuracy_sd", "runs", "per_seed_percent", "paper_percent", "run_name");
    List<String> verdict = verdict(rows, r -> done.get(r.setting().name()).summary());
    plot(rows, r -> done.get(r.setting().name()).summary());

    Map<String, Object> set = new LinkedHashMap<>(exp.train.describe());
    set.putAll(exp.budget.describe());
    set.put("seeds", exp.seeds + " (" + exp.train.seed + " .. " + (exp.train.seed + exp.seeds - 1) + ")");
    set.put("models", exp.train.net.model + " (plain conv), " + angularModel + " (angular conv)");
    set.put("feature_dim", dim.featureDim == 0 ? "model default" : dim.featureDim);
    set.put("parts", String.join(",", run));
    set.put("plain_fc", plainFc.label());
    set.put("angular_fc", "pureangular(S=" + num(pa.bigS()) + ",m=" + num(pa.m()) + ")");
    set.put("conv_angle", convAngle);
    set.put("angles", String.join(",", angleList));
    set.put("scales", scales);
    set.put("margins", margins);
    set.put("training_runs", settings * exp.seeds);
    set.put("wall_time", ExperimentReport.minutes(t0));
    String notes = partTables(rows, table) + "Accuracy is the last epoch's test accuracy, mean ± sample standard deviation over the seeds (run"
        + " folders `runs/<run_name>-s<seed>/`); a setting shared by two parts (e.g. the angular network of conv-fc and the log row"
        + " of angle) is trained once. paper_percent is [AngularNet] (ResNet-32 on CIFAR-100, 40,000 steps of 128 images: about 128 times"
        + " the images this default budget trains on): compare directions, not levels. The figure shows test error (100 − accuracy), mean over the seeds."
        + " Deviations from the paper: the angle function of part angle is that of the angular convolutions only (the angular FC"
        + " stays the pure angular loss, whose angle function is the log); the scale and margin sweeps use the plain convolutions;"
        + " the log angle function of the convolutions is −log θ + log(π/2) (`log-centred:0`), the paper's up to a constant,"
        + " because this network has no batch norm after its convolutions (docs/experiments.md).\n";
    ExperimentReport.write(exp.out, log, "angular-net", "Angular convolutions and the angular FC ([AngularNet], Tables 1-4)",
        exp.commandLine(), set, header, table, "angular-net.csv", "angular-net.png",
        ExperimentReport.verdictSection(exp.budget, verdict, failures) + notes, Map.of("verdict", verdict, "failed_runs", failures));
    return 0;
  }

  /** The parts of {@code --parts}, in the order given. */
  static List<String> parts(String spec) {
    List<String> out = new ArrayList<>();
    for (String p : spec.split(",")) {
      String t = p.trim().toLowerCase(Locale.ROOT);
      if (t.isEmpty()) continue;
      if (!PARTS.contains(t)) throw new IllegalArgumentException("--parts: unknown part '" + p.trim() + "' (have " + String.join(", ", PARTS) + ")");
      if (!out.contains(t)) out.add(t);
    }
    if (out.isEmpty()) throw new IllegalArgumentException("--parts is empty (have " + String.join(", ", PARTS) + ")");
    return out;
  }

  /** Comma-separated numbers, each finite and >= 0. */
  static double[] numbers(String option, String spec) {
    List<Double> out = new ArrayList<>();
    for (String p : spec.split(",")) {
      if (p.isBlank()) continue;
      double v;
      try {
        v = Double.parseDouble(p.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + ": '" + p.trim() + "' is not a number");
      }
      if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(option + ": " + p.trim() + " must be a finite number >= 0");
      if (!out.contains(v)) out.add(v);
    }
    if (out.isEmpty()) throw new IllegalArgumentException(option + " is empty");
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The angular variant of {@code model}: {@code model + "-angular"} where there is one. */
  static String angularModel(String model) {
    String a = model + "-angular";
    if (!Models.ANGULAR.contains(a))
      throw new IllegalArgumentException("--model " + model + " has no angular variant (" + String.join(", ", Models.ANGULAR) + " are the angular models)");
    return a;
  }

  /** The angular FC, which must be the pure angular loss (its S and m are the sweeps' base values). */
  static PureAngular pureAngular(LossSpec l) {
    if (!(Losses.create(l.name(), l.params()) instanceof PureAngular pa))
      throw new IllegalArgumentException("--losses: the second loss is the angular FC and must be pureangular[:S=..:m=..], got '" + l.label() + "'");
    return pa;
  }

  /** Every row of the chosen parts, in order; equal settings get equal names (so they are trained once). */
  static List<Row> plan(List<String> parts, String convAngle, List<String> angles, double[] scales, double[] margins, LossSpec plainFc, PureAngular pa) {
    List<Row> rows = new ArrayList<>();
    LossSpec angularFc = angular(pa.bigS(), pa.m());
    String g = AngleFunction.parse(convAngle).spec();
    for (String part : parts) {
      switch (part) {
        case "conv-fc" -> {
          for (int c = 0; c < 2; c++)
            for (int f = 0; f < 2; f++)
              rows.add(new Row(part, (c == 0 ? "plain conv" : "angular conv (" + g + ")") + " × " + (f == 0 ? "plain FC (" + plainFc.label() + ")"
                  : "angular FC (" + angularFc.label() + ")"), Double.NaN, new Setting(c == 0 ? null : g, f == 0 ? plainFc : angularFc),
                  PAPER_CONV_FC[c][f]));
        }
        case "angle" -> {
          for (String a : angles) {
            AngleFunction af = AngleFunction.parse(a);
            rows.add(new Row(part, "angular conv (" + af.spec() + ") × angular FC", Double.NaN, new Setting(af.spec(), angularFc),
                PAPER_ANGLE.get(af.getClass())));
          }
        }
        case "scale" -> {
          for (double s : scales)
            rows.add(new Row(part, "plain conv × pureangular S = " + num(s), s, new Setting(null, angular(s, pa.m())), PAPER_SCALE.get(s)));
        }
        case "margin" -> {
          for (double m : margins)
            rows.add(new Row(part, "plain conv × pureangular m = " + num(m), m, new Setting(null, angular(pa.bigS(), m)), PAPER_MARGIN.get(m)));
        }
        default -> throw new IllegalStateException(part);
      }
    }
    return rows;
  }

  private static LossSpec angular(double s, double m) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("S", s == Math.rint(s) ? (Object) (long) s : s);
    p.put("m", m == Math.rint(m) ? (Object) (long) m : m);
    return new LossSpec("pureangular", p);
  }

  static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.valueOf(v);
  }

  /** Beyond the spread, with a spread to go beyond: one run of a setting has none (its sd is 0), so it never is. */
  static boolean beyond(Stats.Comparison c) {
    return c.beyondSpread() && c.a().n() > 1 && c.b().n() > 1;
  }

  /** The verdict of a claim that b beats a. */
  static String direction(Stats.Comparison c) {
    if (!(c.delta() > 0)) return "not reproduced";
    return beyond(c) ? "reproduced" : "in direction only (within the spread)";
  }

  /**
   * The verdict of a claim that entry {@code claimed} is the best: reproduced when its mean is the
   * highest and it beats every other beyond the spread, in direction only when its mean is the
   * highest, not reproduced otherwise.
   */
  static String best(int claimed, List<Stats.Summary> s) {
    boolean highest = true, beyond = true;
    for (int i = 0; i < s.size(); i++) {
      if (i == claimed) continue;
      Stats.Comparison c = Stats.compare(s.get(i), s.get(claimed));
      highest &= c.delta() > 0;
      beyond &= beyond(c);
    }
    return !highest ? "not reproduced" : beyond ? "reproduced" : "in direction only (within the spread)";
  }

  /** The verdict of a claim that the settings do not differ: reproduced when no pair differs beyond the spread. */
  static String noDifference(List<Stats.Summary> s) {
    if (s.stream().anyMatch(x -> x.n() < 2)) return "undecided (a setting has fewer than 2 finished runs, so no spread)";
    for (int i = 0; i < s.size(); i++)
      for (int j = i + 1; j < s.size(); j++)
        if (beyond(Stats.compare(s.get(i), s.get(j)))) return "not reproduced (a pair differs beyond the spread)";
    return "reproduced (no pair differs beyond the spread)";
  }

  static List<String> verdict(List<Row> rows, java.util.function.Function<Row, Stats.Summary> acc) {
    List<String> out = new ArrayList<>();
    List<Row> cf = rows.stream().filter(r -> r.part().equals("conv-fc")).toList();
    if (cf.size() == 4) { // [plain, plain], [plain, angular], [angular, plain], [angular, angular]
      int[][] pairs = {{0, 2}, {1, 3}, {0, 1}, {2, 3}, {0, 3}};
      String[] what = {"Angular vs plain conv, plain FC", "Angular vs plain conv, angular FC", "Angular vs plain FC, plain conv",
          "Angular vs plain FC, angular conv", "Angular network (both angular) vs plain network (both plain)"};
      String[] claims = {"the angular conv beats the plain conv", "the angular conv beats the plain conv",
          "the angular FC beats the plain FC", "the angular FC beats the plain FC", "the angular network is better (the abstract: 2% higher)"};
      for (int i = 0; i < pairs.length; i++) {
        Row a = cf.get(pairs[i][0]), b = cf.get(pairs[i][1]);
        Stats.Comparison c = Stats.compare(acc.apply(a), acc.apply(b));
        out.add(String.format(Locale.ROOT, "%s: %s%% → %s%%, %s; paper %+.2f points. Verdict on \"%s\": %s.", what[i],
            acc.apply(a).percent(), acc.apply(b).percent(), c.describePercent(), b.paper() - a.paper(), claims[i], direction(c)));
      }
    }
    List<Row> an = rows.stream().filter(r -> r.part().equals("angle")).toList();
    int log = -1;
    for (int i = 0; i < an.size(); i++) if (an.get(i).setting().convAngle().startsWith("log")) log = i;
    if (an.size() >= 2 && log >= 0) {
      StringBuilder sb = new StringBuilder("Angle functions: ");
      for (Row r : an) sb.append(r.setting().convAngle()).append(' ').append(acc.apply(r).percent()).append("%; ");
      out.add(sb + "Verdict on \"−log is the best angle function\" (Table 4): " + best(log, an.stream().map(acc).toList()) + ".");
    }
    List<Row> sc = rows.stream().filter(r -> r.part().equals("scale")).toList();
    int s30 = -1;
    for (int i = 0; i < sc.size(); i++) if (sc.get(i).x() == 30) s30 = i;
    if (sc.size() >= 2 && s30 >= 0) {
      StringBuilder sb = new StringBuilder("Scale S: ");
      for (Row r : sc) sb.append("S = ").append(num(r.x())).append(' ').append(acc.apply(r).percent()).append("%; ");
      out.add(sb + "Verdict on \"S = 30 is the best scale\" (Table 1; S = 1 far below): " + best(s30, sc.stream().map(acc).toList()) + ".");
    }
    List<Row> mg = rows.stream().filter(r -> r.part().equals("margin")).toList();
    if (mg.size() >= 2) {
      StringBuilder sb = new StringBuilder("Margin m: ");
      for (Row r : mg) sb.append("m = ").append(num(r.x())).append(' ').append(acc.apply(r).percent()).append("%; ");
      out.add(sb + "Verdict on \"m hardly matters at a large feature dimension\" (Table 2: 77.83-78.26%): "
          + noDifference(mg.stream().map(acc).toList()) + ".");
    }
    if (out.isEmpty()) out.add("No claim has all of its settings in the chosen parts and values.");
    return out;
  }

  /** The figure: bars for conv-fc and angle, lines for the S and m sweeps; test error in percent. */
  private void plot(List<Row> rows, java.util.function.Function<Row, Stats.Summary> acc) {
    java.util.function.ToDoubleFunction<Row> err = r -> 100 * (1 - acc.apply(r).mean());
    List<Row> cf = rows.stream().filter(r -> r.part().equals("conv-fc")).toList();
    List<Row> an = rows.stream().filter(r -> r.part().equals("angle")).toList();
    double top = 1.15 * java.util.stream.Stream.concat(cf.stream(), an.stream()).mapToDouble(err).filter(Double::isFinite).max().orElse(1);
    List<JFreeChart> charts = new ArrayList<>();
    if (cf.size() == 4)
      charts.add(BarChart.chart(new BarChart.Panel("(a) conv × FC", "FC layer", "test error (%)", List.of("plain FC", "angular FC"),
          List.of("plain conv", "angular conv"), new double[][] {{err.applyAsDouble(cf.get(0)), err.applyAsDouble(cf.get(1))},
              {err.applyAsDouble(cf.get(2)), err.applyAsDouble(cf.get(3))}}), top));
    if (!an.isEmpty())
      charts.add(BarChart.chart(new BarChart.Panel("(b) angle function of the angular conv", "angle function", "test error (%)",
          an.stream().map(r -> r.setting().convAngle().replace("log-centred:", "log (centred):")).toList(), List.of("angular conv × angular FC"),
          new double[][] {an.stream().mapToDouble(err).toArray()}), top));
    for (String[] p : new String[][] {{"scale", "(c) scale S of the angular FC", "S"}, {"margin", "(d) margin m of the angular FC", "m"}}) {
      List<Row> sw = rows.stream().filter(r -> r.part().equals(p[0])).toList();
      if (!sw.isEmpty())
        charts.add(LinePlot.chart(new LinePlot.Panel(p[1], p[2], "test error (%)", List.of(new LinePlot.Series("plain conv × angular FC",
            sw.stream().mapToDouble(Row::x).toArray(), sw.stream().mapToDouble(err).toArray())))));
    }
    Charts.write(exp.out.resolve("angular-net.png"), Charts.compose("[AngularNet] on " + exp.train.dataset + ", " + exp.train.net.model
        + " (mean of " + exp.seeds + " seeds)", charts, 420, 440, null, 0));
  }

  /** One markdown table per part (mean ± sd, runs, per seed, paper), from the rows of the results table. */
  private static String partTables(List<Row> rows, List<List<?>> table) {
    StringBuilder sb = new StringBuilder("## Tables per part\n\n");
    for (String part : PARTS) {
      List<List<?>> t = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (!rows.get(i).part().equals(part)) continue;
        List<?> r = table.get(i);
        double mean = (Double) r.get(2), sd = (Double) r.get(3);
        t.add(List.of(r.get(1), Double.isNaN(mean) ? "—" : String.format(Locale.ROOT, "%.2f ± %.2f", 100 * mean, 100 * sd), r.get(4), r.get(5), r.get(6)));
      }
      if (t.isEmpty()) continue;
      sb.append("### ").append(part).append("\n\n")
          .append(ExperimentReport.table(List.of("setting", "test accuracy (%)", "runs", "per seed (%)", "paper (%)"), t)).append('\n');
    }
    return sb.toString();
  }
}
