package arcus.nn.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.nn.io.CheckpointData;
import arcus.nn.io.CheckpointException;
import arcus.nn.io.Checkpoints;
import arcus.nn.io.NamedArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the checkpoint reader (docs/robustness.md): every mutated or random file is read
 * within {@link Within#LIMIT} into consistent arrays or refused with a {@link CheckpointException}.
 * Half of the mutated files get a recomputed CRC32, so that the parser, not only the checksum,
 * sees the damage. {@code -Darcus.fuzz.tries=10000} runs the full count.
 */
@AddLifecycleHook(FuzzTries.class)
class CheckpointFuzzProperties {
  private static final Path DIR = Within.tempDir("arcus-fuzz-ck");

  static byte[] seed(int variant) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("epochs_done", "2");
    if (variant > 0) meta.put("config", "{\"a\": 1}");
    List<NamedArray> arrays = variant == 2 ? List.of()
        : List.of(NamedArray.of("params/w", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
            NamedArray.of("state/mean", new int[] {3}, new double[] {0.5, -1, 2}),
            NamedArray.of("scalar", new int[] {}, new float[] {7}));
    try {
      Path p = DIR.resolve("seed" + variant);
      Checkpoints.write(p, new CheckpointData("lenet/d16/softmax/C10/F32", 42, meta, arrays));
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] withCrc(byte[] b) {
    if (b.length < 4) return b;
    CRC32 crc = new CRC32();
    crc.update(b, 0, b.length - 4);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
    return b;
  }

  @Provide
  Arbitrary<byte[]> checkpoints() {
    List<byte[]> seeds = List.of(seed(0), seed(1), seed(2));
    return Arbitraries.oneOf(Mutations.of(seeds, 96), Mutations.of(seeds, 96).map(CheckpointFuzzProperties::withCrc));
  }

  @Property(tries = 400)
  void checkpointsAreReadConsistentlyOrRefused(@ForAll("checkpoints") byte[] file) throws IOException {
    Path f = Files.write(DIR.resolve("case"), file);
    CheckpointData d = Within.valueOrDocumented(() -> Checkpoints.read(f), List.of(CheckpointException.class));
    net.jqwik.api.statistics.Statistics.collect(d == null ? "refused" : "read");
    if (d == null) return;
    for (NamedArray a : d.arrays()) {
      long n = 1;
      for (int s : a.shape()) n *= s;
      assertEquals(n, a.length(), a.name());
    }
  }

  /** Issue 11: an array claiming 10^12 elements is refused before allocation, naming declared and actual size. */
  @Test
  void anArrayDeclaringATrillionElementsIsRefusedWithBothSizes() throws IOException {
    byte[] b = seed(0);
    // the first array's shape: after magic, version, model, step, meta, count, name, dtype, rank
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int at = 8 + 4;
    at += 4 + bb.getInt(at) + 8; // model, step
    int metaCount = bb.getInt(at);
    at += 4;
    for (int i = 0; i < 2 * metaCount; i++) at += 4 + bb.getInt(at);
    at += 4; // array count
    at += 4 + bb.getInt(at) + 1 + 4; // name, dtype, rank (2)
    bb.putInt(at, 1_000_000);
    bb.putInt(at + 4, 1_000_000);
    Path f = Files.write(DIR.resolve("huge"), withCrc(b));
    var e = assertThrows(CheckpointException.class, () -> Checkpoints.read(f));
    assertTrue(e.getMessage().contains("[1000000, 1000000]") && e.getMessage().contains("bytes remain"), e.getMessage());
  }

  /** Found by the 10,000-case run: a damaged name with a newline made the error message two lines. */
  @Test
  void aDamagedNameKeepsTheErrorOnOneLine() throws IOException {
    byte[] b = seed(0);
    String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("state/mean");
    b[at + 5] = '\n'; // "state\nmean"
    b[at + 10] = 9; // the dtype byte after the name: "array 'state\nmean' has unknown dtype code 9"
    Path f = Files.write(DIR.resolve("newline"), withCrc(b));
    var e = assertThrows(CheckpointException.class, () -> Checkpoints.read(f));
    assertTrue(!e.getMessage().contains("\n") && e.getMessage().contains("'state\\x0amean' has unknown dtype code 9"), e.getMessage());
  }
}
