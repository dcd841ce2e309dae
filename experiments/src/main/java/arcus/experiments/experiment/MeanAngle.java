package arcus.experiments.experiment;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Tensor;
import arcus.losses.MarginLoss;
import arcus.losses.SimplexClassifier;

/**
 * [W-Softmax], Eq. 14 (docs/losses.md): the mean angle between the features of class j and its class weight w_j,
 * θ̄_j = (1/N_j) Σ_{i: y_i = j} arccos(x_iᵀw_j / (‖x_i‖‖w_j‖)), in degrees.
 */
public final class MeanAngle {
  private MeanAngle() {}

  /** Guard for zero norms (a ReLU feature can be exactly 0): such a feature counts as 90°. */
  static final double EPS = 1e-12;

  /**
   * Per-class mean angle in degrees.
   *
   * @param x features, n rows of d values
   * @param labels n labels in [0, C)
   * @param w class weights, d rows of C values (column j = class j)
   * @return C values; NaN for a class without samples
   */
  public static double[] perClassDegrees(double[][] x, int[] labels, double[][] w) {
    if (x.length != labels.length) throw new IllegalArgumentException(x.length + " features but " + labels.length + " labels");
    int d = w.length, c = w[0].length;
    double[] wn = new double[c];
    for (int j = 0; j < c; j++) {
      double s = 0;
      for (int r = 0; r < d; r++) s += w[r][j] * w[r][j];
      wn[j] = Math.sqrt(s);
    }
    double[] sum = new double[c];
    int[] count = new int[c];
    for (int i = 0; i < x.length; i++) {
      int j = labels[i];
      if (x[i].length != d) throw new IllegalArgumentException("feature " + i + " has " + x[i].length + " values, weights have " + d + " rows");
      double dot = 0, xx = 0;
      for (int r = 0; r < d; r++) {
        dot += x[i][r] * w[r][j];
        xx += x[i][r] * x[i][r];
      }
      double cos = dot / (Math.max(Math.sqrt(xx), EPS) * Math.max(wn[j], EPS));
      sum[j] += Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
      count[j]++;
    }
    double[] out = new double[c];
    for (int j = 0; j < c; j++) out[j] = count[j] == 0 ? Double.NaN : sum[j] / count[j];
    return out;
  }

  /** The mean over the classes that have samples (the paper's "average"). */
  public static double average(double[] perClass) {
    double s = 0;
    int n = 0;
    for (double v : perClass) {
      if (!Double.isNaN(v)) {
        s += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /**
   * The class weight vectors of a head, as d rows of C values: {@code "w"} for the single-classifier
   * losses (center loss: its base loss's w), the sum {@code w0 + … + w{K−1}} for EM-Softmax, and the
   * frozen regular-simplex columns for the fixed simplex head.
   */
  public static double[][] classWeights(MarginLoss loss, Params head, int featureDim, int classes) {
    Tensor w;
    if (loss instanceof SimplexClassifier) {
      w = SimplexClassifier.weights(featureDim, DType.F64);
    } else if (head.has("w")) {
      w = head.get("w");
    } else if (head.has("w0")) {
      w = head.get("w0");
      for (int v = 1; head.has("w" + v); v++) w = w.add(head.get("w" + v));
    } else {
      throw new IllegalArgumentException("cannot find class weights in the head of " + loss + " (entries " + head.names() + ")");
    }
    return rows(w.toDoubleArray(), featureDim, classes);
  }

  /** The cosines between every two distinct columns of {@code w} (d rows of C values), pair (i, j) with i < j in row order. */
  static double[] pairwiseCosines(double[][] w) {
    int d = w.length, k = w[0].length;
    double[] out = new double[k * (k - 1) / 2];
    int n = 0;
    for (int i = 0; i < k; i++)
      for (int j = i + 1; j < k; j++) {
        double dot = 0, ni = 0, nj = 0;
        for (int r = 0; r < d; r++) {
          dot += w[r][i] * w[r][j];
          ni += w[r][i] * w[r][i];
          nj += w[r][j] * w[r][j];
        }
        out[n++] = dot / Math.sqrt(ni * nj);
      }
    return out;
  }

  /** The mean cosine between distinct class weight columns of {@code w}. */
  static double meanPairwiseCosine(double[][] w) {
    return java.util.Arrays.stream(pairwiseCosines(w)).average().orElse(Double.NaN);
  }

  static double[][] rows(double[] flat, int r, int c) {
    if (flat.length != r * c) throw new IllegalArgumentException("expected " + r + "×" + c + " values, got " + flat.length);
    double[][] out = new double[r][c];
    for (int i = 0; i < r; i++) System.arraycopy(flat, i * c, out[i], 0, c);
    return out;
  }
}
