package arcus.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks reverse-mode gradients against central finite differences in float64. An element passes
 * when |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|); the report names the worst one.
 */
public final class GradCheck {
  private GradCheck() {}

  public record Report(boolean passed, double maxError, int input, int element, double analytic, double numeric, double worstRatio) {
    @Override
    public String toString() {
      return (passed ? "gradient OK" : "gradient MISMATCH")
          + String.format(" (worst: input %d element %d analytic %.10g numeric %.10g, |diff| %.3g, %.3g of tolerance)",
              input, element, analytic, numeric, maxError, worstRatio);
    }
  }

  public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
    return check(f, inputs, 1e-6, 1e-5, 1e-6);
  }

  /**
   * @param h step of the central difference, scaled by max(1, |x|); an element that misses the
   *     tolerance is tried again at h/10, h/100 (a kink within h of the point) and 10h (round-off),
   *     and reported with its best estimate
   */
  public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double h, double rtol, double atol) {
    for (Tensor t : inputs)
      if (t.dtype() != DType.F64) throw new IllegalArgumentException("GradCheck needs float64 inputs, got " + t.dtype() + t.shape());
    Tensor out = f.apply(inputs);
    if (out.size() != 1) throw new IllegalArgumentException("GradCheck needs a scalar function, got shape " + out.shape());
    List<Tensor> analytic = Autodiff.grad(f, inputs);
    double worstRatio = -1, worstErr = 0, wa = 0, wn = 0;
    int wi = -1, we = -1;
    for (int i = 0; i < inputs.size(); i++) {
      double[] x = inputs.get(i).toDoubleArray();
      double[] ga = analytic.get(i).toDoubleArray();
      int[] shape = inputs.get(i).shape().dims();
      for (int e = 0; e < x.length; e++) {
        double scale = h * Math.max(1.0, Math.abs(x[e]));
        double num = 0, err = 0, ratio = Double.POSITIVE_INFINITY;
        // The difference can be wrong while the gradient is right, in two ways: a kink or steep
        // point (ReLU's 0, acos near ±1) closer to x than the step, which a smaller step (h/10,
        // h/100) resolves, or round-off in a function of large magnitude, which a larger one (10h)
        // does. An element is tried at those steps in turn until one agrees. A wrong analytic
        // gradient disagrees at every step: the difference converges to the true derivative.
        for (int refine = 0; refine < STEPS.length && ratio > 1.0; refine++) {
          double step = scale * STEPS[refine];
          double[] xp = x.clone(), xm = x.clone();
          xp[e] += step;
          xm[e] -= step;
          double fp = f.apply(replace(inputs, i, Tensor.of(xp, shape))).item();
          double fm = f.apply(replace(inputs, i, Tensor.of(xm, shape))).item();
          double n = (fp - fm) / (2 * step);
          double er = Math.abs(ga[e] - n);
          double r = Double.isNaN(er) ? Double.POSITIVE_INFINITY : er / (atol + rtol * Math.max(Math.abs(ga[e]), Math.abs(n)));
          if (refine == 0 || r < ratio) {
            num = n;
            err = er;
            ratio = r;
          }
        }
        if (ratio > worstRatio) {
          worstRatio = ratio;
          worstErr = err;
          wi = i;
          we = e;
          wa = ga[e];
          wn = num;
        }
      }
    }
    return new Report(worstRatio <= 1.0, worstErr, wi, we, wa, wn, worstRatio);
  }

  /** The multiples of h tried in turn for an element that misses the tolerance. */
  private static final double[] STEPS = {1, 0.1, 0.01, 10};

  private static List<Tensor> replace(List<Tensor> xs, int i, Tensor t) {
    List<Tensor> r = new ArrayList<>(xs);
    r.set(i, t);
    return r;
  }

  /** Turns a tensor-valued function into a scalar one by a fixed random projection, for checking. */
  public static Function<List<Tensor>, Tensor> projected(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, long seed) {
    Tensor out = f.apply(inputs);
    Tensor r = new Rng(seed).normal(DType.F64, 0, 1, out.shape().dims());
    return xs -> f.apply(xs).mul(r).sum();
  }
}
