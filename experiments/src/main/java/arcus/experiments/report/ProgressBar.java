package arcus.experiments.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress display: step/total, loss, images per second and time left. On a terminal
 * the line is redrawn in place with '\r'; elsewhere (CI logs, files) a '\r' would pile up into
 * one huge line, so a plain line is printed every {@code everyPercent}% instead.
 */
public final class ProgressBar {
  private static final int WIDTH = 24;
  private final PrintStream out;
  private final String label;
  private final long total;
  private final boolean interactive;
  private final int everyPercent;
  private final LongSupplier nanoClock;
  private final long startNanos;
  private long images;
  private int lastPercentPrinted = -1;
  private int lastLength;

  public ProgressBar(PrintStream out, String label, long total, boolean interactive,
      int everyPercent, LongSupplier nanoClock) {
    if (total <= 0 || everyPercent <= 0 || everyPercent > 100) {
      throw new IllegalArgumentException(
          "progress bar '" + label + "': total and everyPercent must be > 0");
    }
    this.out = out;
    this.label = label;
    this.total = total;
    this.interactive = interactive;
    this.everyPercent = everyPercent;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  /** On stdout, redrawing in place only when stdout is a terminal. */
  public static ProgressBar forStdout(String label, long total) {
    return new ProgressBar(System.out, label, total, isTerminal(), 10, System::nanoTime);
  }

  /**
   * Since JDK 22 System.console() is non-null even when output is redirected, so ask the console
   * whether it is a real terminal too.
   */
  public static boolean isTerminal() {
    java.io.Console c = System.console();
    return c != null && c.isTerminal();
  }

  /** Reports that {@code step} steps are done, having seen {@code batchImages} more images. */
  public void update(long step, double loss, long batchImages) {
    images += batchImages;
    double seconds = (nanoClock.getAsLong() - startNanos) / 1e9;
    String line = render(step, loss, seconds);
    if (interactive) {
      // Pad with spaces so a shorter line fully covers the previous one.
      String padded = line.length() < lastLength
          ? line + " ".repeat(lastLength - line.length()) : line;
      out.print('\r' + padded);
      out.flush();
      lastLength = line.length();
    } else {
      int percent = (int) (100 * Math.min(step, total) / total);
      int bucket = percent / everyPercent * everyPercent;
      if (bucket > lastPercentPrinted) {
        lastPercentPrinted = bucket;
        out.println(line);
      }
    }
  }

  /** Ends the line on a terminal; call once after the last update. */
  public void finish() {
    if (interactive) {
      out.println();
    }
  }

  String render(long step, double loss, double seconds) {
    double frac = Math.min(1.0, (double) step / total);
    int filled = (int) Math.round(frac * WIDTH);
    double rate = seconds > 0 ? images / seconds : 0;
    double eta = step > 0 ? seconds * (total - step) / step : Double.NaN;
    return String.format(Locale.ROOT, "%s [%s%s] %d/%d %3.0f%% loss %.4f %s img/s ETA %s",
        label, "=".repeat(filled), " ".repeat(WIDTH - filled), step, total, frac * 100, loss,
        rate >= 1000 ? String.format(Locale.ROOT, "%.1fk", rate / 1000)
            : String.format(Locale.ROOT, "%.0f", rate), duration(eta));
  }

  static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "--:--";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}
