package arcus.experiments.train;

import arcus.experiments.report.Csv;
import arcus.experiments.json.Jackson;
import arcus.experiments.report.LinePlot;
import arcus.experiments.report.PeakRss;
import arcus.nn.io.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a run folder: report.md, metrics.csv, curves.png and summary.json (each atomically). */
final class RunReport {
  private RunReport() {}

  static Map<String, Object> summary(TrainConfig cfg, Trainer t, Trainer.Progress p, double wallSeconds) {
    List<EpochMetrics> h = p.history();
    EpochMetrics last = h.isEmpty() ? null : h.get(h.size() - 1);
    double trainSeconds = 0;
    long images = 0;
    for (EpochMetrics m : h) {
      trainSeconds += m.seconds();
      images += Math.round(m.imagesPerSecond() * m.seconds());
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("test_accuracy", last == null ? null : last.testAccuracy());
    s.put("train_accuracy", last == null ? null : last.trainAccuracy());
    s.put("train_loss", last == null ? null : last.trainLoss());
    s.put("epochs", p.epochsDone());
    s.put("steps", p.step());
    s.put("wall_seconds", wallSeconds);
    s.put("train_seconds", trainSeconds);
    s.put("images_per_second", trainSeconds > 0 ? images / trainSeconds : null);
    s.put("peak_rss_bytes", PeakRss.bytes());
    s.put("feature_dim", t.featureDim());
    s.put("classes", t.classes);
    s.put("parameters", p.state().params().count());
    s.put("train_images", t.train.n());
    s.put("test_images", t.test.n());
    s.put("java", System.getProperty("java.version"));
    s.put("config", cfg);
    s.put("history", h);
    return s;
  }

  static void write(Path dir, TrainConfig cfg, Trainer t, Trainer.Progress p, double wallSeconds) {
    Map<String, Object> s = summary(cfg, t, p, wallSeconds);
    AtomicFiles.writeString(dir.resolve("summary.json"), Jackson.pretty(s));
    List<List<?>> rows = new ArrayList<>();
    for (EpochMetrics m : p.history()) rows.add(History.row(m));
    Csv.write(dir.resolve("metrics.csv"), History.COLUMNS, rows);
    Csv.write(dir.resolve("steps.csv"), STEP_COLUMNS, stepRows(p));
    if (!p.history().isEmpty()) plot(dir.resolve("curves.png"), cfg, p);
    AtomicFiles.writeString(dir.resolve("report.md"), markdown(cfg, t, s, p.history()));
  }

  /** steps.csv: the training loss of every step, with the epoch it belongs to and that epoch's loss. */
  static final List<String> STEP_COLUMNS = List.of("step", "epoch", "loss_name", "train_loss");

  static List<List<?>> stepRows(Trainer.Progress p) {
    List<List<?>> rows = new ArrayList<>();
    double[] l = p.stepLosses();
    int e = 0;
    List<EpochMetrics> h = p.history();
    for (int i = 0; i < l.length; i++) {
      while (e < h.size() - 1 && i + 1 > h.get(e).step()) e++;
      EpochMetrics m = h.isEmpty() ? null : h.get(e);
      rows.add(java.util.Arrays.asList(i + 1, m == null ? null : m.epoch(), m == null ? null : m.loss(), l[i]));
    }
    return rows;
  }

  /** Window of the running mean drawn over the per-step loss: about 1/20 of the steps, at least 5. */
  static int smoothingWindow(int steps) {
    return Math.max(5, steps / 20);
  }

  /** The mean of the last {@code window} finite values up to each point (NaN until one is seen). */
  static double[] runningMean(double[] v, int window) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double sum = 0;
      int n = 0;
      for (int k = Math.max(0, i - window + 1); k <= i; k++)
        if (Double.isFinite(v[k])) {
          sum += v[k];
          n++;
        }
      out[i] = n == 0 ? Double.NaN : sum / n;
    }
    return out;
  }

  /** The two panels of curves.png: the training loss per step, and train/test accuracy per epoch. */
  static List<LinePlot.Panel> curves(Trainer.Progress p) {
    List<EpochMetrics> h = p.history();
    double[] l = p.stepLosses();
    double[] steps = new double[l.length];
    for (int i = 0; i < l.length; i++) steps[i] = i + 1;
    List<LinePlot.Series> loss = new ArrayList<>();
    loss.add(new LinePlot.Series("training loss per step", steps, l));
    int w = smoothingWindow(l.length);
    if (l.length >= 2 * w) loss.add(new LinePlot.Series("running mean of " + w + " steps", steps, runningMean(l, w)));
    int n = h.size();
    double[] x = new double[n], tr = new double[n], te = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = h.get(i).epoch();
      tr[i] = h.get(i).trainAccuracy();
      te[i] = h.get(i).testAccuracy();
    }
    return List.of(
        new LinePlot.Panel("training loss", "step", "loss", loss),
        new LinePlot.Panel("accuracy after each epoch", "epoch", "accuracy",
            List.of(new LinePlot.Series("train (EVAL mode)", x, tr), new LinePlot.Series("test", x, te))));
  }

  private static void plot(Path png, TrainConfig cfg, Trainer.Progress p) {
    LinePlot.write(png, cfg.model() + " + " + cfg.loss() + " on " + cfg.dataset(), curves(p), 1100, 440);
  }

  /**
   * The configuration as the run used it: the options as given, with the model's default feature
   * dimension and the data set's class count filled in where the option was 0 ("default").
   */
  static Map<String, Object> effectiveConfig(TrainConfig cfg, Trainer t) {
    Map<String, Object> m = new LinkedHashMap<>(cfg.toMap());
    if (cfg.featureDim() == 0) m.put("feature_dim", t.featureDim() + " (model default)");
    if (cfg.classes() == 0) m.put("classes", t.classes + " (all)");
    if (cfg.trainLimit() == 0) m.put("train_limit", t.train.n() + " (all)");
    if (cfg.testLimit() == 0) m.put("test_limit", t.test.n() + " (all)");
    return m;
  }

  private static String markdown(TrainConfig cfg, Trainer t, Map<String, Object> s, List<EpochMetrics> h) {
    StringBuilder md = new StringBuilder();
    md.append("# Arcus training run\n\n");
    md.append(String.format(Locale.ROOT, "%s on %s with the **%s** loss%s.%n%n", cfg.model(), cfg.dataset(), cfg.loss(),
        cfg.lossParams().isEmpty() ? "" : " " + cfg.lossParams()));
    md.append("## Result\n\n| metric | value |\n|---|---|\n");
    row(md, "test accuracy", pct(s.get("test_accuracy")));
    row(md, "train accuracy (EVAL mode, first " + cfg.trainEvalLimit() + " training images)", pct(s.get("train_accuracy")));
    row(md, "final training loss (mean over the last epoch)", fmt(s.get("train_loss")));
    row(md, "epochs / steps", s.get("epochs") + " / " + s.get("steps"));
    row(md, "wall time (s)", fmt(s.get("wall_seconds")));
    row(md, "training time (s)", fmt(s.get("train_seconds")));
    row(md, "training throughput (images/s)", fmt(s.get("images_per_second")));
    row(md, "peak RSS (MiB)", String.format(Locale.ROOT, "%.0f", ((Number) s.get("peak_rss_bytes")).doubleValue() / (1 << 20)));
    row(md, "parameters (model + head)", String.valueOf(s.get("parameters")));
    row(md, "train / test images", s.get("train_images") + " / " + s.get("test_images"));
    md.append("\nTest accuracy uses the loss's test-time rule (argmax cos θ for the normalised losses, argmax wᵀx otherwise), model in EVAL mode.\n\n");
    md.append("![loss and accuracy](curves.png)\n\n## Per epoch\n\n| epoch | loss function | lr | train loss | train acc | test acc | seconds | images/s |\n|---|---|---|---|---|---|---|---|\n");
    for (EpochMetrics m : h)
      md.append(String.format(Locale.ROOT, "| %d | %s | %.4g | %.4f | %.4f | %.4f | %.1f | %.1f |%n", m.epoch(), m.loss(), m.lr(), m.trainLoss(),
          m.trainAccuracy(), m.testAccuracy(), m.seconds(), m.imagesPerSecond()));
    md.append("\n## Configuration\n\n| option | value |\n|---|---|\n");
    effectiveConfig(cfg, t).forEach((k, v) -> row(md, k, String.valueOf(v)));
    md.append("\nReproduce: the same command with the same `--threads` gives the same numbers (docs/reproducibility.md).\n");
    return md.toString();
  }

  private static void row(StringBuilder md, String k, String v) {
    md.append("| ").append(k).append(" | ").append(v).append(" |\n");
  }

  private static String pct(Object v) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%.2f%%", 100 * n.doubleValue()) : "n/a";
  }

  private static String fmt(Object v) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%.4g", n.doubleValue()) : "n/a";
  }
}
