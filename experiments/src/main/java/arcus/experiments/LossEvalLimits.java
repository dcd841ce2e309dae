package arcus.experiments;

import java.io.IOException;
import java.io.InputStream;

/**
 * The size limits of one {@code arcus loss-eval} case (docs/robustness.md). The work of a case
 * grows with N·C (every loss forms [N, C] logits and their gradient), with K·N·C for EM-Softmax
 * and with K²·d² for its HSIC term; the text of a case does not bound these products (a 2 MB case
 * can ask for 10⁹ logits), so they are checked once the shapes are known, before any tensor is made.
 */
final class LossEvalLimits {
  private LossEvalLimits() {}

  /** Largest case text: 256 MiB, beyond any cross-check case (the biggest in tools/ is under 1 MiB). */
  static final int MAX_INPUT_BYTES = 256 << 20;

  /** Largest [N, C] (times K for EM-Softmax), [d, C] or K²·[d, d] intermediate: 2^24 elements, 128 MiB in float64. */
  static final long MAX_ELEMENTS = 1L << 24;

  /** Reads the whole input, refusing more than {@link #MAX_INPUT_BYTES} before holding it all. */
  static byte[] read(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_INPUT_BYTES + 1);
    if (b.length > MAX_INPUT_BYTES)
      throw new IllegalArgumentException("input: more than " + MAX_INPUT_BYTES + " bytes (" + (MAX_INPUT_BYTES >> 20) + " MiB), the largest case loss-eval accepts");
    return b;
  }

  /** Refuses shapes whose intermediates exceed {@link #MAX_ELEMENTS}; k = 1 except for EM-Softmax. */
  static void checkShapes(int n, int d, int c, int k, boolean hsic) {
    long logits = (long) n * c * k;
    if (logits > MAX_ELEMENTS)
      throw new IllegalArgumentException("features/weights: N·C" + (k > 1 ? "·K" : "") + " = " + n + "·" + c + (k > 1 ? "·" + k : "") + " = " + logits
          + " logits, more than the limit " + MAX_ELEMENTS);
    long weights = (long) k * d * c; // the simplex head builds its d×(d + 1) weights itself
    if (weights > MAX_ELEMENTS)
      throw new IllegalArgumentException("weights: " + (k > 1 ? "K·" : "") + "d·C = " + weights + " elements, more than the limit " + MAX_ELEMENTS);
    long gram = (long) d * d * k * k;
    if (hsic && k > 1 && gram > MAX_ELEMENTS)
      throw new IllegalArgumentException("weights: emsoftmax's HSIC term needs K²·d² = " + gram + " elements, more than the limit " + MAX_ELEMENTS);
  }

  /**
   * Largest magnitude of a feature, weight or center value: 10⁶. Squared norms then stay below
   * 10¹²·d and unnormalised logits below 10¹²·d, finite in float32 for any d the size limit allows;
   * a value beyond would make the loss overflow to infinity, which no cross-check needs.
   */
  static final double MAX_VALUE = 1e6;

  static void checkValues(String field, double[] data) {
    for (int i = 0; i < data.length; i++)
      if (!(Math.abs(data[i]) <= MAX_VALUE))
        throw new IllegalArgumentException(field + ": element " + i + " (row-major) = " + data[i] + " is out of range: must be a number in [-1e6, 1e6]");
  }
}
