package arcus.losses;

import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.GradCheck;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * For every loss: the autodiff gradient with respect to the features and every parameter tensor
 * agrees with float64 central differences, on random shapes and on features placed near their
 * class weight (θ_y ≈ 0.01) or near its opposite (θ_y ≈ π − 0.01). Those placements stay well
 * inside the arccos clamp (|cos θ| < 1 − 1e-7 needs θ > 4.5e-4), so the check is meaningful;
 * exactly at θ = 0 or π the clamp makes the function flat and {@code exactlyOnBoundaryIsFinite}
 * only asserts finiteness.
 */
class GradientProperties {
  /** Moderate scales keep the third derivatives (the finite-difference error) small. */
  record Case(String label, MarginLoss loss, boolean allowsD1, List<String> frozen) {
    @Override
    public String toString() {
      return label;
    }
  }

  enum Placement { RANDOM, NEAR_WEIGHT, NEAR_OPPOSITE }

  static List<Case> cases() {
    List<Case> cs = new ArrayList<>();
    cs.add(new Case("softmax", new Softmax(), true, List.of()));
    cs.add(new Case("softmax+bias", Softmax.withBias(), true, List.of()));
    cs.add(new Case("normface", new NormFace(4), true, List.of()));
    cs.add(new Case("l2softmax+bias", new L2Softmax(3, true), true, List.of()));
    for (int m = 1; m <= 4; m++) {
      cs.add(new Case("lsoftmax m=" + m, new LSoftmax(m, 0), true, List.of()));
      cs.add(new Case("sphereface m=" + m, new SphereFace(m, 0), true, List.of()));
    }
    cs.add(new Case("lsoftmax m=3 λ=2", new LSoftmax(3, 2), true, List.of()));
    cs.add(new Case("sphereface m=4 λ=5", new SphereFace(4, 5), true, List.of()));
    cs.add(new Case("cosface", new CosFace(4, 0.35), true, List.of()));
    cs.add(new Case("arcface", new ArcFace(4, 0.5, false), true, List.of()));
    cs.add(new Case("arcface easy", new ArcFace(4, 0.5, true), true, List.of()));
    cs.add(new Case("combined", new CombinedMargin(4, 1.2, 0.3, 0.2), true, List.of()));
    cs.add(new Case("wsoftmax α=0.5", new WSoftmax(0.5), true, List.of()));
    cs.add(new Case("wsoftmax α=2", new WSoftmax(2), true, List.of()));
    cs.add(new Case("emsoftmax mean", new EmSoftmax(3, 0.3, 0.5, EmSoftmax.Combine.MEAN), true, List.of()));
    cs.add(new Case("emsoftmax sum", new EmSoftmax(2, 0.3, 0.1, EmSoftmax.Combine.SUM), true, List.of()));
    cs.add(new Case("pureangular m=0.3", new PureAngular(2, 0.3), true, List.of()));
    cs.add(new Case("pureangular m=0", new PureAngular(2, 0), true, List.of()));
    cs.add(new Case("hinge", new Hinge(), true, List.of()));
    cs.add(new Case("hinge squared", new Hinge(1, true), true, List.of()));
    cs.add(new Case("center(cosface)", new CenterLoss(new CosFace(4, 0.2), 0.5, null), true, List.of()));
    cs.add(new Case("center(softmax) moving average", new CenterLoss(new Softmax(), 0.5, 0.5), true, List.of(CenterLoss.CENTERS)));
    cs.add(new Case("simplex", new SimplexClassifier(3), true, List.of()));
    return cs;
  }

  @Provide
  Arbitrary<Case> lossCases() {
    return Arbitraries.of(cases());
  }

  /** Random inputs for one case; the weights are random, the features placed as asked. */
  static List<Tensor> inputs(Case c, Params p, int n, int d, int[] labels, Placement placement, Rng rng) {
    Tensor x = rng.normal(DType.F64, 0, 1, n, d);
    if (placement != Placement.RANDOM) {
      Tensor w = p.has("w") ? p.get("w") : p.has("w0") ? p.get("w0") : SimplexClassifier.weights(d, DType.F64);
      double sign = placement == Placement.NEAR_WEIGHT ? 1 : -1;
      double[] xs = new double[n * d];
      for (int i = 0; i < n; i++) {
        double norm = 0;
        for (int k = 0; k < d; k++) norm += Math.pow(w.get(k, labels[i]), 2);
        double r = 0.5 + 2 * rng.nextDouble();
        double[] u = new double[d], e = new double[d];
        for (int k = 0; k < d; k++) {
          u[k] = sign * w.get(k, labels[i]) / Math.sqrt(norm);
          e[k] = 0.01 * rng.nextGaussian();
        }
        // The angle between a feature and a weight is not differentiable where it is 0 (or pi):
        // rotating the weight through the feature's direction gives |theta|, a kink. A feature
        // within the difference step of it (a tiny Gaussian offset, seen as a 8% "mismatch" for
        // ArcFace with a weight column of norm 0.025) tests the kink, not the gradient; the
        // exactly-on-the-boundary case is exactlyOnBoundaryIsFinite's. So keep the offset's
        // component across the weight's direction at least 0.005 (about 0.3 degrees).
        double along = 0;
        for (int k = 0; k < d; k++) along += e[k] * u[k];
        double across = 0;
        for (int k = 0; k < d; k++) across += Math.pow(e[k] - along * u[k], 2);
        across = Math.sqrt(across);
        double lift = d > 1 && across > 0 && across < 0.005 ? 0.005 / across : 1;
        for (int k = 0; k < d; k++) xs[i * d + k] = r * (u[k] + along * u[k] + lift * (e[k] - along * u[k]));
      }
      x = Tensor.of(xs, n, d);
    }
    List<Tensor> in = new ArrayList<>();
    in.add(x);
    in.addAll(p.tensors());
    return in;
  }

  static Function<List<Tensor>, Tensor> objective(MarginLoss loss, List<String> names, int[] labels) {
    return xs -> loss.loss(xs.get(0), Params.of(names, xs.subList(1, xs.size())), labels);
  }

  @Property(tries = 1000)
  void gradientMatchesCentralDifferences(
      @ForAll("lossCases") Case c,
      @ForAll @IntRange(min = 1, max = 5) int n,
      @ForAll @IntRange(min = 1, max = 6) int d,
      @ForAll @IntRange(min = 2, max = 6) int classes,
      @ForAll Placement placement,
      @ForAll long seed) {
    if (c.loss() instanceof SimplexClassifier) d = classes - 1;
    if (d == 1 && !c.allowsD1()) d = 2;
    Rng rng = new Rng(seed);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = rng.nextInt(classes);
    Params p = c.loss().init(rng, DType.F64, d, classes);
    Rng paramRng = new Rng(seed + 1);
    p = p.map(t -> paramRng.normal(DType.F64, 0, 1, t.shape().dims())); // nonzero centers, unit-scale weights, distinct per tensor
    List<Tensor> in = inputs(c, p, n, d, labels, placement, rng);
    List<String> names = p.names();
    // frozen entries (moving-average centers) are constants: check only the others
    List<Integer> checked = new ArrayList<>();
    checked.add(0);
    for (int i = 0; i < names.size(); i++) if (!c.frozen().contains(names.get(i))) checked.add(i + 1);
    Function<List<Tensor>, Tensor> full = objective(c.loss(), names, labels);
    Function<List<Tensor>, Tensor> f = xs -> {
      List<Tensor> all = new ArrayList<>(in);
      for (int j = 0; j < checked.size(); j++) all.set(checked.get(j), xs.get(j));
      return full.apply(all);
    };
    List<Tensor> checkedInputs = checked.stream().map(in::get).toList();
    GradCheck.Report r = GradCheck.check(f, checkedInputs);
    assertTrue(r.passed(), () -> c + " N=" + n + " C=" + classes + " " + placement + ": " + r);
  }

  @Property(tries = 60)
  void exactlyOnBoundaryIsFinite(@ForAll("lossCases") Case c, @ForAll boolean opposite, @ForAll long seed) {
    int classes = 4, d = c.loss() instanceof SimplexClassifier ? 3 : 3, n = 4;
    Rng rng = new Rng(seed);
    int[] labels = {0, 1, 2, 3};
    Params p = c.loss().init(rng, DType.F64, d, classes);
    Tensor w = p.has("w") ? p.get("w") : p.has("w0") ? p.get("w0") : SimplexClassifier.weights(d, DType.F64);
    // x_i = ±2·w_{y_i}: θ_y exactly 0 or π
    Tensor x = w.transpose().mul(opposite ? -2.0 : 2.0);
    List<Tensor> in = new ArrayList<>();
    in.add(x);
    in.addAll(p.tensors());
    var vg = Autodiff.valueAndGrad(objective(c.loss(), p.names(), labels), in);
    assertTrue(Double.isFinite(vg.value().item()), c + ": value " + vg.value());
    for (Tensor g : vg.grad())
      for (double v : g.toDoubleArray()) assertTrue(Double.isFinite(v), c + ": non-finite gradient " + g);
  }

  @Property(tries = 30)
  void everyFactoryNameBuildsAWorkingLoss(@ForAll("factoryNames") String name, @ForAll long seed) {
    MarginLoss loss = Losses.create(name, Map.of());
    Rng rng = new Rng(seed);
    int d = name.equals("simplex") ? 3 : 5, c = 4;
    Params p = loss.init(rng, DType.F32, d, c);
    Tensor x = rng.normal(DType.F32, 0, 1, 6, d);
    int[] labels = {0, 1, 2, 3, 0, 1};
    assertTrue(Double.isFinite(loss.loss(x, p, labels).item()));
    assertTrue(loss.predict(x, p).length == 6);
  }

  @Provide
  Arbitrary<String> factoryNames() {
    return Arbitraries.of(List.copyOf(Losses.names()));
  }
}
