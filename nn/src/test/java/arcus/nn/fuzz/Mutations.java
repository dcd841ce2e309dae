package arcus.nn.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Byte-level mutators for fuzzing binary readers: each case starts from one of the valid seeds
 * and applies one to four of flip, truncate, extend, splice, an extreme number written over a
 * header field (big- or little-endian, 32 or 64 bits), or is pure random bytes.
 */
public final class Mutations {
  private Mutations() {}

  /** 32- and 64-bit values that break size arithmetic: signs, 2^31, 2^32, 10^12, all ones. */
  static final long[] EXTREMES = {0, 1, -1, 2, 255, 256, 65535, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE,
      0x80000000L, 0xffffffffL, 1L << 32, 1_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, 3072, 3073, 10, 100};

  /** Mutated seeds (most cases) and random byte strings; {@code headerBytes} is where size fields live. */
  public static Arbitrary<byte[]> of(List<byte[]> seeds, int headerBytes) {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(4096);
    Arbitrary<byte[]> mutated = Arbitraries.randomValue(r -> mutate(seeds, headerBytes, r));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, mutated), net.jqwik.api.Tuple.of(1, random));
  }

  static byte[] mutate(List<byte[]> seeds, int headerBytes, Random r) {
    byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
    int steps = 1 + r.nextInt(4);
    for (int s = 0; s < steps; s++) b = once(b, seeds, headerBytes, r);
    return b;
  }

  private static byte[] once(byte[] b, List<byte[]> seeds, int headerBytes, Random r) {
    switch (r.nextInt(6)) {
      case 0 -> { // flip bits
        if (b.length == 0) return b;
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        return b;
      }
      case 1 -> { // truncate
        return Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
      }
      case 2 -> { // extend with random bytes or a copy of itself
        int n = r.nextBoolean() ? 1 + r.nextInt(64) : b.length;
        byte[] out = Arrays.copyOf(b, b.length + n);
        if (r.nextBoolean()) for (int i = b.length; i < out.length; i++) out[i] = (byte) r.nextInt(256);
        else System.arraycopy(b, 0, out, b.length, Math.min(n, b.length));
        return out;
      }
      case 3 -> { // splice: the head of this one and the tail of another seed
        byte[] other = seeds.get(r.nextInt(seeds.size()));
        int cut = b.length == 0 ? 0 : r.nextInt(b.length + 1), from = other.length == 0 ? 0 : r.nextInt(other.length + 1);
        byte[] out = Arrays.copyOf(b, cut + other.length - from);
        System.arraycopy(other, from, out, cut, other.length - from);
        return out;
      }
      default -> { // an extreme number over a header field
        if (b.length < 4) return b;
        int limit = Math.max(1, Math.min(headerBytes, b.length - 3));
        int at = r.nextBoolean() ? (r.nextInt(limit) / 4) * 4 : r.nextInt(limit);
        long v = EXTREMES[r.nextInt(EXTREMES.length)];
        boolean wide = r.nextBoolean() && at + 8 <= b.length;
        ByteBuffer bb = ByteBuffer.wrap(b).order(r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        if (wide) bb.putLong(at, v);
        else bb.putInt(at, (int) v);
        return b;
      }
    }
  }
}
