package arcus.experiments.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JsonParser;

/** The project's Jackson set-up: layouts, strict reading with one-line errors, numeric arrays. */
class JacksonTest {
  /** Reads {@code text} (one array) with the streaming reader, as loss-eval reads its arrays. */
  static NumberArray array(String field, String text) {
    try (JsonParser p = Jackson.MAPPER.createParser(text)) {
      p.nextToken();
      return NumberArrayReader.read(p, field);
    }
  }

  @Test
  void roundTrip() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("loss", "arcface");
    m.put("s", 64);
    m.put("m", 0.5);
    m.put("tiny", 1.0e-300);
    m.put("ok", true);
    m.put("none", null);
    m.put("list", List.of(1, List.of(), Map.of()));
    m.put("text", "quote\" back\\ nl\n tab\t ctl\u0001 é \u2028 😀");
    for (String s : List.of(Jackson.compact(m), Jackson.line(m), Jackson.pretty(m)))
      assertEquals(m, Jackson.read("x", s, Map.class), s);
  }

  @Test
  void threeLayouts() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", List.of(1, 2));
    m.put("b", Map.of());
    m.put("c", List.of());
    assertEquals("{\"a\":[1,2],\"b\":{},\"c\":[]}", Jackson.compact(m));
    assertEquals("{\"a\": [1, 2], \"b\": {}, \"c\": []}", Jackson.line(m));
    assertEquals("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": []\n}\n", Jackson.pretty(m));
  }

  record Sample(String lossName, double trainLoss, Path dataDir) {}

  @Test
  void recordsBindInSnakeCaseWithPlainPathsAndNonFiniteAsNull() {
    Sample s = new Sample("arcface", Double.NaN, Path.of("data/mnist"));
    String json = Jackson.compact(s);
    assertEquals("{\"loss_name\":\"arcface\",\"train_loss\":null,\"data_dir\":\"data/mnist\"}", json);
    Sample back = Jackson.read("x", json, Sample.class);
    assertEquals(s, back); // NaN == NaN for records (Double.compare)
    assertEquals("[null,2.5]", Jackson.compact(List.of(Double.NEGATIVE_INFINITY, 2.5)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"a\": 1,}",
    "[1 2]",
    "{\"a\" 1}",
    "01",
    "tru",
    "\"abc",
    "[1]x",
    "1.",
    "-",
    "{\"a\":1,\"a\":2}",
    "\"\\x\"",
    "[NaN]",
    "{'a':1}",
    "[1] // c",
  })
  void malformedInputIsOneLineNamingTheSourceAndPosition(String text) {
    var e = assertThrows(IllegalArgumentException.class, () -> Jackson.read("case.json", text, Object.class));
    String msg = e.getMessage();
    assertTrue(msg.startsWith("case.json: invalid JSON, "), msg);
    assertTrue(msg.matches(".* at line 1, column [1-9][0-9]*"), msg);
    assertFalse(msg.contains("\n") || msg.contains("Source:"), msg);
  }

  @Test
  void duplicateKeysAndRawControlCharactersAreNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> Jackson.read("s", "{\"a\":1,\"a\":2}", Object.class));
    assertTrue(e.getMessage().contains("Duplicate Object property \"a\""), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Jackson.read("s", "\"a\nb\"", Object.class));
    assertTrue(e.getMessage().contains("code 10"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Jackson.read("stdin", "{\n  \"a\": [1,\n  ]\n}", Object.class));
    assertTrue(e.getMessage().endsWith("at line 3, column 3"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "{'a':1}", "[1 2]", "tru", "\"abc", "\"\\x\"", "{\"a\":1}{", "NaN", "{\"a\":1,\"a\":2}", "\"\t\""})
  void rejectsMalformedText(String text) {
    assertThrows(IllegalArgumentException.class, () -> Jackson.read("x", text, Object.class));
  }

  // ---- numeric arrays: read by the streaming parser into double[], written from double[]/float[]

  @Test
  void arraysReadIntoOneFlatDoubleArrayWithTheirShape() {
    NumberArray a = array("x", "[[1, 2], [3, 4], [5, 6e0]]");
    assertEquals(List.of(3, 2), Arrays.stream(a.shape()).boxed().toList());
    assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), Arrays.stream(a.doubles()).boxed().toList());
    assertEquals(3, array("w", "[[[1], [2]], [[3], [4]]]").shape().length);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "[[1, 2], [3]]|x[1]: ragged array, has 1 elements where 2 were expected",
    "[[1, 2], [3, 4, 5]]|x[1]: ragged array, has 3 elements where 2 were expected",
    "[[1, null]]|x[0][1]: expected a number, got null",
    "[[1, \"a\"]]|x[0][1]: expected a number, got the string \"a\"",
    "[[1, [2]]]|x[0][1]: expected a number, got an array",
    "[[1, 2], 3]|x[1]: expected an array, got 3",
    "[[1, 2], {}]|x[1]: expected an array, got an object",
    "[]|x: empty array at depth 0",
    "[[]]|x: empty array at depth 1",
    "[[1, -2e400]]|x[0][1]: number out of range: -2e400 at line 1, column 6",
  })
  void badArraysNameTheFieldAndPosition(String text, String message) {
    var e = assertThrows(IllegalArgumentException.class, () -> array("x", text));
    assertEquals(message, e.getMessage());
  }

  @Test
  void numbersReadExactlyLikeParseDouble() {
    SplittableRandom r = new SplittableRandom(7);
    List<String> texts = new ArrayList<>(List.of("0", "-0", "0.1", "1e22", "1e23", "123456789012345678901234", "-2.5E-3",
        "0.000001", "4.9e-324", "1.7976931348623157e308", "0.30000000000000004", "9007199254740993",
        "1.00000000000000011102230246251565404236316680908203125", "999999999999999999", "-9223372036854775808",
        "9223372036854775808", "0.000000000000000000000000123", "1234567890123456.5", "1e-400"));
    for (int i = 0; i < 2000; i++) {
      double d = (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-30, 30));
      texts.add(Double.toString(d));
      texts.add(Float.toString((float) d));
      texts.add(String.format(Locale.ROOT, "%.5f", d));
      texts.add(Long.toString(r.nextLong() >> r.nextInt(64)));
      texts.add(Long.toString(r.nextLong(10_000_000_000_000_000L, 100_000_000_000_000_000L)) + "e" + r.nextInt(-345, 290));
    }
    double[] got = array("x", texts.toString()).doubles();
    for (int i = 0; i < texts.size(); i++)
      assertEquals(texts.get(i).matches("-?\\d+") ? new java.math.BigDecimal(texts.get(i)).doubleValue() // whole: "-0" is 0
          : Double.parseDouble(texts.get(i)), got[i], texts.get(i));
  }

  @Test
  void numberArraysWriteInTheirOwnPrecision() {
    float[] f = {0.1f, -0.0f, 3f, 1e-8f, 16777216f, Float.MAX_VALUE};
    assertEquals("[0.1, -0.0, 3, 1.0E-8, 1.6777216E7, 3.4028235E38]", Jackson.line(NumberArray.of(f, 6)));
    for (float x : f) assertEquals(x, (float) array("x", Jackson.compact(NumberArray.of(new float[] {x}, 1))).doubles()[0]);
    assertEquals("[0.1,0.30000000000000004,1.0E15]", Jackson.compact(NumberArray.of(new double[] {0.1, 0.1 + 0.2, 1e15}, 3)));
    assertEquals("[[[1,2]],[[3,4]]]", Jackson.compact(NumberArray.of(new float[] {1, 2, 3, 4}, 2, 1, 2)));
    assertEquals("[[],[]]", Jackson.compact(NumberArray.of(new double[0], 2, 0)));
    assertEquals("2.5", Jackson.compact(NumberArray.of(new double[] {2.5})));
    assertEquals("[\n  [\n    1,\n    2\n  ]\n]\n", Jackson.pretty(NumberArray.of(new float[] {1, 2}, 1, 2)));
    assertEquals("{\"g\": [[0.5, null]]}", Jackson.line(Map.of("g", NumberArray.of(new float[] {0.5f, Float.NaN}, 1, 2))));
  }

  @Test
  void numberArraysRoundTripThroughTheReader() {
    java.util.Random r = new java.util.Random(5);
    double[] d = new double[301 * 7];
    for (int i = 0; i < d.length; i++) d[i] = r.nextInt(10) == 0 ? -0.0 : r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
    NumberArray back = array("x", Jackson.line(NumberArray.of(d, 301, 7)));
    assertEquals(List.of(301, 7), Arrays.stream(back.shape()).boxed().toList());
    for (int i = 0; i < d.length; i++) assertEquals(Double.doubleToLongBits(d[i] == 0 ? 0.0 : d[i]), Double.doubleToLongBits(back.doubles()[i] == 0 ? 0.0 : back.doubles()[i]));
  }

  @Test
  void numberArrayChecksItsShape() {
    assertThrows(IllegalArgumentException.class, () -> NumberArray.of(new double[3], 2, 2));
    assertThrows(IllegalArgumentException.class, () -> NumberArray.of(new float[0], -1));
    assertThrows(IllegalArgumentException.class, () -> new NumberArray(new int[1], new int[] {1}));
  }
}
