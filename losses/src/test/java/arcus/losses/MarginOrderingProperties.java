package arcus.losses;

import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * The margin only ever lowers the target logit: for each margin loss, the training logit of the
 * true class is never larger than its unmargined counterpart, and the other logits are unchanged.
 */
class MarginOrderingProperties {
  static final double TOL = 1e-12;

  @Property(tries = 200)
  void psiNeverExceedsCos(@ForAll @IntRange(min = 1, max = 6) int m, @ForAll @DoubleRange(min = 0, max = 3.14159) @net.jqwik.api.constraints.Scale(6) double theta) {
    double c = Math.cos(theta);
    double psi = Psi.psi(Tensor.of(new double[] {c}, 1), m).item();
    assertTrue(psi <= c + TOL, "ψ(" + theta + ") = " + psi + " > cos θ = " + c + " for m = " + m);
    // and ψ agrees with the piecewise definition
    int k = Math.min(m - 1, (int) Math.floor(theta * m / Math.PI));
    double expected = (k % 2 == 0 ? 1 : -1) * Math.cos(m * theta) - 2 * k;
    assertTrue(Math.abs(psi - expected) < 1e-9, "ψ(" + theta + ") = " + psi + ", expected " + expected);
  }

  /** Target logits of the margined and unmargined versions on random data. */
  static void assertTargetsLower(MarginLoss margined, MarginLoss plain, Tensor x, Params p, int[] labels, boolean restrictTheta, double maxTheta) {
    Tensor a = margined.logits(x, p, labels), b = plain.logits(x, p, labels);
    Tensor cos = Geometry.cosine(x, p.has("w") ? p.get("w") : p.get("w0"));
    for (int i = 0; i < labels.length; i++) {
      if (restrictTheta && Math.acos(Math.max(-1, Math.min(1, cos.get(i, labels[i])))) > maxTheta) continue;
      for (int j = 0; j < a.dim(1); j++) {
        if (j == labels[i]) assertTrue(a.get(i, j) <= b.get(i, j) + TOL, margined + ": target " + a.get(i, j) + " > " + b.get(i, j));
        else if (!(margined instanceof EmSoftmax)) assertTrue(Math.abs(a.get(i, j) - b.get(i, j)) < 1e-9, margined + ": other logit changed");
      }
    }
  }

  @Property(tries = 100)
  void marginTargetsAreNeverLarger(@ForAll long seed, @ForAll @DoubleRange(min = 0, max = 1.5) double m, @ForAll @IntRange(min = 1, max = 5) int mInt) {
    Rng rng = new Rng(seed);
    int n = 12, d = 3, c = 5;
    Tensor x = rng.normal(DType.F64, 0, 2, n, d);
    Tensor w = rng.normal(DType.F64, 0, 1, d, c);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = rng.nextInt(c);
    Params p = Params.of("w", w);
    double s = 10;
    assertTargetsLower(new LSoftmax(mInt, 0), new Softmax(), x, p, labels, false, 0);
    assertTargetsLower(new LSoftmax(mInt, 3), new Softmax(), x, p, labels, false, 0);
    assertTargetsLower(new SphereFace(mInt, 0), new SphereFace(1, 0), x, p, labels, false, 0);
    assertTargetsLower(new CosFace(s, m), new NormFace(s), x, p, labels, false, 0);
    assertTargetsLower(new ArcFace(s, m, false), new NormFace(s), x, p, labels, false, 0);
    assertTargetsLower(new ArcFace(s, m, true), new NormFace(s), x, p, labels, false, 0);
    // without a fallback the combined margin only lowers the target while m1 θ + m2 ≤ π
    double m1 = 1 + m / 2, m2 = m / 2;
    assertTargetsLower(new CombinedMargin(s, m1, m2, m / 3), new NormFace(s), x, p, labels, true, (Math.PI - m2) / m1);
    List<Tensor> ws = List.of(w, rng.normal(DType.F64, 0, 1, d, c));
    Params pe = Params.of(List.of("w0", "w1"), ws);
    assertTargetsLower(new EmSoftmax(2, m, 0, EmSoftmax.Combine.MEAN), new EmSoftmax(2, 0, 0, EmSoftmax.Combine.MEAN), x, pe, labels, false, 0);
  }
}
