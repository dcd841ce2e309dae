package arcus.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Tensor;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/** Every numeric loss parameter has a documented range, checked by Losses.create (issue 11). */
class ParamRangesProperties {
  @Test
  void hugeIntegerMarginsAreRefusedWithParameterValueAndRange() {
    // these hung (lsoftmax m = 1e9, sphereface m = 1e8) before ψ's m was bounded
    for (Object m : List.of(100000, 1e9, 1e20, 17, 0, -3)) {
      for (String loss : List.of("lsoftmax", "sphereface")) {
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.create(loss, Map.of("m", m)));
        assertTrue(e.getMessage().startsWith(loss + ": parameter m = ") && e.getMessage().contains("an integer in [1, 16]"), e.getMessage());
      }
    }
    var e = assertThrows(IllegalArgumentException.class, () -> new LSoftmax(17, 0));
    assertTrue(e.getMessage().contains("[1, 16]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Losses.create("emsoftmax", Map.of("K", 1_000_000)));
    assertEquals("emsoftmax: parameter K = 1000000 is out of range: must be an integer in [1, 32]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Losses.create("arcface", Map.of("s", 1e300)));
    assertTrue(e.getMessage().contains("parameter s") && e.getMessage().contains("(0, 10000]"), e.getMessage());
    // hsic_lambda = 1e308 overflowed a fuzzed loss-eval case's loss to infinity (an internal error, not a range error)
    e = assertThrows(IllegalArgumentException.class, () -> Losses.create("emsoftmax", Map.of("hsic_lambda", 1e308)));
    assertTrue(e.getMessage().contains("parameter hsic_lambda") && e.getMessage().contains("[0, 1000000]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Losses.create("center", Map.of("center_weight", 1e7)));
    assertTrue(e.getMessage().contains("parameter center_weight") && e.getMessage().contains("[0, 1000000]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new EmSoftmax(2, 0.3, 1e308, EmSoftmax.Combine.MEAN));
    assertTrue(e.getMessage().contains("[0, 1000000]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Losses.create("softmax", Map.of("bias", List.of(1, 1e300))));
    assertTrue(e.getMessage().contains("element 1"), e.getMessage());
  }

  @Test
  void theLargestMarginStillComputesAFiniteLoss() {
    Tensor x = Tensor.of(new double[] {1, 2, -1, 0.5, 0.3, -2}, 3, 2);
    Tensor w = Tensor.of(new double[] {1, 0, 0.5, 0, 1, -0.5}, 2, 3);
    for (String loss : List.of("lsoftmax", "sphereface")) {
      double v = Losses.create(loss, Map.of("m", ParamRanges.MAX_PSI_M)).loss(x, w, new int[] {0, 1, 2}).item();
      assertTrue(Double.isFinite(v), loss + " " + v);
    }
  }

  @Provide
  Arbitrary<Tuple.Tuple3<String, String, Double>> parameterValues() {
    List<Tuple.Tuple2<String, String>> pairs = ParamRanges.RANGES.entrySet().stream()
        .flatMap(e -> e.getValue().keySet().stream().map(p -> Tuple.of(e.getKey(), p))).toList();
    return Combinators.combine(Arbitraries.of(pairs), Arbitraries.doubles().between(-1e6, 1e6).edgeCases(c -> c.includeOnly(0.0, 1.0, -1.0)),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, -1e-300, 0.0, 16.0, 17.0, 32.0, 33.0, Math.PI, 1e4),
        Arbitraries.integers().between(0, 2)).as((lp, v, special, pick) -> {
      ParamRanges.Range r = ParamRanges.of(lp.get1(), lp.get2());
      double x = pick == 0 ? v : pick == 1 ? special : (r.integer() ? Math.rint(v / 1e5) : v / 1e5);
      return Tuple.of(lp.get1(), lp.get2(), x);
    });
  }

  /** In range: the loss is built; out of range: one message naming loss, parameter and range. */
  @Property(tries = 300)
  void everyValueIsAcceptedExactlyWhenInItsRange(@ForAll("parameterValues") Tuple.Tuple3<String, String, Double> c) {
    String loss = c.get1(), param = c.get2();
    double v = c.get3();
    ParamRanges.Range r = ParamRanges.of(loss, param);
    Map<String, Object> params = Map.of(param, v);
    if (r.contains(v)) {
      assertTrue(Losses.create(loss, params) != null);
    } else {
      var e = assertThrows(IllegalArgumentException.class, () -> Losses.create(loss, params));
      assertTrue(e.getMessage().startsWith(loss + ": parameter " + param) && e.getMessage().contains(r.toString()), e.getMessage());
    }
  }
}
