package arcus.experiments.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The parser's numbers are exactly the doubles {@link Double#parseDouble} gives, whichever of its
 * paths (Clinger, Eisel–Lemire, the exact fallback) a number takes.
 */
class NumberParsingProperties {

  private static void same(String text) {
    double want = Double.parseDouble(text);
    if (Double.isInfinite(want)) { // too large for a double: an error, never infinity
      assertThrows(JsonException.class, () -> Json.parse(text), text);
      return;
    }
    Object got = Json.parse(text);
    double g = ((Number) got).doubleValue();
    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(g), text + ": want " + want + ", got " + g);
  }

  @Provide
  Arbitrary<Double> finiteDoubles() {
    return Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite);
  }

  @Property(tries = 3000)
  void shortestAnd17DigitFormsOfAnyDouble(@ForAll("finiteDoubles") double d) {
    String shortest = Double.toString(d);
    same(shortest.contains("E") || shortest.contains(".") ? shortest : shortest + ".0");
    same(String.format(Locale.ROOT, "%.16e", d));
    same(String.format(Locale.ROOT, "%.18e", d));
    same(new BigDecimal(d).toString().replace("+", "")); // exact, often hundreds of digits
  }

  @Property(tries = 3000)
  void halfWayBetweenNeighboursAndJustBesideIt(@ForAll("finiteDoubles") double d) {
    double up = Math.nextUp(d);
    if (!Double.isFinite(up)) return;
    BigDecimal mid = new BigDecimal(d).add(new BigDecimal(up)).divide(BigDecimal.valueOf(2));
    BigDecimal eps = mid.ulp();
    same(mid.toString().replace("+", ""));
    same(mid.add(eps).toString().replace("+", ""));
    same(mid.subtract(eps).toString().replace("+", ""));
    // The same mid-point cut to 17..19 significant digits: the cases where truncation matters.
    for (int digits = 17; digits <= 19; digits++) {
      same(mid.round(new java.math.MathContext(digits)).toString().replace("+", ""));
    }
  }

  @Property(tries = 5000)
  void randomDigitStringsAtEveryExponent(@ForAll @IntRange(min = 1, max = 25) int digits,
                                         @ForAll @IntRange(min = -360, max = 330) int exp,
                                         @ForAll("digitSeeds") long seed) {
    java.util.Random r = new java.util.Random(seed);
    StringBuilder sb = new StringBuilder(r.nextBoolean() ? "-" : "");
    sb.append((char) ('1' + r.nextInt(9))).append('.');
    for (int i = 1; i < digits; i++) sb.append((char) ('0' + r.nextInt(10)));
    if (digits == 1) sb.append('0');
    sb.append('e').append(exp);
    same(sb.toString());
  }

  @Provide
  Arbitrary<Long> digitSeeds() {
    return Arbitraries.longs();
  }

  @Property(tries = 5000)
  void eiselLemireIsExactOrDeclines(@ForAll long w, @ForAll @IntRange(min = EiselLemire.MIN_EXP10, max = EiselLemire.MAX_EXP10) int q) {
    double got = EiselLemire.toDouble(w, q, false);
    if (Double.isNaN(got)) return; // declined: the caller parses the text exactly
    double want = Double.parseDouble(Long.toUnsignedString(w) + "E" + q);
    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), Long.toUnsignedString(w) + "E" + q);
  }

  @Test
  void edgeCases() {
    for (String t : new String[] {
        "0.1", "-0.0", "0.0", "1e-400", "-1e-400", "2.2250738585072011e-308", "2.2250738585072014e-308",
        "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
        "1.7976931348623158e308", "9007199254740993.0", "9007199254740992.5", "123456789012345678901234567890.5",
        "0.30000000000000004", "7.2057594037927933e16", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203126",
        "0.000000000000000000000000000000000000000000001234567890123456789", "5e-324", "1e23", "8.98846567431158e307"}) {
      same(t);
    }
  }

  @Test
  void theExponentFormulaIsFloorOfLog2OfTenToTheQ() {
    for (int q = EiselLemire.MIN_EXP10; q <= EiselLemire.MAX_EXP10; q++) {
      long byFormula = (217706L * q) >> 16;
      long exact = (long) Math.floor(q * (Math.log(10) / Math.log(2)));
      // q·log2(10) is never within 1e-9 of an integer for q ≠ 0 in this range, so double suffices.
      assertEquals(exact, byFormula, "q = " + q);
    }
  }

  @Test
  void decidesAlmostEveryTypicalNumberWithoutTheFallback() {
    java.util.Random r = new java.util.Random(3);
    int declined = 0, n = 200_000;
    for (int i = 0; i < n; i++) {
      long w = r.nextLong(10_000_000_000_000_000L, 100_000_000_000_000_000L); // 17 digits, like json.dumps writes
      int q = -40 + r.nextInt(33); // magnitudes 1e-23 .. 1e9; near 2^53 exact products can decline
      double v = EiselLemire.toDouble(w, q, false);
      if (Double.isNaN(v)) {
        declined++;
      } else if (i % 20 == 0) {
        assertEquals(Double.parseDouble(w + "E" + q), v, w + "E" + q);
      }
    }
    assertTrue(declined < n / 1000, declined + " of " + n + " declined");
  }
}
