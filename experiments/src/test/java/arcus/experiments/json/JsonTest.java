package arcus.experiments.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  @Test
  void parsesEveryKindOfValue() {
    Object v = Json.parse(" {\"a\": [1, -2.5e3, 0.125], \"b\": {\"c\": true, \"d\": false, \"e\": null}, \"s\": \"x\\\"\\u00e9\\n\"} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of(1.0, -2500.0, 0.125), m.get("a"));
    Map<?, ?> b = (Map<?, ?>) m.get("b");
    assertEquals(true, b.get("c"));
    assertEquals(Json.NULL, b.get("e"));
    assertEquals("x\"é\n", m.get("s"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "{'a':1}", "[1 2]", "tru", "\"abc", "\"\\x\"", "{\"a\":1}{", "NaN", "[1e400]", "{\"a\":1,\"a\":2}", "\"\t\""})
  void rejectsMalformedText(String text) {
    assertThrows(JsonException.class, () -> Json.parse(text));
  }

  @Test
  void roundTrips() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", 0.1);
    m.put("list", List.of(1.0, 2.5, -3e-8));
    m.put("s", "q\"uote\\");
    m.put("flag", true);
    assertEquals(m, Json.parse(Json.write(m)));
    assertEquals("[[1, 2.5], [3, 4]]", Json.array(new double[] {1, 2.5, 3, 4}, new int[] {2, 2}).text());
  }

  @Test
  void numbersParseExactlyLikeParseDouble() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    List<String> texts = new java.util.ArrayList<>(List.of("0", "-0", "0.1", "1e22", "1e23", "123456789012345678901234", "-2.5E-3",
        "0.000001", "4.9e-324", "1.7976931348623157e308", "0.30000000000000004", "9007199254740993", "1.00000000000000011102230246251565404236316680908203125"));
    for (int i = 0; i < 2000; i++) {
      double d = (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-30, 30));
      texts.add(Double.toString(d));
      texts.add(Float.toString((float) d));
      texts.add(String.format(java.util.Locale.ROOT, "%.5f", d));
    }
    for (String t : texts) assertEquals(Double.parseDouble(t), (Double) Json.parse(t), t);
  }

  @Test
  void arraysMustBeRectangular() {
    JsonException e = assertThrows(JsonException.class, () -> JsonArrays.of("x", Json.parse("[[1, 2], [3]]"), 2));
    assertEquals("x[1]: ragged array, has 1 elements where 2 were expected", e.getMessage());
    JsonArrays a = JsonArrays.of("x", Json.parse("[[1, 2], [3, 4], [5, 6]]"), 2);
    assertEquals(List.of(3, 2), List.of(a.shape()[0], a.shape()[1]));
  }
}
