package arcus.experiments.train;

import arcus.nn.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The rules for an output folder ({@code --out}) of a run or an experiment: a new or empty folder
 * is used as is; a folder that holds an earlier run is refused (and left untouched) unless the run
 * continues it ({@code --resume}) or the user asks to replace it ({@code --overwrite}), in which
 * case the earlier run's files are deleted first so that no stale file (an old curves.png, a
 * checkpoint of another model) stays mixed with the new ones. A folder with other content is never
 * written into: nothing there is ours to delete.
 */
public final class RunFolder {
  private RunFolder() {}

  /** The files an {@code arcus train} run folder holds. */
  public static final List<String> TRAIN_FILES =
      List.of("report.md", "metrics.csv", "steps.csv", "curves.png", "summary.json", "checkpoint.arcus");

  /** Where training runs live inside an experiment folder. */
  public static final String EXPERIMENT_RUNS = "runs";

  /** Is {@code name} a file of a train run (including a temporary file of an interrupted atomic write)? */
  static boolean isTrainFile(String name) {
    return TRAIN_FILES.contains(name) || isTemporary(name, TRAIN_FILES);
  }

  /** A file an experiment writes at its top level: report.md, summary.json, its CSV and PNG files. */
  static boolean isExperimentFile(String name) {
    boolean own = name.equals("report.md") || name.equals("summary.json") || name.endsWith(".csv") || name.endsWith(".png");
    return own || AtomicFiles.isLeftover(name, null);
  }

  private static boolean isTemporary(String name, List<String> targets) {
    if (name.equals(AtomicFiles.JOURNAL)) return true;
    for (String t : targets) if (AtomicFiles.isLeftover(name, t)) return true;
    return false;
  }

  /**
   * Checks a train run's {@code --out} before anything is written, and throws a one-line
   * {@link IllegalArgumentException} if the run may not use it. Touches nothing.
   */
  public static void checkTrain(Path dir, boolean overwrite, boolean resume) {
    // resume: the run continues the one in dir (its checkpoint lies there)
    check(dir, overwrite, resume, RunFolder::isTrainFile, "a training run", resume ? null : "--resume " + dir.resolve("checkpoint.arcus") + " to continue it");
  }

  /** As {@link #checkTrain} for an experiment's {@code --out} (which has no --resume). */
  public static void checkExperiment(Path dir, boolean overwrite) {
    check(dir, overwrite, false, n -> isExperimentFile(n) || n.equals(EXPERIMENT_RUNS), "an experiment", null);
  }

  private static void check(Path dir, boolean overwrite, boolean resume, Predicate<String> ours, String what, String continueHint) {
    if (!Files.exists(dir)) return;
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--out " + dir + " is a file, not a folder");
    List<String> names = list(dir);
    if (names.isEmpty() || resume) return;
    TreeSet<String> mine = new TreeSet<>(), other = new TreeSet<>();
    for (String n : names) (ours.test(n) ? mine : other).add(n);
    if (!other.isEmpty())
      throw new IllegalArgumentException("--out " + dir + " is not empty and holds files that are not " + what + "'s (" + first(other)
          + "); choose a new or empty folder");
    if (!overwrite)
      throw new IllegalArgumentException("--out " + dir + " already holds " + what + " (" + first(mine) + "); pass --overwrite to replace it"
          + (continueHint == null ? "" : " or " + continueHint) + ", or choose another --out");
  }

  private static String first(TreeSet<String> names) {
    List<String> l = new ArrayList<>(names);
    return l.size() <= 4 ? String.join(", ", l) : String.join(", ", l.subList(0, 4)) + " and " + (l.size() - 4) + " more";
  }

  /** Deletes an earlier train run's files from {@code dir} (for --overwrite); a missing folder is fine. */
  public static void clearTrain(Path dir) {
    if (!Files.isDirectory(dir)) return;
    for (String n : list(dir)) if (isTrainFile(n)) delete(dir.resolve(n));
  }

  /** Deletes an earlier experiment's files and its training runs from {@code dir} (for --overwrite). */
  public static void clearExperiment(Path dir) {
    if (!Files.isDirectory(dir)) return;
    for (String n : list(dir)) if (isExperimentFile(n)) delete(dir.resolve(n));
    Path runs = dir.resolve(EXPERIMENT_RUNS);
    if (Files.isDirectory(runs)) {
      for (String r : list(runs)) {
        Path run = runs.resolve(r);
        clearTrain(run);
        if (Files.isDirectory(run) && list(run).isEmpty()) delete(run);
      }
      if (list(runs).isEmpty()) delete(runs);
    }
  }

  private static List<String> list(Path dir) {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) out.add(p.getFileName().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the folder " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + p + " of the earlier run: " + e.getMessage(), e);
    }
  }

  /** Whether two paths name the same folder (compared as absolute, normalised paths). */
  public static boolean sameFolder(Path a, Path b) {
    return b != null && a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  /** Creates the folder (and its parents) once the run has passed every check. */
  public static void create(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create run folder " + dir + ": " + e.getMessage(), e);
    }
  }
}
