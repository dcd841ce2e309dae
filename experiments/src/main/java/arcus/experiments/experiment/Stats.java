package arcus.experiments.experiment;

import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * What an experiment says about a measurement repeated over seeds: its mean ± sample standard
 * deviation, and whether two settings differ by more than their spread.
 *
 * <p>Two settings "differ beyond the spread" when the gap between their means is larger than the
 * sum of their standard deviations (the mean ± sd intervals do not overlap). With 3 seeds that is
 * the honest, conservative reading; Welch's two-sided t-test (Apache Commons Math) is reported
 * beside it as a p-value. A difference within the spread is reported as such, never as a win.
 */
public final class Stats {
  private Stats() {}

  /** n values: their mean and sample standard deviation (0 for one value). */
  public record Summary(int n, double mean, double sd, double[] values) {
    /** {@code 99.12 ± 0.05} in percent (for accuracies). */
    public String percent() {
      return n == 0 ? "—" : String.format(Locale.ROOT, n > 1 ? "%.2f ± %.2f" : "%.2f", 100 * mean, 100 * sd);
    }

    /** {@code 41.3 ± 0.8} with {@code digits} decimals. */
    public String plain(int digits) {
      return n == 0 ? "—" : String.format(Locale.ROOT, n > 1 ? "%." + digits + "f ± %." + digits + "f" : "%." + digits + "f", mean, sd);
    }
  }

  /** The summary of the finite values among {@code xs} (a failed run's NaN is left out and counted by n). */
  public static Summary of(double... xs) {
    SummaryStatistics s = new SummaryStatistics();
    for (double x : xs) if (Double.isFinite(x)) s.addValue(x);
    int n = (int) s.getN();
    double[] kept = Arrays.stream(xs).filter(Double::isFinite).toArray();
    return new Summary(n, n == 0 ? Double.NaN : s.getMean(), n > 1 ? s.getStandardDeviation() : 0, kept);
  }

  /** b against a: the difference of means b − a, Welch's p-value, and whether the gap exceeds the spread. */
  public record Comparison(Summary a, Summary b, double delta, double p, boolean beyondSpread) {
    /** e.g. {@code +0.41 points (p = 0.003), beyond the spread}. */
    public String describePercent() {
      return String.format(Locale.ROOT, "%+.2f points (%s), %s", 100 * delta, pText(), beyondSpread ? "beyond the spread" : "within the spread");
    }

    public String describe(int digits, String unit) {
      return String.format(Locale.ROOT, "%+." + digits + "f%s (%s), %s", delta, unit, pText(), beyondSpread ? "beyond the spread" : "within the spread");
    }

    private String pText() {
      return Double.isNaN(p) ? "p: n/a" : String.format(Locale.ROOT, "Welch p = %.2g", p);
    }
  }

  public static Comparison compare(Summary a, Summary b) {
    double delta = b.mean() - a.mean();
    boolean beyond = a.n() > 0 && b.n() > 0 && Math.abs(delta) > a.sd() + b.sd();
    double p = Double.NaN;
    if (a.n() > 1 && b.n() > 1) {
      if (a.sd() == 0 && b.sd() == 0) p = delta == 0 ? 1 : 0;
      else p = new TTest().tTest(a.values(), b.values());
    }
    return new Comparison(a, b, delta, p, beyond);
  }
}
