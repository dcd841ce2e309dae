package arcus.experiments.train;

import arcus.nn.io.AtomicFiles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** One {@code arcus train} run: train, checkpoint after every epoch, write the run folder. */
public final class TrainRun {
  private TrainRun() {}

  /** A run into a new or empty folder, or continuing the run there ({@code --resume}). */
  public static Trainer.Progress run(TrainConfig cfg, PrintStream out) {
    return run(cfg, out, false);
  }

  /**
   * Runs {@code cfg}. The folder rules are {@link RunFolder}'s: an earlier run in {@code cfg.out()}
   * is refused unless {@code --resume} or {@code overwrite}. Nothing is created or deleted before
   * the configuration, the data and the checkpoint to resume from have been checked.
   */
  public static Trainer.Progress run(TrainConfig cfg, PrintStream out, boolean overwrite) {
    long t0 = System.nanoTime();
    Path dir = cfg.out();
    // Resuming continues the run in the checkpoint's own folder; into any other folder it starts a new one there.
    boolean resume = cfg.resume() != null && RunFolder.sameFolder(dir, cfg.resume().toAbsolutePath().getParent());
    RunFolder.checkTrain(dir, overwrite, resume);
    // a run killed while writing left its folder mid-commit: finish or undo that first (docs/robustness.md)
    AtomicFiles.recover(dir);
    if (cfg.resume() != null && cfg.resume().toAbsolutePath().getParent() != null) AtomicFiles.recover(cfg.resume().toAbsolutePath().getParent());
    Trainer t = new Trainer(cfg, out);
    out.printf(Locale.ROOT, "arcus train: %s (d = %d) + %s on %s: %d train / %d test images, %d classes, batch %d, %d epoch(s), %d thread(s)%n",
        cfg.model(), t.featureDim(), cfg.loss(), cfg.dataset(), t.train.n(), t.test.n(), t.classes, cfg.batch(), cfg.epochs(), cfg.threads());
    Trainer.Progress start = t.start();
    if (overwrite && !resume) RunFolder.clearTrain(dir);
    RunFolder.create(dir);
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
    out.printf(Locale.ROOT, "wrote %s/{report.md, metrics.csv, steps.csv, curves.png, summary.json, checkpoint.arcus}%n", dir);
    return end;
  }
}
