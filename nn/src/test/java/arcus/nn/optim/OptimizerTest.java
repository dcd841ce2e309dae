package arcus.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import arcus.core.Params;
import arcus.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Optimizers and schedules against steps computed by hand. */
class OptimizerTest {
  static Params p(double... v) {
    return Params.of("w", Tensor.of(v, v.length));
  }

  static void close(double[] want, Params got) {
    double[] a = got.get("w").toDoubleArray();
    for (int i = 0; i < want.length; i++) assertEquals(want[i], a[i], 1e-12, "element " + i);
  }

  @Test
  void plainSgd() {
    Sgd sgd = Sgd.plain();
    Optimizer.Update u = sgd.update(p(0.5, -1), sgd.init(p(1, 2)), p(1, 2), 0.1);
    close(new double[] {0.95, 2.1}, u.params());
    assertEquals(1, u.state().step());
  }

  @Test
  void sgdMomentumWithWeightDecay() {
    Sgd sgd = new Sgd(0.9, false, 0.01);
    Params w = p(1.0);
    OptState s = sgd.init(w);
    // step 1: g = 0.5 + 0.01·1 = 0.51; buf = 0.51; w = 1 − 0.1·0.51 = 0.949
    Optimizer.Update u = sgd.update(p(0.5), s, w, 0.1);
    close(new double[] {0.949}, u.params());
    // step 2: g = 0.5 + 0.00949 = 0.50949; buf = 0.9·0.51 + 0.50949 = 0.96849; w = 0.949 − 0.096849
    u = sgd.update(p(0.5), u.state(), u.params(), 0.1);
    close(new double[] {0.949 - 0.096849}, u.params());
    assertEquals(0.96849, u.state().slots().get("momentum.w").item(), 1e-12);
  }

  @Test
  void sgdNesterov() {
    Sgd sgd = new Sgd(0.9, true, 0);
    Params w = p(1.0);
    // step 1: buf = 1; dir = 1 + 0.9·1 = 1.9; step 2: buf = 0.9 + 1 = 1.9; dir = 1 + 1.71 = 2.71
    Optimizer.Update u = sgd.update(p(1.0), sgd.init(w), w, 0.1);
    close(new double[] {1 - 0.19}, u.params());
    u = sgd.update(p(1.0), u.state(), u.params(), 0.1);
    close(new double[] {1 - 0.19 - 0.271}, u.params());
  }

  @Test
  void adamFirstTwoSteps() {
    Adam adam = new Adam(0.9, 0.999, 1e-8, 0);
    Params w = p(1.0, -2.0);
    Optimizer.Update u = adam.update(p(0.5, -3), adam.init(w), w, 0.01);
    // step 1: m̂ = g, v̂ = g², so the step is lr·g/(|g| + eps) = ±lr
    close(new double[] {1 - 0.01 * 0.5 / (0.5 + 1e-8), -2 + 0.01 * 3 / (3 + 1e-8)}, u.params());
    // step 2 with g = 0.1 on the first coordinate
    u = adam.update(p(0.1, -3), u.state(), u.params(), 0.01);
    double m = 0.9 * 0.05 + 0.1 * 0.1, v = 0.999 * 0.00025 + 0.001 * 0.01;
    double mh = m / (1 - 0.81), vh = v / (1 - 0.999 * 0.999);
    double w1 = 1 - 0.01 * 0.5 / (0.5 + 1e-8);
    assertEquals(w1 - 0.01 * mh / (Math.sqrt(vh) + 1e-8), u.params().get("w").toDoubleArray()[0], 1e-12);
    assertEquals(2, u.state().step());
  }

  @Test
  void adamWeightDecayIsL2OnTheGradient() {
    Adam adam = new Adam(0.9, 0.999, 1e-8, 0.5);
    Params w = p(2.0);
    // g = 0 + 0.5·2 = 1, first step moves by lr
    close(new double[] {2 - 0.1 / (1 + 1e-8)}, adam.update(p(0.0), adam.init(w), w, 0.1).params());
  }

  @Test
  void updatesBuildNoGraph() {
    Adam adam = Adam.defaults();
    Params w = p(1, 2);
    Optimizer.Update u = adam.update(p(1, 1), adam.init(w), w, 0.1);
    assertFalse(u.params().get("w").isTraced());
    for (Tensor t : u.state().slots().tensors()) assertFalse(t.isTraced());
    assertEquals(List.of("m.w", "v.w"), u.state().slots().names());
  }

  @Test
  void exponentialScheduleOfThePapers() {
    LrSchedule s = LrSchedule.exponential(0.1, 0.9, 6000, true);
    assertEquals(0.1, s.lr(0), 1e-15);
    assertEquals(0.1, s.lr(5999), 1e-15);
    assertEquals(0.09, s.lr(6000), 1e-15);
    assertEquals(0.1 * 0.81, s.lr(12000), 1e-15);
    assertEquals(0.1 * Math.pow(0.9, 0.5), LrSchedule.exponential(0.1, 0.9, 6000, false).lr(3000), 1e-15);
  }

  @Test
  void multiStepConstantAndCosineSchedules() {
    LrSchedule m = LrSchedule.multiStep(0.1, List.of(100L, 150L), 0.1);
    assertEquals(0.1, m.lr(99), 1e-15);
    assertEquals(0.01, m.lr(100), 1e-15);
    assertEquals(0.001, m.lr(150), 1e-15);
    assertEquals(0.3, LrSchedule.constant(0.3).lr(1_000_000), 0);
    LrSchedule c = LrSchedule.cosine(1.0, 110, 10, 0.0);
    assertEquals(0.1, c.lr(0), 1e-15);
    assertEquals(1.0, c.lr(10), 1e-15);
    assertEquals(0.5, c.lr(60), 1e-12);
    assertEquals(0.0, c.lr(110), 1e-15);
  }
}
