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

  static final class Serializer extends StdSerializer<NumberArray> {
    Serializer() {
      super(NumberArray.class);
    }

    @Override
    public void serialize(NumberArray a, JsonGenerator g, SerializationContext ctxt) {
      double[] d = a.data instanceof double[] x ? x : null;
      float[] f = a.data instanceof float[] x ? x : null;
      if (a.shape.length == 0) {
        if (d != null) write(g, d[0]);
        else write(g, f[0]);
      } else nest(g, d, f, a.shape, 0, 0);
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
}
