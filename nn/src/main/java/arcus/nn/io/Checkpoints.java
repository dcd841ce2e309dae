package arcus.nn.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * Reads and writes checkpoints in the ARCUSCK1 format specified in docs/checkpoint-format.md:
 * magic, version, a length-prefixed binary header, raw little-endian arrays and a trailing CRC32.
 * Files are read whole, so one checkpoint is limited to 2 GiB.
 */
public final class Checkpoints {
  static final byte[] MAGIC = "ARCUSCK1".getBytes(StandardCharsets.US_ASCII);
  public static final int VERSION = 1;
  static final byte DTYPE_F32 = 1;
  static final byte DTYPE_F64 = 2;
  private static final int MAX_RANK = 32;

  private Checkpoints() {}

  /** Writes atomically: a crash leaves the previous checkpoint intact. */
  public static void write(Path path, CheckpointData data) {
    try {
      AtomicFiles.write(path, out -> encode(data, out));
    } catch (java.io.UncheckedIOException e) {
      throw new CheckpointException("cannot write checkpoint " + path + ": " + e.getCause(), e);
    }
  }

  public static CheckpointData read(Path path) {
    byte[] b;
    try {
      b = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(path + ": checkpoint file not found");
    } catch (IOException | OutOfMemoryError e) {
      throw new CheckpointException(path + ": cannot read checkpoint: " + e, e);
    }
    return decode(path.toString(), b);
  }

  /**
   * Checks that {@code ck} was saved from {@code expectedModel} and has exactly the expected
   * arrays and shapes; the error lists every missing, extra and mismatched array at once, so a
   * wrong --resume path is diagnosed in one go.
   */
  public static void checkCompatible(
      CheckpointData ck, String expectedModel, Map<String, int[]> expectedShapes) {
    checkCompatible("checkpoint", ck, expectedModel, expectedShapes);
  }

  /** As above; {@code source} (e.g. the file name) starts the error message. */
  public static void checkCompatible(String source, CheckpointData ck, String expectedModel,
      Map<String, int[]> expectedShapes) {
    List<String> problems = new ArrayList<>();
    if (!ck.model().equals(expectedModel)) {
      problems.add("saved from model '" + printable(ck.model()) + "' but loading into '" + expectedModel
          + "'");
    }
    TreeSet<String> missing = new TreeSet<>(expectedShapes.keySet());
    missing.removeAll(ck.names());
    TreeSet<String> extra = new TreeSet<>(ck.names());
    extra.removeAll(expectedShapes.keySet());
    for (String m : missing) {
      problems.add("missing array '" + m + "' " + Arrays.toString(expectedShapes.get(m)));
    }
    for (String x : extra) {
      problems.add("unexpected array '" + x + "' " + Arrays.toString(ck.array(x).shape()));
    }
    for (NamedArray a : ck.arrays()) {
      int[] want = expectedShapes.get(a.name());
      if (want != null && !Arrays.equals(want, a.shape())) {
        problems.add("array '" + a.name() + "' has shape " + Arrays.toString(a.shape())
            + " in the checkpoint but the model expects " + Arrays.toString(want));
      }
    }
    if (!problems.isEmpty()) {
      throw new CheckpointException(source + " does not fit the model: " + summarise(problems, missing.size(), extra.size(),
          problems.size() - missing.size() - extra.size() - (ck.model().equals(expectedModel) ? 0 : 1)));
    }
  }

  /** At most this many problems are spelled out in a compatibility error; the rest are counted. */
  static final int PROBLEMS_SHOWN = 3;

  /** The first few problems and how many arrays are missing, unexpected or of another shape. */
  static String summarise(List<String> problems, int missing, int extra, int reshaped) {
    if (problems.size() <= PROBLEMS_SHOWN) return String.join("; ", problems);
    List<String> counts = new ArrayList<>();
    if (missing > 0) counts.add(missing + " missing");
    if (extra > 0) counts.add(extra + " unexpected");
    if (reshaped > 0) counts.add(reshaped + " of another shape");
    return String.join("; ", problems.subList(0, PROBLEMS_SHOWN)) + "; and " + (problems.size() - PROBLEMS_SHOWN)
        + " more (arrays in all: " + String.join(", ", counts) + ")";
  }

  // ---- encoding ----

  static void encode(CheckpointData d, OutputStream sink) throws IOException {
    CRC32 crc = new CRC32();
    LeWriter w = new LeWriter(sink, crc);
    w.bytes(MAGIC);
    w.i32(VERSION);
    w.str(d.model());
    w.i64(d.step());
    w.i32(d.meta().size());
    for (Map.Entry<String, String> e : d.meta().entrySet()) {
      w.str(e.getKey());
      w.str(e.getValue());
    }
    w.i32(d.arrays().size());
    for (NamedArray a : d.arrays()) {
      w.str(a.name());
      w.u8(a.f32() != null ? DTYPE_F32 : DTYPE_F64);
      int[] shape = a.shape();
      w.i32(shape.length);
      for (int s : shape) {
        w.i32(s);
      }
      if (a.f32() != null) {
        for (float v : a.f32()) {
          w.f32(v);
        }
      } else {
        for (double v : a.f64()) {
          w.f64(v);
        }
      }
    }
    w.flush();
    // The checksum itself is not checksummed.
    ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    tail.putInt((int) crc.getValue());
    sink.write(tail.array());
  }

  /** Little-endian primitives through a buffer, feeding the CRC as bytes go out. */
  private static final class LeWriter {
    private final OutputStream out;
    private final CRC32 crc;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    LeWriter(OutputStream out, CRC32 crc) {
      this.out = out;
      this.crc = crc;
    }

    private void room(int n) throws IOException {
      if (buf.remaining() < n) {
        flush();
      }
    }

    void flush() throws IOException {
      crc.update(buf.array(), 0, buf.position());
      out.write(buf.array(), 0, buf.position());
      buf.clear();
    }

    void bytes(byte[] b) throws IOException {
      flush();
      crc.update(b);
      out.write(b);
    }

    void u8(byte v) throws IOException {
      room(1);
      buf.put(v);
    }

    void i32(int v) throws IOException {
      room(4);
      buf.putInt(v);
    }

    void i64(long v) throws IOException {
      room(8);
      buf.putLong(v);
    }

    void f32(float v) throws IOException {
      room(4);
      buf.putFloat(v);
    }

    void f64(double v) throws IOException {
      room(8);
      buf.putDouble(v);
    }

    void str(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i32(b.length);
      bytes(b);
    }
  }

  // ---- decoding ----

  static CheckpointData decode(String file, byte[] b) {
    if (b.length < MAGIC.length + 4 + 4) {
      throw new CheckpointException(file + ": too short to be a checkpoint (" + b.length
          + " bytes)");
    }
    if (!Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new CheckpointException(file + ": not an Arcus checkpoint (magic bytes "
          + printable(Arrays.copyOf(b, MAGIC.length)) + ", expected ARCUSCK1)");
    }
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int version = bb.getInt(MAGIC.length);
    if (version != VERSION) {
      throw new CheckpointException(file + ": unsupported checkpoint version " + version
          + " (this build reads version " + VERSION + ")");
    }
    int bodyEnd = b.length - 4;
    CRC32 crc = new CRC32();
    crc.update(b, 0, bodyEnd);
    int stored = bb.getInt(bodyEnd);
    boolean crcOk = stored == (int) crc.getValue();
    // Parse even when the CRC is wrong: "truncated" is a more useful diagnosis than "CRC".
    CheckpointData data;
    try {
      Cursor c = new Cursor(bb.slice(0, bodyEnd).order(ByteOrder.LITTLE_ENDIAN));
      c.pos(MAGIC.length + 4);
      data = parse(c);
      if (c.remaining() != 0) {
        throw new Malformed(c.remaining() + " unexpected bytes after the last array (ends at "
            + c.position() + ", checksum at " + bodyEnd + ")");
      }
    } catch (Malformed m) {
      throw new CheckpointException(file + ": "
          + (crcOk ? "" : String.format("CRC32 mismatch (stored %08x, computed %08x); ", stored,
              (int) crc.getValue()))
          + printable(m.getMessage()));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file + ": invalid content: " + printable(String.valueOf(e.getMessage())), e);
    }
    if (!crcOk) {
      throw new CheckpointException(String.format(
          "%s: CRC32 mismatch (stored %08x, computed %08x): the file is corrupted", file, stored,
          (int) crc.getValue()));
    }
    return data;
  }

  private static CheckpointData parse(Cursor c) {
    String model = c.str("model name");
    long step = c.i64("step");
    int metaCount = c.count("metadata entry count", 8);
    Map<String, String> meta = new LinkedHashMap<>();
    for (int i = 0; i < metaCount; i++) {
      String k = c.str("metadata key " + i);
      meta.put(k, c.str("metadata value '" + printable(k) + "'"));
    }
    int arrayCount = c.count("array count", 10);
    List<NamedArray> arrays = new ArrayList<>();
    for (int i = 0; i < arrayCount; i++) {
      String stored = c.str("name of array " + i);
      String name = printable(stored); // for messages: a damaged name must not break the one-line error
      int dtype = c.u8("dtype of '" + name + "'");
      if (dtype != DTYPE_F32 && dtype != DTYPE_F64) {
        throw new Malformed("array '" + name + "' has unknown dtype code " + dtype);
      }
      int rank = c.i32("rank of '" + name + "'");
      if (rank < 0 || rank > MAX_RANK) {
        throw new Malformed("array '" + name + "' has invalid rank " + rank);
      }
      int[] shape = new int[rank];
      long count = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = c.i32("shape of '" + name + "'");
        if (shape[d] < 0) {
          throw new Malformed("array '" + name + "' has negative dimension " + shape[d]);
        }
        count *= shape[d];
        if (count > Integer.MAX_VALUE) {
          throw new Malformed("array '" + name + "' declares shape " + Arrays.toString(shape)
              + " (over 2^31 elements) but only " + c.remaining() + " bytes remain in the file");
        }
      }
      int width = dtype == DTYPE_F32 ? 4 : 8;
      c.need(count * width, "data of '" + name + "' " + Arrays.toString(shape));
      if (dtype == DTYPE_F32) {
        float[] v = new float[(int) count];
        c.buf.asFloatBuffer().get(v);
        c.skip(count * 4);
        arrays.add(NamedArray.of(stored, shape, v));
      } else {
        double[] v = new double[(int) count];
        c.buf.asDoubleBuffer().get(v);
        c.skip(count * 8);
        arrays.add(NamedArray.of(stored, shape, v));
      }
    }
    return new CheckpointData(model, step, meta, arrays);
  }

  /** Structure problem found while parsing; becomes a {@link CheckpointException}. */
  private static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** Bounds-checked reads, so a damaged length field cannot cause a huge allocation. */
  private static final class Cursor {
    final ByteBuffer buf;

    Cursor(ByteBuffer buf) {
      this.buf = buf;
    }

    void pos(int p) {
      buf.position(p);
    }

    int position() {
      return buf.position();
    }

    int remaining() {
      return buf.remaining();
    }

    void need(long n, String what) {
      if (n > buf.remaining()) {
        throw new Malformed("truncated: " + what + " needs " + n + " bytes at offset "
            + buf.position() + " but only " + buf.remaining() + " remain before the checksum");
      }
    }

    void skip(long n) {
      buf.position(buf.position() + (int) n);
    }

    int u8(String what) {
      need(1, what);
      return buf.get() & 0xff;
    }

    int i32(String what) {
      need(4, what);
      return buf.getInt();
    }

    long i64(String what) {
      need(8, what);
      return buf.getLong();
    }

    /** A count of items that take at least {@code minBytes} each. */
    int count(String what, int minBytes) {
      int n = i32(what);
      if (n < 0 || (long) n * minBytes > buf.remaining()) {
        throw new Malformed("truncated or damaged: " + what + " is " + n + " but only "
            + buf.remaining() + " bytes remain");
      }
      return n;
    }

    String str(String what) {
      int len = i32("length of " + what);
      if (len < 0) {
        throw new Malformed("negative length " + len + " for " + what);
      }
      need(len, what);
      byte[] b = new byte[len];
      buf.get(b);
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b))
            .toString();
      } catch (CharacterCodingException e) {
        throw new Malformed(what + " is not valid UTF-8");
      }
    }
  }

  /** {@code s} with control characters written as \\xNN, so that a message stays one line. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f) sb.append(String.format("\\x%02x", cp));
      else sb.appendCodePoint(cp);
    });
    return sb.toString();
  }

  private static String printable(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(x >= 0x20 && x < 0x7f ? String.valueOf((char) x) : String.format("\\x%02x", x));
    }
    return sb.toString();
  }
}
