package arcus.losses;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * EM-Softmax (Wang et al. 2018, "Ensemble Soft-Margin Softmax Loss for Image Classification",
 * the soft-margin softmax and the HSIC-regularised ensemble): K linear classifiers W^v [d, C]
 * (parameters {@code "w0".."w{K-1}"}) on the same feature; each gets the soft-margin softmax
 * loss L_SM(W^v) with logits x W^v and m subtracted from the raw target logit;
 * L = combine_v L_SM(W^v) + λ_H Σ_{u<v} HSIC(W^u, W^v), HSIC(A, B) = (C − 1)^{−2} tr(K_A H K_B H),
 * K_A = AᵀA, H = I − 11ᵀ/C.
 *
 * <p>{@code combine}: MEAN (default, (1/K) Σ_v, the project's reading of the paper, docs/losses.md) or SUM.
 * {@link #logits} returns the sum over v of the K soft-margin logits (the ensemble's training
 * logits); {@link #loss} is not the CE of that sum but the ensemble loss above. Test scores:
 * Σ_v x W^v.
 */
public record EmSoftmax(int k, double m, double hsicLambda, Combine combine) implements MarginLoss {
  public enum Combine { MEAN, SUM }

  public EmSoftmax {
    if (k < 1 || k > ParamRanges.MAX_EM_K) throw new IllegalArgumentException("emsoftmax: K must be an integer in [1, " + ParamRanges.MAX_EM_K + "], got " + k);
    Check.finite("emsoftmax", "m", m);
    Check.nonNegative("emsoftmax", "hsic_lambda", hsicLambda);
    if (hsicLambda > ParamRanges.MAX_TERM_WEIGHT)
      throw new IllegalArgumentException("emsoftmax: hsic_lambda must be in [0, 1000000], got " + hsicLambda + " (the weighted HSIC term would overflow)");
    if (combine == null) throw new IllegalArgumentException("emsoftmax: combine must be mean or sum");
  }

  static String name(int v) {
    return "w" + v;
  }

  /** The v-th classifier's soft-margin logits x W^v − m·onehot(y). */
  private Tensor softMarginLogits(Tensor x, Tensor w, int[] labels) {
    Tensor f = x.matmul(w);
    return Geometry.withTarget(f, f.takeAlong(1, labels).sub(m), labels);
  }

  @Override
  public Tensor logits(Tensor x, Params p, int[] labels) {
    Tensor sum = null;
    for (int v = 0; v < k; v++) {
      Tensor f = softMarginLogits(x, p.get(name(v)), labels);
      sum = sum == null ? f : sum.add(f);
    }
    return sum;
  }

  @Override
  public Tensor loss(Tensor x, Params p, int[] labels) {
    Tensor ce = null;
    for (int v = 0; v < k; v++) {
      Tensor l = CrossEntropy.mean(softMarginLogits(x, p.get(name(v)), labels), labels);
      ce = ce == null ? l : ce.add(l);
    }
    if (combine == Combine.MEAN) ce = ce.div(k);
    if (hsicLambda == 0 || k == 1) return ce;
    Tensor div = null;
    for (int u = 0; u < k; u++)
      for (int v = u + 1; v < k; v++) {
        Tensor h = hsic(p.get(name(u)), p.get(name(v)));
        div = div == null ? h : div.add(h);
      }
    return ce.add(div.mul(hsicLambda));
  }

  /**
   * HSIC(A, B) = (C − 1)^{−2} tr(K_A H K_B H) with K_A = AᵀA. Since H is symmetric and idempotent,
   * tr(AᵀA H BᵀB H) = ‖(AH)(BH)ᵀ‖_F², and AH centres each row of A over the classes, so the
   * trace is computed on a [d, d] matrix instead of two [C, C] ones.
   */
  public static Tensor hsic(Tensor a, Tensor b) {
    int c = a.dim(1);
    Tensor ac = a.sub(a.mean(1, true));
    Tensor bc = b.sub(b.mean(1, true));
    return ac.matmul(bc, false, true).square().sum().div((double) (c - 1) * (c - 1));
  }

  @Override
  public Tensor scores(Tensor x, Params p) {
    Tensor sum = null;
    for (int v = 0; v < k; v++) {
      Tensor f = x.matmul(p.get(name(v)));
      sum = sum == null ? f : sum.add(f);
    }
    return sum;
  }

  @Override
  public Params init(Rng rng, DType dtype, int d, int c) {
    Params p = Params.empty();
    for (int v = 0; v < k; v++) p = p.with(name(v), Geometry.xavier(rng, dtype, d, c));
    return p;
  }

  /** Splits a stacked [K, d, C] weight tensor into {@code "w0".."w{K-1}"}. */
  @Override
  public Params params(Tensor weights) {
    if (weights.rank() != 3 || weights.dim(0) != k)
      throw new IllegalArgumentException("emsoftmax: weights must be [K = " + k + ", d, C], got " + weights.shape());
    List<String> names = new ArrayList<>();
    List<Tensor> ws = new ArrayList<>();
    for (int v = 0; v < k; v++) {
      names.add(name(v));
      ws.add(weights.slice(0, v, v + 1).reshape(weights.dim(1), weights.dim(2)));
    }
    return Params.of(names, ws);
  }
}
