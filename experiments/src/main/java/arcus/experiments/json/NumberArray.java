package arcus.experiments.json;

import java.util.Arrays;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * A flat row-major {@code double[]} or {@code float[]} and its shape: written by Jackson as nested
 * JSON arrays straight from the primitive array (no boxing), read by {@link NumberArrayReader}.
 * Floats are written with float precision (the shortest decimal that reads back as the same
 * float), whole values without a fraction (-0.0 keeps its sign), non-finite values as null. An
 * empty shape is a scalar.
 */
public record NumberArray(Object data, int[] shape) {
  public NumberArray {
    int length = switch (data) {
      case double[] d -> d.length;
      case float[] f -> f.length;
      case null, default -> throw new IllegalArgumentException("NumberArray holds a double[] or a float[]");
    };
    long size = 1;
    for (int n : shape) {
      if (n < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      size *= n;
    }
    if (size != length) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size + " values, got " + length);
    shape = shape.clone();
  }

  public static NumberArray of(double[] data, int... shape) {
    return new NumberArray(data, shape);
  }

  public static NumberArray of(float[] data, int... shape) {
    return new NumberArray(data, shape);
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** The values as doubles (a copy for float data, the array itself for double data). */
  public double[] doubles() {
    if (data instanceof double[] d) return d;
    float[] f = (float[]) data;
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }

  /** Writes the array (nested JSON arrays) with {@code g}. */
  public void write(JsonGenerator g) {
    double[] d = data instanceof double[] x ? x : null;
    float[] f = data instanceof float[] x ? x : null;
    if (shape.length == 0) {
      if (d != null) write(g, d[0]);
      else write(g, f[0]);
    } else nest(g, d, f, shape, 0, 0);
  }

  /** Arrays at least this large are formatted on all cores by {@link #writeLine}. */
  private static final int PARALLEL_MIN = 1 << 16;

  /**
   * {@link #write}, for a generator in the one-line layout of {@link JsonStreams#line}: a large
   * array's rows are formatted in one chunk per core (each by its own generator, on plain threads:
   * a one-shot command should not pay for starting a pool) and written as one raw value, so the
   * text is exactly the sequential one.
   */
  public void writeLine(JsonGenerator g) {
    int length = data instanceof double[] d ? d.length : ((float[]) data).length;
    if (shape.length < 2 || shape[0] < 2 || length < PARALLEL_MIN) {
      write(g);
      return;
    }
    double[] d = data instanceof double[] x ? x : null;
    float[] f = data instanceof float[] x ? x : null;
    int rows = shape[0], rowSize = length / rows, chunks = Math.min(rows, Runtime.getRuntime().availableProcessors());
    int[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
    String[] parts = new String[chunks];
    java.util.function.IntConsumer format = c -> {
      int from = (int) ((long) rows * c / chunks), to = (int) ((long) rows * (c + 1) / chunks);
      parts[c] = JsonStreams.line(h -> {
        for (int r = from; r < to; r++) nest(h, d, f, rowShape, 0, r * rowSize);
      });
    };
    Thread[] helpers = new Thread[chunks - 1];
    Throwable[] failed = new Throwable[1];
    for (int c = 1; c < chunks; c++) {
      int chunk = c;
      helpers[c - 1] = Thread.ofPlatform().name("json-format-" + c).start(() -> {
        try {
          format.accept(chunk);
        } catch (Throwable t) {
          failed[0] = t; // rethrown by the caller after the join
        }
      });
    }
    format.accept(0);
    for (Thread t : helpers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while formatting JSON", e);
      }
    }
    if (failed[0] instanceof Error e) throw e;
    if (failed[0] != null) throw new IllegalStateException("formatting JSON failed: " + failed[0], failed[0]);
    g.writeRawValue("[" + String.join(", ", parts) + "]");
  }

  static final class Serializer extends StdSerializer<NumberArray> {
    Serializer() {
      super(NumberArray.class);
    }

    @Override
    public void serialize(NumberArray a, JsonGenerator g, SerializationContext ctxt) {
      a.write(g);
    }
  }

  private static int nest(JsonGenerator g, double[] d, float[] f, int[] shape, int axis, int offset) {
    int n = shape[axis];
    g.writeStartArray(null, n);
    if (axis < shape.length - 1) for (int i = 0; i < n; i++) offset = nest(g, d, f, shape, axis + 1, offset);
    else if (d != null) for (int i = 0; i < n; i++) write(g, d[offset++]);
    else for (int i = 0; i < n; i++) write(g, f[offset++]);
    g.writeEndArray();
    return offset;
  }

  private static void write(JsonGenerator g, double v) {
    if (!Double.isFinite(v)) g.writeNull();
    else if (v == Math.rint(v) && Math.abs(v) < 1e15 && !(v == 0 && 1 / v < 0)) g.writeNumber((long) v);
    else g.writeNumber(v);
  }

  private static void write(JsonGenerator g, float v) {
    if (!Float.isFinite(v)) g.writeNull();
    else if (v == Math.rint(v) && Math.abs(v) < 1e7 && !(v == 0 && 1 / v < 0)) g.writeNumber((long) v);
    else g.writeNumber(v);
  }
}
