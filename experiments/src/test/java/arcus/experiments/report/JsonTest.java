package arcus.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    "[1]x|1|4|after the JSON value",
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
    assertTrue(msg.startsWith("case.json: "), msg);
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
}
