package arcus.experiments.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongSupplier;

/**
 * A one-line progress display: step/total, loss, images per second and the time left. On a
 * terminal the line is redrawn in place with '\r'; elsewhere (CI logs, files) a '\r' would pile up
 * into one huge line, so a plain line is printed every {@code everyPercent}% instead.
 *
 * <p>The rate is measured from the end of the first step on (the first step pays for JIT
 * compilation and allocation and would make the estimate far too long), and the time left is shown
 * as "estimating" until {@link #WARM_STEPS} steps after the first have been timed. The time left
 * covers this bar's remaining steps plus whatever the caller says follows it ({@link #after}: the
 * evaluation, later epochs), so it is the time left for the whole run.
 */
public final class ProgressBar {
  /** Steps after the first that must be timed before a time left is shown. */
  public static final int WARM_STEPS = 2;
  private static final int WIDTH = 24;
  private final PrintStream out;
  private final String label;
  private final long total;
  private final boolean interactive;
  private final int everyPercent;
  private final LongSupplier nanoClock;
  private final long startNanos;
  private DoubleUnaryOperator after = secondsPerStep -> 0;
  private double prior = Double.NaN;
  private long images;
  private long warmNanos = -1;
  private long warmStep;
  private long warmImages;
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

  /**
   * Declares the work that follows this bar: {@code secondsAfter} maps this bar's measured
   * seconds per step to the seconds of work after its last step; they are added to the time left.
   */
  public ProgressBar after(DoubleUnaryOperator secondsAfter) {
    this.after = secondsAfter;
    return this;
  }

  /**
   * A seconds-per-step estimate from earlier work of the same kind (the previous epoch, the
   * previous evaluation), used for the time left until this bar has timed its own steps.
   */
  public ProgressBar expecting(double secondsPerStep) {
    this.prior = secondsPerStep;
    return this;
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
    long now = nanoClock.getAsLong();
    if (warmNanos < 0) {
      // The first report closes the warm-up step; the rate is measured from here on.
      warmNanos = now;
      warmStep = step;
      warmImages = images;
    }
    String line = render(step, loss, now);
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

  /** As {@link #update(long, double, long)} for work without a loss (evaluation). */
  public void update(long step, long batchImages) {
    update(step, Double.NaN, batchImages);
  }

  /** Ends the line on a terminal; call once after the last update. */
  public void finish() {
    if (interactive) {
      out.println();
    }
  }

  /** Seconds per step after the warm-up step, NaN until {@link #WARM_STEPS} of them were timed. */
  double secondsPerStep(long step, long now) {
    long timed = step - warmStep;
    return warmNanos >= 0 && timed >= WARM_STEPS ? (now - warmNanos) / 1e9 / timed : Double.NaN;
  }

  String render(long step, double loss, long now) {
    double frac = Math.min(1.0, (double) step / total);
    int filled = (int) Math.round(frac * WIDTH);
    double measured = secondsPerStep(step, now);
    double sps = Double.isFinite(measured) ? measured : prior;
    double rate = Double.isFinite(measured) ? (images - warmImages) / ((now - warmNanos) / 1e9)
        : now > startNanos ? images / ((now - startNanos) / 1e9) : 0;
    double eta = Double.isFinite(sps) ? sps * Math.max(0, total - step) + after.applyAsDouble(sps) : Double.NaN;
    return String.format(Locale.ROOT, "%s [%s%s] %d/%d %3.0f%%%s %s img/s ETA %s",
        label, "=".repeat(filled), " ".repeat(WIDTH - filled), step, total, frac * 100,
        Double.isNaN(loss) ? "" : String.format(Locale.ROOT, " loss %.4f", loss),
        rate >= 1000 ? String.format(Locale.ROOT, "%.1fk", rate / 1000)
            : String.format(Locale.ROOT, "%.0f", rate), Double.isFinite(eta) ? duration(eta) : "estimating");
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
