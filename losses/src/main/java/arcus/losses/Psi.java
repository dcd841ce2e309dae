package arcus.losses;

import arcus.core.Tensor;

/**
 * ψ(θ) = (−1)^k cos(mθ) − 2k for θ ∈ [kπ/m, (k+1)π/m] (L-Softmax, Liu et al. 2016, Eq. 6), as a
 * function of cos θ: cos(mθ) = Σ_{n=0}^{⌊m/2⌋} (−1)^n C(m, 2n) cos^{m−2n}θ (1 − cos²θ)^n (Eq. 7),
 * so no arccos is needed. The branch index k = #{j ∈ 1..m−1 : cos θ < cos(jπ/m)} comes from
 * comparisons, which carry no gradient: k is a constant for differentiation.
 */
final class Psi {
  private Psi() {}

  static Tensor psi(Tensor cos, int m) {
    Tensor sign = cos.constant(1.0); // (−1)^k, built as a product of ±1 so it is exact
    Tensor k = cos.constant(0.0);
    for (int j = 1; j < m; j++) {
      Tensor below = cos.lt(Math.cos(j * Math.PI / m)); // 1 where θ > jπ/m
      k = k.add(below);
      sign = sign.mul(below.mul(-2.0).add(1.0));
    }
    return sign.mul(cosMultiple(cos, m)).sub(k.mul(2.0));
  }

  /** cos(mθ) as the polynomial of Eq. 7 in c = cos θ. */
  static Tensor cosMultiple(Tensor c, int m) {
    Tensor sin2 = c.square().rsub(1.0);
    Tensor sum = null;
    for (int n = 0; 2 * n <= m; n++) {
      double coef = (n % 2 == 0 ? 1 : -1) * binomial(m, 2 * n);
      Tensor term = power(c, m - 2 * n).mul(power(sin2, n)).mul(coef);
      sum = sum == null ? term : sum.add(term);
    }
    return sum;
  }

  private static Tensor power(Tensor x, int e) {
    Tensor r = x.constant(1.0);
    for (int i = 0; i < e; i++) r = r.mul(x);
    return r;
  }

  private static double binomial(int n, int k) {
    double r = 1;
    for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
    return r;
  }
}
