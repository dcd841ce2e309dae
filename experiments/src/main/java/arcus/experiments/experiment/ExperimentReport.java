package arcus.experiments.experiment;

import arcus.experiments.report.Csv;
import arcus.experiments.json.Jackson;
import arcus.experiments.train.RunFolder;
import arcus.nn.io.AtomicFiles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The files every experiment writes: report.md, a CSV, summary.json (each atomically). */
final class ExperimentReport {
  private ExperimentReport() {}

  /**
   * Checks the experiment's --out before any training (an earlier experiment there is refused
   * unless --overwrite, which deletes its files and runs). Creates nothing: the folder appears with
   * the first file written, so an experiment that fails validation leaves nothing behind.
   */
  static void prepare(Path dir, boolean overwrite) {
    RunFolder.checkExperiment(dir, overwrite);
    if (overwrite) RunFolder.clearExperiment(dir);
  }

  /**
   * The command line that reproduces this run, as typed (defaults are listed under settings);
   * {@code args} are picocli's original arguments, which start at the top command's.
   */
  static String command(String sub, List<String> args) {
    StringBuilder sb = new StringBuilder("bin/arcus");
    if (args.isEmpty() || !args.get(0).equals("experiment")) sb.append(" experiment ").append(sub);
    for (String a : args) sb.append(' ').append(a.matches("[A-Za-z0-9_./=:,+@-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    return sb.toString();
  }

  /** Minutes since {@code t0} (System.nanoTime), for the report's settings. */
  static String minutes(long t0) {
    return String.format(Locale.ROOT, "%.1f min", (System.nanoTime() - t0) / 60e9);
  }

  /** The report's verdict section: one line per claim, then the runs that diverged. */
  static String verdictSection(Budget budget, List<String> verdict, List<String> failures) {
    StringBuilder sb = new StringBuilder("## Verdict\n\n");
    if (budget == Budget.QUICK) sb.append("**--quick: a pipeline check on a few hundred images; these lines are not a verdict.**\n\n");
    for (String v : verdict) sb.append("- ").append(v).append('\n');
    if (!failures.isEmpty()) {
      sb.append("\nRuns that diverged (left out of the means):\n\n");
      for (String f : failures) sb.append("- ").append(f).append('\n');
    }
    return sb.append('\n').toString();
  }

  static String table(List<String> header, List<? extends List<?>> rows) {
    StringBuilder sb = new StringBuilder("|");
    for (String h : header) sb.append(' ').append(h).append(" |");
    sb.append("\n|");
    for (int i = 0; i < header.size(); i++) sb.append("---|");
    sb.append('\n');
    for (List<?> r : rows) {
      sb.append('|');
      for (Object v : r) sb.append(' ').append(cell(v)).append(" |");
      sb.append('\n');
    }
    return sb.toString();
  }

  static String cell(Object v) {
    if (v == null) return "—";
    if (v instanceof Double d) return Double.isNaN(d) ? "—" : String.format(Locale.ROOT, Math.abs(d) >= 1000 ? "%.0f" : "%.4f", d);
    return v.toString();
  }

  /**
   * Writes report.md, {@code csvName} and summary.json into {@code dir} and prints the table.
   *
   * @param extra more summary.json entries (e.g. per-run details)
   */
  static void write(Path dir, PrintStream out, String name, String title, String command, Map<String, Object> settings,
      List<String> header, List<? extends List<?>> rows, String csvName, String pngName, String notes, Map<String, Object> extra) {
    Csv.write(dir.resolve(csvName), header, rows);
    String tbl = table(header, rows);
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
    md.append("Reproduce:\n\n```\n").append(command).append("\n```\n\n## Settings\n\n| setting | value |\n|---|---|\n");
    settings.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n"));
    md.append("\n## Results\n\n").append(tbl).append('\n');
    if (pngName != null) md.append("![").append(title).append("](").append(pngName).append(")\n\n");
    if (notes != null && !notes.isEmpty()) md.append(notes).append('\n');
    AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("experiment", name);
    s.put("command", command);
    s.put("settings", settings);
    List<Map<String, Object>> rs = new ArrayList<>();
    for (List<?> r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) m.put(header.get(i), r.get(i) instanceof Double d && !Double.isFinite(d) ? null : r.get(i));
      rs.add(m);
    }
    s.put("results", rs);
    s.putAll(extra);
    AtomicFiles.writeString(dir.resolve("summary.json"), Jackson.pretty(s));
    out.println();
    out.println(title);
    out.print(tbl);
    out.println("wrote " + dir + "/{report.md, " + csvName + (pngName != null ? ", " + pngName : "") + ", summary.json}");
  }
}
