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
    if (!p.history().isEmpty()) plot(dir.resolve("curves.png"), cfg, p.history());
    AtomicFiles.writeString(dir.resolve("report.md"), markdown(cfg, s, p.history()));
  }

  private static void plot(Path png, TrainConfig cfg, List<EpochMetrics> h) {
    int n = h.size();
    double[] x = new double[n], loss = new double[n], tr = new double[n], te = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = h.get(i).epoch();
      loss[i] = h.get(i).trainLoss();
      tr[i] = h.get(i).trainAccuracy();
      te[i] = h.get(i).testAccuracy();
    }
    LinePlot.write(png, cfg.model() + " + " + cfg.loss() + " on " + cfg.dataset(), List.of(
        new LinePlot.Panel("training loss", "epoch", "loss", List.of(new LinePlot.Series("train loss", x, loss))),
        new LinePlot.Panel("accuracy", "epoch", "accuracy", List.of(new LinePlot.Series("train", x, tr), new LinePlot.Series("test", x, te)))),
        1000, 420);
  }

  private static String markdown(TrainConfig cfg, Map<String, Object> s, List<EpochMetrics> h) {
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
    md.append("![loss and accuracy](curves.png)\n\n## Per epoch\n\n| epoch | loss | lr | train loss | train acc | test acc | seconds | images/s |\n|---|---|---|---|---|---|---|---|\n");
    for (EpochMetrics m : h)
      md.append(String.format(Locale.ROOT, "| %d | %s | %.4g | %.4f | %.4f | %.4f | %.1f | %.1f |%n", m.epoch(), m.loss(), m.lr(), m.trainLoss(),
          m.trainAccuracy(), m.testAccuracy(), m.seconds(), m.imagesPerSecond()));
    md.append("\n## Configuration\n\n| option | value |\n|---|---|\n");
    cfg.toMap().forEach((k, v) -> row(md, k, String.valueOf(v)));
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
