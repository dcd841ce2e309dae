package arcus.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class AutodiffTest {
  private static Tensor vec(double... v) {
    return Tensor.of(v, v.length);
  }

  @Test
  void gradientOfKnownFunction() {
    // f(x) = Σ x² + 3x  →  2x + 3
    Tensor g = Autodiff.grad(x -> x.square().add(x.mul(3.0)).sum(), vec(1, -2, 0.5));
    assertArrayEquals(new double[] {5, -1, 4}, g.toDoubleArray(), 1e-12);
  }

  @Test
  void hessianVectorProductByDifferentiatingTheGradient() {
    // f(x) = Σ x_i³ + x_0 x_1 ;  H = diag(6x) + [[0,1],[1,0]] on the first two coordinates
    Tensor x = vec(1, 2, -1);
    Tensor v = vec(0.5, -1, 2);
    Tensor hv = Autodiff.grad(y -> Autodiff.grad(z -> z.pow(3.0).sum().add(z.slice(0, 0, 1).mul(z.slice(0, 1, 2)).sum()), y).mul(v).sum(), x);
    double[] expected = {6 * 1 * 0.5 + (-1), 6 * 2 * (-1) + 0.5, 6 * -1 * 2};
    assertArrayEquals(expected, hv.toDoubleArray(), 1e-10);
  }

  @Test
  void secondDerivativeThroughExpLogAndTanh() {
    // d²/dx² tanh(x) = −2 tanh(x)(1 − tanh²(x))
    double x0 = 0.7;
    Tensor d2 = Autodiff.grad(x -> Autodiff.grad(y -> y.tanh().sum(), x).sum(), vec(x0));
    double t = Math.tanh(x0);
    assertEquals(-2 * t * (1 - t * t), d2.item(), 1e-12);
  }

  @Test
  void stopGradientIsConstant() {
    Tensor g = Autodiff.grad(x -> x.mul(Autodiff.stopGradient(x)).sum(), vec(3, 4));
    assertArrayEquals(new double[] {3, 4}, g.toDoubleArray(), 0);
  }

  @Test
  void unusedInputGetsZeroGradient() {
    List<Tensor> g = Autodiff.grad((List<Tensor> xs) -> xs.get(0).sum(), List.of(vec(1, 2), vec(5)));
    assertArrayEquals(new double[] {1, 1}, g.get(0).toDoubleArray(), 0);
    assertArrayEquals(new double[] {0}, g.get(1).toDoubleArray(), 0);
  }

  @Test
  void sameTensorUsedTwiceAccumulates() {
    Tensor g = Autodiff.grad(x -> x.mul(x).add(x).sum(), vec(2));
    assertEquals(5, g.item(), 0);
  }

  @Test
  void vjpOfNonScalarFunction() {
    Autodiff.VjpResult r = Autodiff.vjp(xs -> xs.get(0).mul(2.0).exp(), List.of(vec(0, 1)));
    List<Tensor> ct = r.pullback().apply(vec(1, 0.5));
    assertArrayEquals(new double[] {2, 2 * Math.exp(2) * 0.5}, ct.get(0).toDoubleArray(), 1e-12);
    // the pullback can be applied again
    assertArrayEquals(new double[] {0, 2 * Math.exp(2)}, r.pullback().apply(vec(0, 1)).get(0).toDoubleArray(), 1e-12);
  }

  @Test
  void resultsAreDetachedFromTheGraph() {
    var r = Autodiff.valueAndGrad(x -> x.exp().sum(), vec(1, 2));
    assertFalse(r.value().isTraced());
    assertFalse(r.grad().isTraced());
  }

  @Test
  void paramsTreeGradient() {
    Params p = Params.of(List.of("w", "b"), List.of(vec(1, 2), vec(3)));
    var r = Autodiff.valueAndGrad((Params q) -> q.get("w").mul(q.get("b")).sum(), p);
    assertEquals(9, r.value().item(), 0);
    assertArrayEquals(new double[] {3, 3}, r.grad().get("w").toDoubleArray(), 0);
    assertArrayEquals(new double[] {3}, r.grad().get("b").toDoubleArray(), 0);
    assertEquals(List.of("w", "b"), r.grad().names());
  }

  @Test
  void nonScalarOutputIsAClearError() {
    var e = assertThrows(IllegalArgumentException.class, () -> Autodiff.grad(x -> x.mul(2.0), vec(1, 2)));
    assertTrue(e.getMessage().contains("scalar"), e.getMessage());
  }

  @Test
  void twoThreadsDifferentiateAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Callable<double[]> job1 = () -> {
        double[] last = null;
        for (int i = 0; i < 200; i++) last = Autodiff.grad(x -> x.square().sum(), vec(1, 2, 3)).toDoubleArray();
        return last;
      };
      Callable<double[]> job2 = () -> {
        double[] last = null;
        for (int i = 0; i < 200; i++) last = Autodiff.grad(x -> x.mul(5.0).sum(), vec(1, 2, 3)).toDoubleArray();
        return last;
      };
      Future<double[]> f1 = pool.submit(job1), f2 = pool.submit(job2);
      assertArrayEquals(new double[] {2, 4, 6}, f1.get(), 0);
      assertArrayEquals(new double[] {5, 5, 5}, f2.get(), 0);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aGradientOfTheWrongShapeIsReportedWithItsOp() {
    // a broken rule (a scalar cotangent for a [3] input) would otherwise broadcast silently
    var e = assertThrows(IllegalStateException.class, () -> Autodiff.grad(
        x -> Ops.result("brokenOp", x.shape, x.dtype, x.storage, (g, y, need) -> new Tensor[] {g.sum()}, x).square().sum(), vec(1, 2, 3)));
    assertTrue(e.getMessage().contains("brokenOp") && e.getMessage().contains("input 0"), e.getMessage());
  }
}
