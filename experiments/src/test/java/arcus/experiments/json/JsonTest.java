package arcus.experiments.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  @Test
  void roundTrip() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("loss", "arcface");
    m.put("s", 64L);
    m.put("m", 0.5);
    m.put("tiny", 1.0e-300);
    m.put("neg", -2.25);
    m.put("ok", true);
    m.put("none", null);
    m.put("list", List.of(1L, List.of(), Map.of()));
    m.put("text", "quote\" back\\ nl\n tab\t ctl\u0001 é \u2028 😀");
    for (String s : List.of(Json.write(m), Json.writePretty(m))) {
      assertEquals(m, Json.parse(s));
    }
  }

  @Test
  void escaping() {
    assertEquals("\"a\\\"b\\\\c\\n\\u0001\\u2028\"", Json.write("a\"b\\c\n\u0001\u2028"));
    assertEquals("\"\\/ \u00e9\"".replace("\\/", "/"), Json.write("/ é"));
    assertEquals("A\u00e9", Json.parse("\"\\u0041\\u00E9\""));
  }

  @Test
  void nonFiniteAsNull() {
    assertEquals("[null,null,null,1.5,2,-0.0]", Json.write(new double[] {Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5, 2.0, -0.0}));
    assertEquals("[null,0.5]", Json.write(new float[] {Float.NaN, 0.5f}));
  }

  @Test
  void numbers() {
    assertEquals(List.of(0L, -3L, 1.5, 1e10, -2.5e-3, 1.0e20),
        Json.parse("[0, -3, 1.5, 1e10, -2.5E-3, 100000000000000000000]"));
    assertEquals(Long.MAX_VALUE, Json.parse(String.valueOf(Long.MAX_VALUE)));
    assertNull(Json.parse(" null "));
  }

  @Test
  void numberArraysReadUnboxedGiveWhatTheGeneralPathGives() {
    Object a = Json.parse("[1, 2.5, -0, 9007199254740992, -1e2, 0.1]");
    assertEquals(Json.NumberList.class, a.getClass());
    assertEquals(List.of(1L, 2.5, 0L, 9007199254740992L, -100.0, 0.1), a);
    assertEquals(Long.class, ((List<?>) a).get(2).getClass());
    // beyond 2^53 a whole number is kept exact, so that array takes the general path
    assertEquals(List.of(1.5, 9007199254740993L), Json.parse("[1.5, 9007199254740993]"));
    assertEquals(List.of(1.5, "a", List.of(2L)), Json.parse("[1.5, \"a\", [2]]"));
    assertEquals(List.of(List.of(0.5, 1L), List.of()), Json.parse("[[0.5, 1], []]"));
    var e = assertThrows(JsonException.class, () -> Json.parse("[1.5 2]"));
    assertTrue(e.getMessage().contains("expected ',' or ']' but found '2' at line 1, column 6"), e.getMessage());
    e = assertThrows(JsonException.class, () -> Json.parse("[1.5,]"));
    assertTrue(e.getMessage().contains("unexpected ']', expected a value"), e.getMessage());
    e = assertThrows(JsonException.class, () -> Json.parse("[1.5, 01]"));
    assertTrue(e.getMessage().contains("leading zero"), e.getMessage());
    e = assertThrows(JsonException.class, () -> Json.parse("[1.5, 2"));
    assertTrue(e.getMessage().contains("end of input"), e.getMessage());
  }

  @Test
  void largeNumberArraysFormattedInParallelGiveTheSequentialText() {
    java.util.Random r = new java.util.Random(5);
    int rows = 301, cols = 257; // > 2^16 values: the parallel path
    float[] f = new float[rows * cols];
    double[] d = new double[rows * cols];
    float[][] f2 = new float[rows][cols];
    double[][] d2 = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double v = r.nextInt(10) == 0 ? -0.0 : r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10);
        d[i * cols + j] = d2[i][j] = v;
        f[i * cols + j] = f2[i][j] = (float) v;
      }
    }
    for (java.util.function.Function<Object, String> w : List.<java.util.function.Function<Object, String>>of(
        Json::write, Json::writeLine, Json::writePretty)) {
      assertEquals(w.apply(f2), w.apply(Json.array(f, rows, cols)));
      assertEquals(w.apply(d2), w.apply(Json.array(d, rows, cols)));
      assertEquals(w.apply(Map.of("g", d2)), w.apply(Map.of("g", Json.array(d, rows, cols))));
    }
    float[][][] f3 = new float[rows][cols][1];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) f3[i][j][0] = f[i * cols + j];
    assertEquals(Json.writePretty(f3), Json.writePretty(Json.array(f, rows, cols, 1)));
  }

  @Test
  void prettyOutputIsIndented() {
    assertEquals("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}\n",
        Json.writePretty(Json.obj("a", List.of(1, 2), "b", Map.of())));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"a\": 1,}|1|9|expected a string key",
    "[1 2]|1|4|expected ',' or ']'",
    "{\"a\" 1}|1|6|expected ':'",
    "01|1|2|leading zero",
    "tru|1|1|invalid literal",
    "\"abc|1|5|unterminated string",
    "[1]x|1|4|unexpected text 'x' after the JSON value",
    "1.|1|3|digit after '.'",
    "-|1|2|expected a digit",
    "{\"a\":1,\"a\":2}|1|8|duplicate key",
    "\"\\x\"|1|2|invalid escape",
    "[NaN]|1|2|expected a value",
    "''|1|1|unexpected end of input",
  })
  void malformedInputReportsPosition(String text, int line, int col, String what) {
    String input = text.equals("''") ? "" : text;
    var e = assertThrows(JsonException.class, () -> Json.parse("case.json", input));
    String msg = e.getMessage();
    assertTrue(msg.startsWith("case.json: invalid JSON, "), msg);
    assertTrue(msg.contains(what), msg);
    assertTrue(msg.contains("line " + line + ", column " + col), msg);
    assertEquals(col - 1, e.offset(), msg);
  }

  @Test
  void positionCountsLines() {
    var e = assertThrows(JsonException.class, () -> Json.parse("stdin", "{\n  \"a\": [1,\n  ]\n}"));
    assertTrue(e.getMessage().contains("line 3, column 3"), e.getMessage());
  }

  @Test
  void rawControlCharacterInString() {
    var e = assertThrows(JsonException.class, () -> Json.parse("\"a\nb\""));
    assertTrue(e.getMessage().contains("U+000A"), e.getMessage());
  }

  @Test
  void parseObjectRejectsOtherTops() {
    assertThrows(JsonException.class, () -> Json.parseObject("x.json", "[1]"));
    assertEquals(Map.of("k", "v"), Json.parseObject("x.json", "{\"k\":\"v\"}"));
  }

  @Test
  void writesPrimitiveArrays() {
    assertEquals("[1,2]", Json.write(new int[] {1, 2}));
    assertEquals("[3]", Json.write(new long[] {3}));
    assertEquals("[\"x\",null]", Json.write(new Object[] {"x", null}));
    assertEquals(Arrays.asList(1L, null), Json.parse("[1,null]"));
  }

  // ---- from the loss-eval JSON library (arcus.experiments.json before the merge)

  @Test
  void parsesEveryKindOfValue() {
    Object v = Json.parse(" {\"a\": [1, -2.5e3, 0.125], \"b\": {\"c\": true, \"d\": false, \"e\": null}, \"s\": \"x\\\"\\u00e9\\n\"} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of(1L, -2500.0, 0.125), m.get("a"));
    Map<?, ?> b = (Map<?, ?>) m.get("b");
    assertEquals(true, b.get("c"));
    assertTrue(b.containsKey("e")); // a JSON null is a null value, a missing key is absent
    assertNull(b.get("e"));
    assertEquals("x\"é\n", m.get("s"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "{'a':1}", "[1 2]", "tru", "\"abc", "\"\\x\"", "{\"a\":1}{", "NaN", "[1e400]", "{\"a\":1,\"a\":2}", "\"\t\""})
  void rejectsMalformedText(String text) {
    assertThrows(JsonException.class, () -> Json.parse(text));
  }

  @Test
  void numberTooLargeForADoubleIsAnError() {
    var e = assertThrows(JsonException.class, () -> Json.parse("stdin", "[1, -2e400]"));
    assertTrue(e.getMessage().contains("number out of range: -2e400 at line 1, column 5"), e.getMessage());
    assertEquals(0.0, Json.parse("1e-400")); // underflow rounds to zero, like parseDouble
  }

  @Test
  void roundTripsOnOneLine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", 0.1);
    m.put("list", List.of(1L, 2.5, -3e-8));
    m.put("s", "q\"uote\\");
    m.put("flag", true);
    assertEquals("{\"value\": 0.1, \"list\": [1, 2.5, -3.0E-8], \"s\": \"q\\\"uote\\\\\", \"flag\": true}", Json.writeLine(m));
    assertEquals(m, Json.parse(Json.writeLine(m)));
    assertEquals("[[1, 2.5], [3, 4]]", Json.writeLine(Json.array(new double[] {1, 2.5, 3, 4}, 2, 2)));
  }

  @Test
  void numbersParseExactlyLikeParseDouble() {
    SplittableRandom r = new SplittableRandom(7);
    List<String> texts = new ArrayList<>(List.of("0", "-0", "0.1", "1e22", "1e23", "123456789012345678901234", "-2.5E-3",
        "0.000001", "4.9e-324", "1.7976931348623157e308", "0.30000000000000004", "9007199254740993", "1.00000000000000011102230246251565404236316680908203125",
        "999999999999999999", "-9223372036854775808", "9223372036854775808", "0.000000000000000000000000123", "1234567890123456.5"));
    for (int i = 0; i < 2000; i++) {
      double d = (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-30, 30));
      texts.add(Double.toString(d));
      texts.add(Float.toString((float) d));
      texts.add(String.format(Locale.ROOT, "%.5f", d));
      texts.add(Long.toString(r.nextLong() >> r.nextInt(64)));
    }
    for (String t : texts) {
      Object v = Json.parse(t);
      if (t.matches("-?\\d+") && fitsLong(t)) assertEquals(Long.parseLong(t), v, t); // whole numbers in range: exact Long
      else assertEquals(Double.parseDouble(t), (Double) v, t);
    }
  }

  private static boolean fitsLong(String t) {
    try {
      Long.parseLong(t);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Test
  void arraysMustBeRectangular() {
    JsonException e = assertThrows(JsonException.class, () -> JsonArrays.of("x", Json.parse("[[1, 2], [3]]"), 2));
    assertEquals("x[1]: ragged array, has 1 elements where 2 were expected", e.getMessage());
    JsonArrays a = JsonArrays.of("x", Json.parse("[[1, 2], [3, 4], [5, 6]]"), 2);
    assertEquals(List.of(3, 2), List.of(a.shape()[0], a.shape()[1]));
    assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), Arrays.stream(a.data()).boxed().toList());
    e = assertThrows(JsonException.class, () -> JsonArrays.of("x", Json.parse("[[1, null]]"), 2));
    assertEquals("x[0][1]: expected a number, got null", e.getMessage());
    assertEquals(-1, e.offset());
  }

  // ---- large numeric arrays (NumberArray)

  @Test
  void numberArraysWriteInTheirOwnPrecision() {
    float[] f = {0.1f, -0.0f, 3f, 1e-8f, 16777216f, Float.MAX_VALUE};
    assertEquals("[0.1, -0.0, 3, 1.0E-8, 1.6777216E7, 3.4028235E38]", Json.writeLine(Json.array(f, 6)));
    for (float x : f) assertEquals(x, ((Number) Json.parse(Json.write(Json.array(new float[] {x})).replaceAll("[\\[\\]]", ""))).floatValue());
    assertEquals("[0.1,0.30000000000000004,1.0E15]", Json.write(Json.array(new double[] {0.1, 0.1 + 0.2, 1e15}, 3)));
    assertEquals("[[[1,2]],[[3,4]]]", Json.write(Json.array(new float[] {1, 2, 3, 4}, 2, 1, 2)));
    assertEquals("[[],[]]", Json.write(Json.array(new double[0], 2, 0)));
    assertEquals("2.5", Json.write(Json.array(new double[] {2.5})));
    assertEquals("[\n  [\n    1,\n    2\n  ]\n]\n", Json.writePretty(Json.array(new float[] {1, 2}, 1, 2)));
    assertEquals("{\"g\": [[0.5, null]]}", Json.writeLine(Map.of("g", Json.array(new float[] {0.5f, Float.NaN}, 1, 2))));
  }

  @Test
  void numberArrayChecksItsShape() {
    assertThrows(IllegalArgumentException.class, () -> Json.array(new double[3], 2, 2));
    assertThrows(IllegalArgumentException.class, () -> Json.array(new float[0], -1));
    assertThrows(IllegalArgumentException.class, () -> new Json.NumberArray(new int[1], new int[] {1}));
  }
}
