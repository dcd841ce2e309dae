package arcus.core;

import java.util.Arrays;

/** An immutable row-major shape. Scalars have rank 0 and size 1. */
public final class Shape {
  private final int[] dims;
  private final int size;

  private Shape(int[] dims) {
    long s = 1;
    for (int d : dims) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
      s *= d;
      if (s > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
    }
    this.dims = dims;
    this.size = (int) s;
  }

  public static Shape of(int... dims) {
    return new Shape(dims.clone());
  }

  public static final Shape SCALAR = new Shape(new int[0]);

  public int rank() {
    return dims.length;
  }

  public int size() {
    return size;
  }

  /** Dimension {@code axis}; negative axes count from the end. */
  public int dim(int axis) {
    return dims[axis(axis)];
  }

  public int[] dims() {
    return dims.clone();
  }

  /** Normalises a possibly negative axis and checks it is in range. */
  public int axis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= dims.length)
      throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
    return a;
  }

  /** Row-major strides in elements. */
  public int[] strides() {
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  /** NumPy broadcasting of two shapes; the error names the op and both shapes. */
  public static Shape broadcast(String op, Shape a, Shape b) {
    if (a.equals(b)) return a;
    int r = Math.max(a.rank(), b.rank());
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
      int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
      if (da == db || db == 1) out[i] = da;
      else if (da == 1) out[i] = db;
      else throw new IllegalArgumentException(op + ": shapes " + a + " and " + b + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
    }
    return new Shape(out);
  }

  /** Whether this shape broadcasts to {@code target} (NumPy rules). */
  public boolean broadcastsTo(Shape target) {
    if (rank() > target.rank()) return false;
    int off = target.rank() - rank();
    for (int i = 0; i < rank(); i++) if (dims[i] != 1 && dims[i] != target.dims[i + off]) return false;
    return true;
  }

  Shape withDim(int axis, int value) {
    int[] d = dims.clone();
    d[axis(axis)] = value;
    return new Shape(d);
  }

  Shape without(int axis) {
    int a = axis(axis);
    int[] d = new int[dims.length - 1];
    for (int i = 0, j = 0; i < dims.length; i++) if (i != a) d[j++] = dims[i];
    return new Shape(d);
  }

  Shape inserting(int axis, int value) {
    int[] d = new int[dims.length + 1];
    for (int i = 0, j = 0; i < d.length; i++) d[i] = i == axis ? value : dims[j++];
    return new Shape(d);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
