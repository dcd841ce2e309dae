package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** What the peak loop computes (its speed is measured by {@code arcus bench peak}, never in a test). */
class PeakFlopsTest {
  @Test
  void theLoopRunsTwelveIndependentFmaChainsForTheGivenRounds() {
    long rounds = 8 * PeakFlops.UNROLL;
    float seed = 1.5f;
    double expected = 0;
    for (int k = 0; k < 12; k++) {
      float a = seed + k;
      for (long i = 0; i < rounds; i++) a = Math.fma(a, 0.9999999f, 1e-7f * seed);
      expected += a;
    }
    expected *= FloatVector.SPECIES_PREFERRED.length();
    assertEquals(expected, PeakFlops.loop(rounds, seed), 1e-5 * expected);
    assertEquals(12.0 * FloatVector.SPECIES_PREFERRED.length() * 2, PeakFlops.flopsPerIteration());
  }

  @Test
  void aRoundCountThatIsNotAMultipleOfTheUnrollIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeakFlops.loop(PeakFlops.UNROLL + 1, 1f));
    assertEquals("iters must be a multiple of 4, got 5", e.getMessage());
  }
}
