package arcus.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
  @TempDir Path dir;

  static CheckpointData sample(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] w = new float[3 * 4];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    w[0] = Float.NaN;
    w[1] = Float.NEGATIVE_INFINITY;
    w[2] = -0f;
    double[] v = new double[5];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextDouble() * 1e300;
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("loss", "arcface");
    meta.put("note", "ünïcödé \n \"q\"");
    return new CheckpointData("mlp-784-10", 1234567890123L, meta, List.of(
        NamedArray.of("fc1.w", new int[] {3, 4}, w),
        NamedArray.of("opt.m", new int[] {5}, v),
        NamedArray.of("scalar", new int[] {}, new float[] {2.5f}),
        NamedArray.of("empty", new int[] {0, 7}, new double[0])));
  }

  @Test
  void roundTrip() {
    Path f = dir.resolve("ck.bin");
    CheckpointData d = sample(1);
    Checkpoints.write(f, d);
    CheckpointData back = Checkpoints.read(f);
    assertEquals(d, back);
    assertEquals(d.meta(), back.meta());
    assertEquals(List.of("fc1.w", "opt.m", "scalar", "empty"), back.names());
    assertArrayEquals(new int[] {0, 7}, back.array("empty").shape());
    // Bit-exact, NaN and -0 included.
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.array("fc1.w").f32()[2]));
  }

  @Test
  void overwriteLeavesNoTemporaryFiles() throws IOException {
    Path f = dir.resolve("ck.bin");
    Checkpoints.write(f, sample(1));
    Checkpoints.write(f, sample(2));
    assertEquals(sample(2), Checkpoints.read(f));
    try (var s = Files.list(dir)) {
      assertEquals(List.of(f), s.toList());
    }
  }

  @Test
  void largeArrayCrossesBufferBoundaries() {
    double[] big = new double[100_003];
    Arrays.setAll(big, i -> i * 0.5);
    CheckpointData d = new CheckpointData("m", 0, Map.of(),
        List.of(NamedArray.of("big", new int[] {100_003}, big)));
    Path f = dir.resolve("big.ck");
    Checkpoints.write(f, d);
    assertEquals(d, Checkpoints.read(f));
  }

  @Test
  void corruptedByteFailsCrc() throws IOException {
    Path f = dir.resolve("ck.bin");
    Checkpoints.write(f, sample(1));
    byte[] b = Files.readAllBytes(f);
    b[b.length - 20] ^= 0x10; // inside the last array's data
    Files.write(f, b);
    var e = assertThrows(CheckpointException.class, () -> Checkpoints.read(f));
    assertMessage(e, "ck.bin", "CRC32 mismatch", "corrupted");
  }

  @Test
  void truncatedFile() throws IOException {
    Path f = dir.resolve("cut.bin");
    Checkpoints.write(f, sample(1));
    byte[] b = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(b, b.length - 30));
    var e = assertThrows(CheckpointException.class, () -> Checkpoints.read(f));
    assertMessage(e, "cut.bin", "truncated");
  }

  @Test
  void trailingBytes() throws IOException {
    Path f = dir.resolve("long.bin");
    Checkpoints.write(f, sample(1));
    byte[] b = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(b, b.length + 8));
    var e = assertThrows(CheckpointException.class, () -> Checkpoints.read(f));
    assertMessage(e, "long.bin", "unexpected bytes");
  }

  @Test
  void wrongMagicAndVersion() throws IOException {
    Path f = dir.resolve("x.npz");
    Files.write(f, "PK\u0003\u0004 definitely not a checkpoint".getBytes());
    assertMessage(assertThrows(CheckpointException.class, () -> Checkpoints.read(f)),
        "x.npz", "not an Arcus checkpoint");

    Path g = dir.resolve("v2.bin");
    Checkpoints.write(g, sample(1));
    byte[] b = Files.readAllBytes(g);
    b[8] = 2;
    Files.write(g, b);
    assertMessage(assertThrows(CheckpointException.class, () -> Checkpoints.read(g)),
        "v2.bin", "version 2");

    assertMessage(assertThrows(CheckpointException.class,
        () -> Checkpoints.read(dir.resolve("absent.bin"))), "absent.bin", "not found");
  }

  @Test
  void incompatibleModelNamesTheFirstMismatchesAndCountsAll() {
    CheckpointData d = sample(1);
    Map<String, int[]> want = new LinkedHashMap<>();
    want.put("fc1.w", new int[] {4, 3});
    want.put("opt.m", new int[] {5});
    want.put("fc2.w", new int[] {10, 4});
    var e = assertThrows(CheckpointException.class,
        () -> Checkpoints.checkCompatible("run/ck.bin", d, "cnn", want));
    assertMessage(e, "run/ck.bin", "'mlp-784-10'", "'cnn'", "missing array 'fc2.w' [10, 4]",
        "unexpected array 'empty' [0, 7]",
        "and 2 more (arrays in all: 1 missing, 2 unexpected, 1 of another shape)");
    // Two mismatched arrays only: both spelled out.
    Map<String, int[]> close = new LinkedHashMap<>();
    for (NamedArray a : d.arrays()) close.put(a.name(), a.shape());
    close.put("fc1.w", new int[] {4, 3});
    close.put("fc9.w", new int[] {1});
    assertMessage(assertThrows(CheckpointException.class, () -> Checkpoints.checkCompatible("ck", d, "mlp-784-10", close)),
        "missing array 'fc9.w' [1]", "'fc1.w' has shape [3, 4] in the checkpoint but the model expects [4, 3]");
  }

  @Test
  void aWrongModelWithManyArraysGivesAShortMessage() {
    CheckpointData d = sample(1);
    Map<String, int[]> want = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) want.put("params/block" + i + ".conv.weight", new int[] {64, 64, 3, 3});
    var e = assertThrows(CheckpointException.class, () -> Checkpoints.checkCompatible("run/ck.bin", d, "resnet32", want));
    assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters: " + e.getMessage());
    assertMessage(e, "300 missing", "4 unexpected");
  }

  @Test
  void compatibleModelPasses() {
    CheckpointData d = sample(1);
    Map<String, int[]> want = new LinkedHashMap<>();
    for (NamedArray a : d.arrays()) {
      want.put(a.name(), a.shape());
    }
    Checkpoints.checkCompatible(d, "mlp-784-10", want);
  }

  @Test
  void namedArrayValidation() {
    assertThrows(IllegalArgumentException.class,
        () -> NamedArray.of("w", new int[] {2, 2}, new float[3]));
    assertThrows(IllegalArgumentException.class,
        () -> new NamedArray("w", "f16", new int[] {1}, new float[1], null));
    assertThrows(IllegalArgumentException.class,
        () -> new NamedArray("w", "f32", new int[] {1}, new float[1], new double[1]));
    assertThrows(IllegalArgumentException.class, () -> new CheckpointData("m", 0, Map.of(),
        List.of(NamedArray.of("a", new int[] {1}, new float[1]),
            NamedArray.of("a", new int[] {1}, new float[1]))));
  }

  @Test
  void atomicStringWrite() throws IOException {
    Path f = dir.resolve("sub/report.txt");
    AtomicFiles.writeString(f, "héllo");
    AtomicFiles.writeString(f, "bye");
    assertEquals("bye", Files.readString(f));
  }

  static void assertMessage(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' lacks '" + p + "'");
    }
  }
}
