package arcus.experiments.json;

import java.util.ArrayList;
import java.util.List;

/**
 * Converts parsed JSON arrays of numbers into a flat row-major {@code double[]} and its shape,
 * rejecting ragged or non-numeric arrays with a message naming the field and the position.
 */
public record JsonArrays(double[] data, int[] shape) {
  public static JsonArrays of(String field, Object v, int rank) {
    List<Integer> shape = new ArrayList<>();
    Object probe = v;
    for (int a = 0; a < rank; a++) {
      if (!(probe instanceof List<?> l)) throw new JsonException(field + ": expected a " + rank + "-dimensional array of numbers" + (a == 0 ? "" : " (depth " + a + " is not an array)"));
      if (l.isEmpty()) throw new JsonException(field + ": empty array at depth " + a);
      shape.add(l.size());
      probe = l.get(0);
    }
    int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
    long size = 1;
    for (int d : dims) size *= d;
    if (size > Integer.MAX_VALUE - 8) throw new JsonException(field + ": too large");
    double[] data = new double[(int) size];
    fill(field, v, dims, 0, data, new int[] {0}, new int[dims.length]);
    return new JsonArrays(data, dims);
  }

  private static void fill(String field, Object v, int[] dims, int axis, double[] out, int[] pos, int[] index) {
    if (!(v instanceof List<?> l)) throw new JsonException(field + where(index, axis) + ": expected an array, got " + describe(v));
    if (l.size() != dims[axis])
      throw new JsonException(field + where(index, axis) + ": ragged array, has " + l.size() + " elements where " + dims[axis] + " were expected");
    if (axis == dims.length - 1 && l instanceof Json.NumberList numbers) { // parsed unboxed: all numbers
      numbers.copyTo(out, pos[0]);
      pos[0] += numbers.size();
      return;
    }
    for (int i = 0; i < l.size(); i++) {
      index[axis] = i;
      Object e = l.get(i);
      if (axis == dims.length - 1) {
        if (e instanceof Number num) out[pos[0]++] = num.doubleValue();
        else throw new JsonException(field + where(index, axis + 1) + ": expected a number, got " + describe(e));
      } else fill(field, e, dims, axis + 1, out, pos, index);
    }
  }

  /** "[i][j]..." for the first {@code depth} indices: the position named in an error. */
  private static String where(int[] index, int depth) {
    StringBuilder sb = new StringBuilder();
    for (int a = 0; a < depth; a++) sb.append('[').append(index[a]).append(']');
    return sb.toString();
  }

  static String describe(Object v) {
    if (v instanceof List<?>) return "an array";
    if (v instanceof java.util.Map<?, ?>) return "an object";
    if (v instanceof String s) return "the string \"" + s + "\"";
    return String.valueOf(v);
  }
}
