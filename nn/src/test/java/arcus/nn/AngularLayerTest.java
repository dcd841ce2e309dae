package arcus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Angular layers on hand-computed angles: x = (1, 0), w = (1, 1) gives θ = π/4. */
class AngularLayerTest {
  static final double T = Math.PI / 4;

  static double sigmoid(double k, double theta) {
    double a = Math.exp(-Math.PI / (2 * k));
    double e = Math.exp(theta / k - Math.PI / (2 * k));
    return (1 + a) / (1 - a) * (1 - e) / (1 + e);
  }

  static final List<AngleFunction> ALL = List.of(new AngleFunction.Linear(), new AngleFunction.Cosine(), new AngleFunction.Sigmoid(0.3),
      new AngleFunction.Log(0.1), new AngleFunction.Reciprocal());

  static double expected(AngleFunction g, double theta) {
    return switch (g) {
      case AngleFunction.Linear l -> 1 - 2 * theta / Math.PI;
      case AngleFunction.Cosine c -> Math.cos(theta);
      case AngleFunction.Sigmoid s -> sigmoid(s.k(), theta);
      case AngleFunction.Log l -> -Math.log(theta + l.m());
      case AngleFunction.CentredLog l -> -Math.log(theta + l.m()) + Math.log(Math.PI / 2 + l.m());
      case AngleFunction.Reciprocal r -> 1 / theta;
    };
  }

  @Test
  void angularLinearAtQuarterPi() {
    double[] want = {0.5, Math.sqrt(0.5), sigmoid(0.3, T), -Math.log(T + 0.1), 4 / Math.PI};
    for (int i = 0; i < ALL.size(); i++) {
      AngularLinear l = new AngularLinear(2, 1, ALL.get(i));
      Tensor y = l.forward(Params.of("weight", Tensor.of(new double[] {1, 1}, 2, 1)), Tensor.of(new double[] {1, 0}, 1, 2));
      assertEquals(want[i], y.item(), 1e-9, ALL.get(i).spec());
      assertEquals(expected(ALL.get(i), T), y.item(), 1e-9);
    }
  }

  @Test
  void angularLinearIgnoresScaleAndHandlesManyPairs() {
    // x rows at 0 and π/2 from e1; w columns e1 and (−1, 0)·7: θ = 0, π, π/2, π/2
    AngularLinear l = new AngularLinear(2, 2, new AngleFunction.Linear());
    Tensor w = Tensor.of(new double[] {3, -7, 0, 0}, 2, 2);
    Tensor y = l.forward(Params.of("weight", w), Tensor.of(new double[] {5, 0, 0, 0.1}, 2, 2));
    Checks.close(new double[] {1, -1, 0, 0}, y, 1e-3);
  }

  @Test
  void sigmoidEndpoints() {
    AngleFunction g = new AngleFunction.Sigmoid(0.5);
    Checks.close(new double[] {1, 0, -1}, g.apply(Tensor.of(new double[] {0, Math.PI / 2, Math.PI}, 3)), 1e-12);
  }

  @Test
  void centredLogIsTheLogShiftedToZeroAtARightAngle() {
    Tensor theta = Tensor.of(new double[] {0.1, 1, Math.PI / 2, 3}, 4);
    Tensor log = new AngleFunction.Log(0.3).apply(theta), centred = new AngleFunction.CentredLog(0.3).apply(theta);
    Checks.close(log.add(Math.log(Math.PI / 2 + 0.3)).toDoubleArray(), centred, 1e-12);
    assertEquals(0, centred.toDoubleArray()[2], 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new AngleFunction.CentredLog(-0.1));
  }

  @Test
  void angularConv2dAtQuarterPi() {
    // a 1×1 kernel over 2 channels: the patch at each pixel is (x_c0, x_c1)
    for (AngleFunction g : ALL) {
      AngularConv2d c = new AngularConv2d(2, 1, 1, 1, 0, g);
      Tensor x = Tensor.of(new double[] {1, 0, 0, 2}, 1, 2, 1, 2); // pixel 0: (1, 0); pixel 1: (0, 2)
      Tensor y = c.forward(Params.of("weight", Tensor.of(new double[] {1, 1}, 1, 2, 1, 1)), x);
      Checks.close(new double[] {expected(g, T), expected(g, T)}, y, 1e-9);
    }
  }

  @Test
  void angularConv2dPatchesMatchAngularLinearOnIm2col() {
    // a 2×2 kernel on a 2×3 single-channel image: two patches, compared with AngularLinear on them
    Tensor x = Tensor.of(new double[] {1, 2, -1, 0.5, 3, 2}, 1, 1, 2, 3);
    Tensor w = Tensor.of(new double[] {1, -1, 2, 0.5}, 1, 1, 2, 2);
    AngleFunction g = new AngleFunction.Log(0.2);
    Tensor y = new AngularConv2d(1, 1, 2, 1, 0, g).forward(Params.of("weight", w), x);
    Tensor patches = Tensor.of(new double[] {1, 2, 0.5, 3, 2, -1, 3, 2}, 2, 4);
    Tensor ref = new AngularLinear(4, 1, g).forward(Params.of("weight", w.reshape(1, 4).transpose()), patches);
    Checks.close(ref.toDoubleArray(), y, 1e-12);
  }

  @Test
  void zeroPatchesAndZeroInputsGiveNoNaN() {
    for (AngleFunction g : ALL) {
      AngularConv2d c = new AngularConv2d(1, 2, 3, 1, 1, g);
      Params p = Params.of("weight", Checks.randn(3, 2, 1, 3, 3));
      Tensor x = Tensor.zeros(DType.F64, 1, 1, 4, 4);
      Params grad = Autodiff.grad(q -> c.forward(q, x).sum(), p);
      Tensor gx = Autodiff.grad(t -> c.forward(p, t).sum(), x);
      for (double v : c.forward(p, x).toDoubleArray()) assertTrue(Double.isFinite(v), g.spec());
      for (double v : grad.get("weight").toDoubleArray()) assertTrue(Double.isFinite(v), g.spec());
      for (double v : gx.toDoubleArray()) assertTrue(Double.isFinite(v), g.spec());
      AngularLinear l = new AngularLinear(3, 2, g);
      Tensor y = l.forward(l.init(new arcus.core.Rng(1), DType.F32), Tensor.zeros(DType.F32, 2, 3));
      for (double v : y.toDoubleArray()) assertTrue(Double.isFinite(v), g.spec());
    }
  }

  @Test
  void parallelVectorsStayFinite() {
    for (AngleFunction g : ALL) {
      AngularLinear l = new AngularLinear(2, 1, g);
      Params p = Params.of("weight", Tensor.of(new double[] {2, 2}, 2, 1));
      Tensor x = Tensor.of(new double[] {1, 1}, 1, 2);
      assertTrue(Double.isFinite(l.forward(p, x).item()), g.spec());
      for (double v : Autodiff.grad(t -> l.forward(p, t).sum(), x).toDoubleArray()) assertTrue(Double.isFinite(v), g.spec());
    }
  }

  @Test
  void parseReadsEverySpelling() {
    assertEquals(new AngleFunction.Linear(), AngleFunction.parse("linear"));
    assertEquals(new AngleFunction.Cosine(), AngleFunction.parse("Cosine"));
    assertEquals(new AngleFunction.Sigmoid(0.3), AngleFunction.parse("sigmoid:0.3"));
    assertEquals(new AngleFunction.Log(0.1), AngleFunction.parse("log:0.1"));
    assertEquals(new AngleFunction.CentredLog(0), AngleFunction.parse("log-centred:0"));
    assertEquals(new AngleFunction.Reciprocal(), AngleFunction.parse("reciprocal"));
    for (AngleFunction g : ALL) assertEquals(g, AngleFunction.parse(g.spec()));
    assertThrows(IllegalArgumentException.class, () -> AngleFunction.parse("sigmoid"));
    assertThrows(IllegalArgumentException.class, () -> AngleFunction.parse("log:x"));
    assertThrows(IllegalArgumentException.class, () -> AngleFunction.parse("linear:2"));
    assertThrows(IllegalArgumentException.class, () -> AngleFunction.parse("tanh"));
  }
}
