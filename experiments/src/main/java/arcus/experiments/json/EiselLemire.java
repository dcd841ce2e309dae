package arcus.experiments.json;

import java.math.BigInteger;

/**
 * Exact decimal-to-double conversion by the Eisel–Lemire algorithm (D. Lemire, "Number parsing at
 * a gigabyte per second", Software: Practice and Experience 51(8), 2021; the form here follows Go's
 * {@code strconv.eiselLemire64}). Given w × 10^q with a non-zero 64-bit w, it multiplies w by a
 * 128-bit approximation of 10^q and returns the correctly rounded double whenever the truncated
 * product decides the rounding, which is almost always; otherwise it says so and the caller falls
 * back to {@link Double#parseDouble}. Either way the result is the double {@code
 * Double.parseDouble} gives, at a small fraction of its cost for 16–19 digit inputs (the digits
 * Python's {@code json.dumps} writes).
 */
final class EiselLemire {
  private EiselLemire() {}

  static final int MIN_EXP10 = -348;
  static final int MAX_EXP10 = 347;

  /** hi and lo 64 bits of the 128-bit mantissa of 10^q, rounded down, top bit set; index q − MIN_EXP10. */
  private static final long[] HI = new long[MAX_EXP10 - MIN_EXP10 + 1];
  private static final long[] LO = new long[MAX_EXP10 - MIN_EXP10 + 1];

  static {
    BigInteger mask = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    BigInteger five = BigInteger.valueOf(5);
    for (int q = MIN_EXP10; q <= MAX_EXP10; q++) {
      // 10^q = 5^q × 2^q; only the mantissa of 5^q matters, normalised to [2^127, 2^128).
      BigInteger m;
      if (q >= 0) {
        BigInteger p = five.pow(q);
        int shift = 128 - p.bitLength();
        m = shift >= 0 ? p.shiftLeft(shift) : p.shiftRight(-shift);
      } else {
        BigInteger p = five.pow(-q);
        // floor(2^s / 5^-q) with s chosen so that the quotient has exactly 128 bits.
        int s = p.bitLength() + 127;
        m = BigInteger.ONE.shiftLeft(s).divide(p);
        if (m.bitLength() > 128) {
          m = BigInteger.ONE.shiftLeft(s - 1).divide(p);
        }
      }
      HI[q - MIN_EXP10] = m.shiftRight(64).longValue();
      LO[q - MIN_EXP10] = m.and(mask).longValue();
    }
  }

  /**
   * The double nearest to (−1)^negative × w × 10^q, or NaN when the algorithm cannot decide (the
   * caller then parses the text exactly). w is read as unsigned.
   */
  static double toDouble(long w, int q, boolean negative) {
    if (w == 0) {
      return negative ? -0.0 : 0.0;
    }
    if (q < MIN_EXP10 || q > MAX_EXP10) {
      return Double.NaN;
    }
    int clz = Long.numberOfLeadingZeros(w);
    long man = w << clz;
    long retExp2 = ((217706L * q) >> 16) + 64 + 1023 - clz;
    int i = q - MIN_EXP10;
    long xHi = Math.unsignedMultiplyHigh(man, HI[i]);
    long xLo = man * HI[i];
    if ((xHi & 0x1FF) == 0x1FF && Long.compareUnsigned(xLo + man, man) < 0) {
      long yHi = Math.unsignedMultiplyHigh(man, LO[i]);
      long yLo = man * LO[i];
      long mergedHi = xHi, mergedLo = xLo + yHi;
      if (Long.compareUnsigned(mergedLo, xLo) < 0) {
        mergedHi++;
      }
      if ((mergedHi & 0x1FF) == 0x1FF && mergedLo + 1 == 0 && Long.compareUnsigned(yLo + man, man) < 0) {
        return Double.NaN;
      }
      xHi = mergedHi;
      xLo = mergedLo;
    }
    long msb = xHi >>> 63;
    long retMantissa = xHi >>> (msb + 9);
    retExp2 -= 1 ^ msb;
    if (xLo == 0 && (xHi & 0x1FF) == 0 && (retMantissa & 3) == 1) {
      return Double.NaN; // exactly half-way: the truncated digits decide
    }
    retMantissa += retMantissa & 1;
    retMantissa >>>= 1;
    if ((retMantissa >>> 53) > 0) {
      retMantissa >>>= 1;
      retExp2 += 1;
    }
    if (retExp2 <= 0 || retExp2 >= 0x7FF) {
      return Double.NaN; // subnormal or overflow: left to the exact parser
    }
    long bits = (retExp2 << 52) | (retMantissa & 0x000FFFFFFFFFFFFFL);
    if (negative) {
      bits |= Long.MIN_VALUE;
    }
    return Double.longBitsToDouble(bits);
  }
}
