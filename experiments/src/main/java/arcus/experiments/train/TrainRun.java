package arcus.experiments.train;

import arcus.nn.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One {@code arcus train} run: train, checkpoint after every epoch, write the run folder. */
public final class TrainRun {
  private TrainRun() {}

  public static Trainer.Progress run(TrainConfig cfg, PrintStream out) {
    long t0 = System.nanoTime();
    Path dir = cfg.out();
    // a run killed while writing left its folder mid-commit: finish or undo that first (docs/robustness.md)
    AtomicFiles.recover(dir);
    if (cfg.resume() != null && cfg.resume().toAbsolutePath().getParent() != null) AtomicFiles.recover(cfg.resume().toAbsolutePath().getParent());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create run folder " + dir + ": " + e.getMessage(), e);
    }
    Trainer t = new Trainer(cfg, out);
    out.printf(Locale.ROOT, "arcus train: %s (d = %d) + %s on %s: %d train / %d test images, %d classes, batch %d, %d epoch(s), %d thread(s)%n",
        cfg.model(), t.featureDim(), cfg.loss(), cfg.dataset(), t.train.n(), t.test.n(), t.classes, cfg.batch(), cfg.epochs(), cfg.threads());
    Trainer.Progress start = t.start();
    Path ck = dir.resolve("checkpoint.arcus");
    // checkpoint and reports are committed together: a kill leaves the previous epoch's set or the new one
    Trainer.Progress end = t.run(start, p -> AtomicFiles.inTransaction(dir, () -> {
      RunCheckpoint.save(ck, t, p);
      RunReport.write(dir, cfg, t, p, (System.nanoTime() - t0) / 1e9);
    }));
    AtomicFiles.inTransaction(dir, () -> {
      RunCheckpoint.save(ck, t, end);
      RunReport.write(dir, cfg, t, end, (System.nanoTime() - t0) / 1e9);
    });
    out.printf(Locale.ROOT, "wrote %s/{report.md, metrics.csv, curves.png, summary.json, checkpoint.arcus}%n", dir);
    return end;
  }
}
