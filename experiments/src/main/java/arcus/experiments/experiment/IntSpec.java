package arcus.experiments.experiment;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Integer lists on the command line: comma-separated items, each an integer, a range
 * {@code a..b}, or an expression in the class count {@code k}: {@code k}, {@code k+2},
 * {@code k-3}, {@code 5k}. So {@code k-3..k+2,2k,5k} with k = 10 is 7, 8, 9, 10, 11, 12, 20, 50.
 * Duplicates are dropped and order kept.
 */
public final class IntSpec {
  private IntSpec() {}

  /** Most numbers a list may hold: each is a training run, so 1..2000000000 is a mistake, refused at once (docs/robustness.md). */
  public static final int MAX_ITEMS = 10_000;

  /** Parses a list without k (ranges and integers only). */
  public static List<Integer> parse(String spec) {
    return parse(spec, null);
  }

  /** Parses a list in which {@code k} stands for the class count (null: k not allowed). */
  public static List<Integer> parse(String spec, Integer k) {
    LinkedHashSet<Integer> out = new LinkedHashSet<>();
    for (String item : spec.replace(" ", "").toLowerCase(Locale.ROOT).split(",")) {
      if (item.isEmpty()) continue;
      int dots = item.indexOf("..");
      if (dots >= 0) {
        int a = term(item.substring(0, dots), k, spec), b = term(item.substring(dots + 2), k, spec);
        if (b < a) throw new IllegalArgumentException("'" + spec + "': range " + item + " is empty");
        if ((long) b - a + 1 > MAX_ITEMS)
          throw new IllegalArgumentException("'" + spec + "': range " + item + " has " + ((long) b - a + 1) + " numbers, more than the " + MAX_ITEMS + " a list may hold");
        for (int i = a; i <= b; i++) out.add(i);
        if (out.size() > MAX_ITEMS) throw new IllegalArgumentException("'" + spec + "' lists more than the " + MAX_ITEMS + " numbers a list may hold");
      } else {
        out.add(term(item, k, spec));
      }
    }
    if (out.isEmpty()) throw new IllegalArgumentException("'" + spec + "' lists no numbers");
    return new ArrayList<>(out);
  }

  private static int term(String t, Integer k, String spec) {
    try {
      if (!t.contains("k")) return Integer.parseInt(t);
      if (k == null) throw new IllegalArgumentException("'" + spec + "': k is not defined here");
      if (t.equals("k")) return k;
      if (t.startsWith("k+")) return Math.addExact(k, Integer.parseInt(t.substring(2)));
      if (t.startsWith("k-")) return Math.subtractExact(k, Integer.parseInt(t.substring(2)));
      if (t.endsWith("k")) return Math.multiplyExact(Integer.parseInt(t.substring(0, t.length() - 1)), k);
    } catch (NumberFormatException | ArithmeticException e) {
      // fall through
    }
    throw new IllegalArgumentException("'" + spec + "': cannot read '" + t + "' (use integers, a..b, k, k+n, k-n, nk)");
  }
}
