package arcus.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GradCheck}: a kink closer than the step is resolved by a smaller step; a wrong gradient is not. */
class GradCheckTest {
  private static final double X = 0.3, KINK = X + 5e-7; // the kink lies between x and x + h (h = 1e-6)

  @Test
  void aKinkCloserThanTheStepIsResolvedByASmallerStep() {
    Tensor x = Tensor.of(new double[] {X}, 1);
    // relu(x − kink): flat (derivative 0) everywhere within 5e-7 of x; at h = 1e-6 the central
    // difference straddles the kink and reads 0.25
    GradCheck.Report r = GradCheck.check(v -> v.get(0).sub(KINK).relu().sum(), List.of(x));
    assertTrue(r.passed(), r.toString());
  }

  @Test
  void aWrongGradientStillFailsAtEveryStep() {
    Tensor x = Tensor.of(new double[] {X}, 1);
    // x² computed off the tape (rebuilt from its host values): the analytic gradient is 0, the true one 0.6
    GradCheck.Report r = GradCheck.check(v -> {
      double xv = v.get(0).toDoubleArray()[0];
      return Tensor.of(new double[] {xv * xv}, 1).add(v.get(0).mul(0)).sum();
    }, List.of(x));
    assertFalse(r.passed(), r.toString());
  }
}
