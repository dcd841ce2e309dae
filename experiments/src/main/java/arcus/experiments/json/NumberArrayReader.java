package arcus.experiments.json;

import java.util.Arrays;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads a nested JSON array of numbers with Jackson's streaming parser straight into a flat
 * row-major {@code double[]} (no boxing, no intermediate lists); the rank is that of the first
 * element's nesting. A ragged or non-numeric array, an empty one, or a number too large for a
 * double is an {@link IllegalArgumentException} naming the field and the position, e.g.
 * {@code features[1]: ragged array, has 1 elements where 2 were expected}.
 */
public final class NumberArrayReader {
  private final JsonParser p;
  private final String field;
  private int[] dims = {-1, -1, -1, -1}; // -1: not known yet
  private int rank = -1;
  private int[] index = new int[4];
  private double[] data = new double[1 << 12];
  private int size;

  private NumberArrayReader(JsonParser p, String field) {
    this.p = p;
    this.field = field;
  }

  /** Reads the array at the parser's current {@code START_ARRAY} token, up to its end. */
  public static NumberArray read(JsonParser p, String field) {
    NumberArrayReader r = new NumberArrayReader(p, field);
    r.axis(0);
    int[] shape = Arrays.copyOf(r.dims, r.rank);
    return new NumberArray(r.size == r.data.length ? r.data : Arrays.copyOf(r.data, r.size), shape);
  }

  private void axis(int axis) {
    if (axis >= index.length) {
      index = Arrays.copyOf(index, 2 * index.length);
      dims = Arrays.copyOf(dims, index.length);
      Arrays.fill(dims, axis, dims.length, -1);
    }
    int count = rank == axis + 1 ? leaf(axis, 0) : branch(axis);
    if (dims[axis] < 0) {
      if (count == 0) throw new IllegalArgumentException(field + ": empty array at depth " + axis);
      dims[axis] = count;
    } else if (count != dims[axis]) {
      throw error(axis, "ragged array, has " + count + " elements where " + dims[axis] + " were expected");
    }
  }

  /** An array of arrays, or one whose rank is not known yet (its first number makes it a leaf); returns its length. */
  private int branch(int axis) {
    int count = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), count++) {
      index[axis] = count;
      boolean number = t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT;
      if (t == JsonToken.START_ARRAY) {
        axis(axis + 1);
      } else if (number && rank < 0) {
        rank = axis + 1; // the first number: its depth is the rank
        add(axis, count);
        return leaf(axis, count + 1);
      } else {
        throw error(axis + 1, (rank < 0 ? "expected a number, got " : "expected an array, got ") + describe(t));
      }
    }
    return count;
  }

  /** The rest of an innermost array from position {@code start}, all numbers (the hot loop); returns its length. */
  private int leaf(int axis, int start) {
    int count = start;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), count++) {
      if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
        index[axis] = count;
        throw error(axis + 1, "expected a number, got " + describe(t));
      }
      add(axis, count);
    }
    return count;
  }

  private void add(int axis, int position) {
    double v = p.getDoubleValue();
    if (!Double.isFinite(v)) {
      index[axis] = position;
      throw new IllegalArgumentException(field + where(axis + 1) + ": number out of range: " + p.getString() + Jackson.at(p.currentTokenLocation()));
    }
    if (size == data.length) data = Arrays.copyOf(data, 2 * size);
    data[size++] = v;
  }

  private IllegalArgumentException error(int depth, String what) {
    return new IllegalArgumentException(field + where(depth) + ": " + what);
  }

  /** "[i][j]..." for the first {@code depth} indices. */
  private String where(int depth) {
    StringBuilder sb = new StringBuilder();
    for (int a = 0; a < depth; a++) sb.append('[').append(index[a]).append(']');
    return sb.toString();
  }

  private String describe(JsonToken t) {
    return switch (t) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_STRING -> "the string \"" + p.getString() + "\"";
      default -> p.getString(); // null, true, false
    };
  }
}
