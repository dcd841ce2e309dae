package arcus.nn.io;

import java.util.Arrays;

/**
 * One named parameter or state array of a checkpoint, row-major, of dtype "f32" (data in {@code
 * f32}, {@code f64} null) or "f64" (the reverse).
 */
public record NamedArray(String name, String dtype, int[] shape, float[] f32, double[] f64) {
  public static final String F32 = "f32";
  public static final String F64 = "f64";

  public NamedArray {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("array name must be non-empty");
    }
    if (shape == null) {
      throw new IllegalArgumentException("array '" + name + "': shape is null");
    }
    long count = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "array '" + name + "': negative dimension in shape " + Arrays.toString(shape));
      }
      count *= d;
    }
    long have;
    if (F32.equals(dtype)) {
      if (f32 == null || f64 != null) {
        throw new IllegalArgumentException("array '" + name + "': dtype f32 needs f32 data only");
      }
      have = f32.length;
    } else if (F64.equals(dtype)) {
      if (f64 == null || f32 != null) {
        throw new IllegalArgumentException("array '" + name + "': dtype f64 needs f64 data only");
      }
      have = f64.length;
    } else {
      throw new IllegalArgumentException(
          "array '" + name + "': dtype must be f32 or f64, got " + dtype);
    }
    if (have != count) {
      throw new IllegalArgumentException("array '" + name + "': shape " + Arrays.toString(shape)
          + " has " + count + " elements but the data has " + have);
    }
    shape = shape.clone();
  }

  public static NamedArray of(String name, int[] shape, float[] data) {
    return new NamedArray(name, F32, shape, data, null);
  }

  public static NamedArray of(String name, int[] shape, double[] data) {
    return new NamedArray(name, F64, shape, null, data);
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  public int length() {
    return f32 != null ? f32.length : f64.length;
  }

  // Records compare arrays by identity; checkpoints are compared by content.
  @Override
  public boolean equals(Object o) {
    return o instanceof NamedArray a && name.equals(a.name) && dtype.equals(a.dtype)
        && Arrays.equals(shape, a.shape) && Arrays.equals(f32, a.f32)
        && Arrays.equals(f64, a.f64);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "NamedArray[" + name + ", " + dtype + Arrays.toString(shape) + "]";
  }
}
