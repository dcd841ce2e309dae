package arcus.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Losses.defaults reports the values create() applies, for every registered loss. */
class LossesDefaultsTest {
  @Test
  void defaultsAreTheValuesCreateApplies() {
    Map<String, Object> arc = new LinkedHashMap<>();
    arc.put("s", 64.0);
    arc.put("m", 0.5);
    arc.put("easy_margin", false);
    assertEquals(arc, Losses.defaults("arcface"));
    assertEquals(Map.of("K", 2, "m", 0.3, "hsic_lambda", 0.0, "combine", "mean"), Losses.defaults("emsoftmax"));
    assertEquals(Map.of("base", "softmax", "center_weight", 0.003), Losses.defaults("center"));
    assertEquals(Map.of(), Losses.defaults("softmax"), "softmax's bias has no default value: it is off unless given");
  }

  @Test
  void everyDefaultIsAValidParameterOfItsLoss() {
    for (String n : Losses.names()) {
      Map<String, Object> d = Losses.defaults(n);
      assertTrue(Losses.PARAMETERS.get(n).containsAll(d.keySet()), n + ": " + d);
      // creating the loss with its defaults given explicitly works
      Losses.create(n, d);
    }
    assertThrows(IllegalArgumentException.class, () -> Losses.defaults("nope"));
  }
}
