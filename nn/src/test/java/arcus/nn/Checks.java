package arcus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.DType;
import arcus.core.GradCheck;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Test helpers: gradient checks of a layer w.r.t. its input and every parameter, and value comparisons. */
final class Checks {
  private Checks() {}

  /** Checks d(projected output)/d(input, params) of layer in float64 against central differences. */
  static void gradients(Layer layer, Params params, Params state, Tensor x, Mode mode) {
    List<String> names = params.names();
    Function<List<Tensor>, Tensor> f = xs -> layer.apply(Params.of(names, xs.subList(1, xs.size())), state, xs.get(0), mode, null).y();
    List<Tensor> inputs = new ArrayList<>();
    inputs.add(x);
    inputs.addAll(params.tensors());
    GradCheck.Report r = GradCheck.check(GradCheck.projected(f, inputs, 7), inputs);
    assertTrue(r.passed(), layer + " on " + x.shape() + ": " + r);
  }

  static void gradients(Layer layer, Tensor x, long seed) {
    Rng rng = new Rng(seed);
    gradients(layer, layer.init(rng, DType.F64), layer.initState(DType.F64), x, Mode.TRAIN);
  }

  static Tensor randn(long seed, int... shape) {
    return new Rng(seed).normal(DType.F64, 0, 1, shape);
  }

  static void close(double[] expected, Tensor actual, double tol) {
    double[] a = actual.toDoubleArray();
    assertEquals(expected.length, a.length, "size of " + actual.shape());
    for (int i = 0; i < a.length; i++) assertEquals(expected[i], a[i], tol, "element " + i + " of " + actual.shape());
  }
}
