package arcus.experiments.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Open-set face-verification scoring ([ArcFace], [W-Softmax] on LFW), on any labelled embedding:
 * sampled same/different pairs, cosine scores, the LFW 10-fold accuracy, TAR at a fixed FAR and
 * the ROC's area. Pure functions, so each is tested against hand-made values.
 */
final class Verification {
  private Verification() {}

  /** Pair k joins images a[k] and b[k]; same[k] says whether they share a class. */
  record Pairs(int[] a, int[] b, boolean[] same) {
    int size() {
      return a.length;
    }

    int positives() {
      int n = 0;
      for (boolean s : same) if (s) n++;
      return n;
    }
  }

  /**
   * n distinct unordered pairs of distinct images, alternately same-class (even k) and
   * different-class (odd k), so every block of consecutive pairs (a fold) is balanced. Drawn
   * from {@code seed} alone: the same labels and seed give the same pairs.
   */
  static Pairs sample(int[] labels, int n, long seed) {
    if (n < 2 || n % 2 != 0) throw new IllegalArgumentException("--pairs must be an even number >= 2, got " + n);
    Map<Integer, List<Integer>> byClass = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i++) byClass.computeIfAbsent(labels[i], c -> new ArrayList<>()).add(i);
    long total = (long) labels.length * (labels.length - 1) / 2, sameAvail = 0;
    List<Integer> withMate = new ArrayList<>();
    for (List<Integer> c : byClass.values()) {
      sameAvail += (long) c.size() * (c.size() - 1) / 2;
      if (c.size() > 1) withMate.addAll(c);
    }
    if (n / 2 > sameAvail || n / 2 > total - sameAvail)
      throw new IllegalArgumentException("--pairs " + n + " needs " + n / 2 + " same-class and " + n / 2 + " different-class pairs, but the "
          + labels.length + " held-out images only have " + sameAvail + " and " + (total - sameAvail));
    SplittableRandom r = new SplittableRandom(seed);
    int[] a = new int[n], b = new int[n];
    boolean[] same = new boolean[n];
    Set<Long> seen = new HashSet<>();
    for (int k = 0; k < n; k++) {
      boolean s = k % 2 == 0;
      int i, j;
      do {
        if (s) {
          i = withMate.get(r.nextInt(withMate.size()));
          List<Integer> mates = byClass.get(labels[i]);
          do j = mates.get(r.nextInt(mates.size())); while (j == i);
        } else {
          i = r.nextInt(labels.length);
          do j = r.nextInt(labels.length); while (labels[j] == labels[i]);
        }
      } while (!seen.add((long) Math.min(i, j) * labels.length + Math.max(i, j)));
      a[k] = i;
      b[k] = j;
      same[k] = s;
    }
    return new Pairs(a, b, same);
  }

  /** The cosine similarity of each pair's feature rows (0 where a feature is all zero). */
  static double[] cosines(double[][] x, Pairs p) {
    double[] s = new double[p.size()];
    for (int k = 0; k < s.length; k++) {
      double[] u = x[p.a()[k]], v = x[p.b()[k]];
      double uv = 0, uu = 0, vv = 0;
      for (int i = 0; i < u.length; i++) {
        uv += u[i] * v[i];
        uu += u[i] * u[i];
        vv += v[i] * v[i];
      }
      s[k] = uu == 0 || vv == 0 ? 0 : uv / Math.sqrt(uu * vv);
    }
    return s;
  }

  /** Fraction of pairs judged right when "same" means score > t. */
  static double accuracy(double[] scores, boolean[] same, double t) {
    int ok = 0;
    for (int k = 0; k < scores.length; k++) if ((scores[k] > t) == same[k]) ok++;
    return (double) ok / scores.length;
  }

  /**
   * The threshold t (accept iff score > t) with the highest accuracy on these pairs: every cut
   * between two neighbouring distinct scores (at their midpoint) and the two ends are tried; ties
   * go to the lowest t.
   */
  static double bestThreshold(double[] scores, boolean[] same) {
    Integer[] idx = new Integer[scores.length];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    Arrays.sort(idx, (p, q) -> Double.compare(scores[p], scores[q]));
    int correct = 0;
    for (boolean s : same) if (s) correct++; // t below every score: all accepted
    int best = correct;
    double bestT = Double.NEGATIVE_INFINITY;
    for (int g = 0; g < idx.length; ) {
      double v = scores[idx[g]];
      for (; g < idx.length && scores[idx[g]] == v; g++) correct += same[idx[g]] ? -1 : 1; // now rejected
      if (correct > best) {
        best = correct;
        bestT = g < idx.length ? (v + scores[idx[g]]) / 2 : v;
      }
    }
    return bestT;
  }

  /**
   * The LFW protocol: the pairs in {@code folds} consecutive blocks; for each block, the
   * threshold that maximises accuracy on the other blocks, applied to this block; the mean of the
   * blocks' accuracies.
   */
  static double foldAccuracy(double[] scores, boolean[] same, int folds) {
    int n = scores.length;
    if (folds < 2 || n < folds) throw new IllegalArgumentException(folds + "-fold accuracy needs at least " + folds + " pairs, got " + n);
    double sum = 0;
    for (int f = 0; f < folds; f++) {
      int lo = (int) ((long) f * n / folds), hi = (int) ((long) (f + 1) * n / folds);
      double[] trS = new double[n - (hi - lo)];
      boolean[] trY = new boolean[trS.length];
      for (int k = 0, j = 0; k < n; k++)
        if (k < lo || k >= hi) {
          trS[j] = scores[k];
          trY[j++] = same[k];
        }
      double t = bestThreshold(trS, trY);
      sum += accuracy(Arrays.copyOfRange(scores, lo, hi), Arrays.copyOfRange(same, lo, hi), t);
    }
    return sum / folds;
  }

  /**
   * TAR at FAR ≤ {@code far}: the threshold is the (k+1)-th highest negative score with k =
   * ⌊far · negatives⌋ (so at most k negatives lie strictly above it), and TAR is the fraction of
   * positives strictly above it. {@code falseAccepts} = k says how many negatives the FAR rests on.
   */
  record TarAtFar(double tar, double threshold, int falseAccepts, int negatives) {}

  static TarAtFar tarAtFar(double[] positives, double[] negatives, double far) {
    if (negatives.length == 0 || positives.length == 0) throw new IllegalArgumentException("TAR at FAR needs positive and negative scores");
    double[] neg = negatives.clone();
    Arrays.sort(neg);
    int k = falseAccepts(far, neg.length);
    double t = k < neg.length ? neg[neg.length - 1 - k] : Double.NEGATIVE_INFINITY;
    int above = 0;
    for (double p : positives) if (p > t) above++;
    return new TarAtFar((double) above / positives.length, t, Math.min(k, neg.length), neg.length);
  }

  /** k = ⌊far · negatives⌋: the negatives that may score above the threshold at that FAR. */
  static int falseAccepts(double far, int negatives) {
    return (int) Math.floor(far * negatives + 1e-9);
  }

  /** The ROC's area: P(positive > negative) + ½ P(tie), from mid-ranks (Mann–Whitney U / (n_p n_n)). */
  static double auc(double[] positives, double[] negatives) {
    int np = positives.length, nn = negatives.length, n = np + nn;
    double[] all = new double[n];
    System.arraycopy(positives, 0, all, 0, np);
    System.arraycopy(negatives, 0, all, np, nn);
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    Arrays.sort(idx, (p, q) -> Double.compare(all[p], all[q]));
    double rankSum = 0; // of the positives, ranks 1..n, ties sharing their mean rank
    for (int g = 0; g < n; ) {
      int e = g;
      while (e < n && all[idx[e]] == all[idx[g]]) e++;
      double mid = (g + 1 + e) / 2.0;
      for (int i = g; i < e; i++) if (idx[i] < np) rankSum += mid;
      g = e;
    }
    return (rankSum - (double) np * (np + 1) / 2) / ((double) np * nn);
  }

  /** The scores of the pairs that are ({@code same}) or are not same-class. */
  static double[] scores(double[] scores, boolean[] same, boolean which) {
    double[] out = new double[scores.length];
    int j = 0;
    for (int k = 0; k < scores.length; k++) if (same[k] == which) out[j++] = scores[k];
    return Arrays.copyOf(out, j);
  }

  /** FARs for the ROC plot: {@code points} values log-spaced from 1/negatives to 1. */
  static double[] farGrid(int negatives, int points) {
    double lo = Math.log10(1.0 / negatives);
    double[] f = new double[points];
    for (int i = 0; i < points; i++) f[i] = Math.pow(10, lo * (1 - (double) i / (points - 1)));
    return f;
  }
}
