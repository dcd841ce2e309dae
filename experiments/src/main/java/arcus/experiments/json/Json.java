package arcus.experiments.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The experiments module's one JSON writer and strict parser (RFC 8259), without a dependency: run
 * summaries, checkpoint metadata, experiment reports and {@code arcus loss-eval} cases and results.
 *
 * <p>Writing accepts maps (keys written with {@code String.valueOf}), iterables, arrays of
 * primitives and objects, {@link NumberArray}s (large numeric arrays with a shape, written without
 * boxing), numbers, strings, booleans and null, in three layouts: {@link #write} (compact), {@link
 * #writeLine} (one line, a space after ',' and ':') and {@link #writePretty} (indented). Doubles are
 * written in the shortest form that reads back as the same double, floats in the shortest form that
 * reads back as the same float; whole values without a fraction (-0.0 keeps its sign). Non-finite
 * numbers have no JSON form and are written as null.
 *
 * <p>Parsing gives {@code Map<String,Object>} (insertion-ordered, duplicate keys rejected), {@code
 * List<Object>}, {@code String}, {@code Boolean}, null (so {@code containsKey} tells a null value
 * from a missing key), and numbers as {@code Long} when written without fraction or exponent and in
 * range, else {@code Double} (exactly what {@link Double#parseDouble} gives; a number too large for
 * a double is an error). Any other text — trailing commas, leading zeros, comments, NaN, control
 * characters in strings, bad escapes, trailing text — is a {@link JsonException} naming the source
 * and the line, column and offset.
 */
public final class Json {
  private Json() {}

  /** Separators and indentation of one output layout. */
  private record Style(String comma, String colon, int indent) {}

  private static final Style COMPACT = new Style(",", ":", -1);
  private static final Style LINE = new Style(", ", ": ", -1);
  private static final Style PRETTY = new Style(",", ": ", 2);

  /** Compact: no spaces at all (checkpoint metadata, machine-read files). */
  public static String write(Object value) {
    return write(value, COMPACT);
  }

  /** On one line with a space after each ',' and ':' (how {@code arcus loss-eval} prints). */
  public static String writeLine(Object value) {
    return write(value, LINE);
  }

  /** Indented with two spaces, ending with a newline, for files people read. */
  public static String writePretty(Object value) {
    return write(value, PRETTY) + "\n";
  }

  private static String write(Object value, Style style) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, style, 0);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, Style st, int depth) {
    switch (v) {
      case null -> sb.append("null");
      case String s -> quote(sb, s);
      case Boolean b -> sb.append(b);
      case Double d -> number(sb, d);
      case Float f -> number(sb, f.floatValue());
      case Number n -> sb.append(n); // Integer, Long, Short, Byte, BigInteger, BigDecimal
      case Character c -> quote(sb, c.toString());
      case Map<?, ?> m -> {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          first = separator(sb, first, st, depth + 1);
          quote(sb, String.valueOf(e.getKey()));
          sb.append(st.colon());
          write(sb, e.getValue(), st, depth + 1);
        }
        close(sb, '}', first, st, depth);
      }
      case Iterable<?> it -> {
        sb.append('[');
        boolean first = true;
        for (Object o : it) {
          first = separator(sb, first, st, depth + 1);
          write(sb, o, st, depth + 1);
        }
        close(sb, ']', first, st, depth);
      }
      case NumberArray a -> numbers(sb, a, st, depth);
      case double[] a -> numbers(sb, array(a, a.length), st, depth);
      case float[] a -> numbers(sb, array(a, a.length), st, depth);
      case int[] a -> write(sb, java.util.Arrays.stream(a).boxed().toList(), st, depth);
      case long[] a -> write(sb, java.util.Arrays.stream(a).boxed().toList(), st, depth);
      case Object[] a -> write(sb, java.util.Arrays.asList(a), st, depth);
      default -> throw new IllegalArgumentException(
          "cannot write " + v.getClass().getName() + " as JSON");
    }
  }

  private static boolean separator(StringBuilder sb, boolean first, Style st, int depth) {
    if (!first) {
      sb.append(st.comma());
    }
    if (st.indent() >= 0) {
      sb.append('\n').append(" ".repeat(st.indent() * depth));
    }
    return false;
  }

  private static void close(StringBuilder sb, char c, boolean empty, Style st, int depth) {
    if (st.indent() >= 0 && !empty) {
      sb.append('\n').append(" ".repeat(st.indent() * depth));
    }
    sb.append(c);
  }

  /** Shortest text that reads back as {@code d}; whole values without ".0"; non-finite as null. */
  static void number(StringBuilder sb, double d) {
    if (!Double.isFinite(d)) {
      sb.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      // Integral values without ".0" are still valid and easier to read; -0.0 keeps its sign.
      sb.append(d == 0 && 1 / d < 0 ? "-0.0" : Long.toString((long) d));
    } else {
      sb.append(d); // Java's shortest round-trip repr, always valid JSON (e.g. 1.0E-5)
    }
  }

  /** Shortest text that reads back as the float {@code f} (shorter than as a double). */
  static void number(StringBuilder sb, float f) {
    if (!Float.isFinite(f)) {
      sb.append("null");
    } else if (f == Math.rint(f) && Math.abs(f) < 1e7) {
      sb.append(f == 0 && 1 / f < 0 ? "-0.0" : Long.toString((long) f));
    } else {
      sb.append(f); // Float.toString: the shortest decimal that rounds to this float
    }
  }

  // ------------------------------------------------------------------ large numeric arrays

  /**
   * A flat row-major {@code double[]} or {@code float[]} and its shape, written as nested JSON
   * arrays straight from the primitive array (no boxing, no intermediate lists): the way to write
   * tensors. Floats are written with float precision. An empty shape is a scalar.
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
        if (n < 0) {
          throw new IllegalArgumentException("negative dimension in shape " + java.util.Arrays.toString(shape));
        }
        size *= n;
      }
      if (size != length) {
        throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " needs " + size
            + " values, got " + length);
      }
      shape = shape.clone();
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }
  }

  /** {@code data} (row-major) written as nested arrays of the given shape. */
  public static NumberArray array(double[] data, int... shape) {
    return new NumberArray(data, shape);
  }

  /** The same for float32 data, written with float precision (so shorter). */
  public static NumberArray array(float[] data, int... shape) {
    return new NumberArray(data, shape);
  }

  private static void numbers(StringBuilder sb, NumberArray a, Style st, int depth) {
    double[] d = a.data() instanceof double[] x ? x : null;
    float[] f = a.data() instanceof float[] x ? x : null;
    int[] shape = a.shape;
    if (shape.length == 0) {
      if (d != null) {
        number(sb, d[0]);
      } else {
        number(sb, f[0]);
      }
    } else if (shape.length >= 2 && shape[0] >= 2 && (d != null ? d.length : f.length) >= PARALLEL_MIN) {
      rowsInParallel(sb, d, f, shape, st, depth);
    } else {
      sb.ensureCapacity(sb.length() + (d != null ? d.length * 20 : f.length * 11));
      nest(sb, d, f, shape, 0, 0, st, depth);
    }
  }

  /** Arrays at least this large are formatted on all cores (the text is the same). */
  private static final int PARALLEL_MIN = 1 << 16;

  /**
   * {@link #nest} for a large array: its rows are formatted in one chunk per core, each into its
   * own builder (plain threads: a one-shot command should not pay for starting a stream pipeline),
   * and appended in order, so the text is exactly the sequential one.
   */
  private static void rowsInParallel(StringBuilder sb, double[] d, float[] f, int[] shape, Style st, int depth) {
    int rows = shape[0];
    int rowSize = (d != null ? d.length : f.length) / rows;
    int chunks = Math.min(rows, Runtime.getRuntime().availableProcessors());
    StringBuilder[] parts = new StringBuilder[chunks];
    java.util.function.IntConsumer format = c -> {
      int from = (int) ((long) rows * c / chunks), to = (int) ((long) rows * (c + 1) / chunks);
      StringBuilder part = new StringBuilder((to - from) * rowSize * (d != null ? 20 : 11));
      for (int r = from; r < to; r++) {
        separator(part, r == 0, st, depth + 1);
        nest(part, d, f, shape, 1, r * rowSize, st, depth + 1);
      }
      parts[c] = part;
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
    if (failed[0] instanceof Error e) {
      throw e;
    } else if (failed[0] != null) {
      throw new IllegalStateException("formatting JSON failed: " + failed[0], failed[0]);
    }
    sb.append('[');
    for (StringBuilder part : parts) {
      sb.append(part);
    }
    close(sb, ']', false, st, depth);
  }

  private static int nest(StringBuilder sb, double[] d, float[] f, int[] shape, int axis, int offset,
      Style st, int depth) {
    sb.append('[');
    int n = shape[axis];
    boolean last = axis == shape.length - 1;
    for (int i = 0; i < n; i++) {
      separator(sb, i == 0, st, depth + 1);
      if (!last) {
        offset = nest(sb, d, f, shape, axis + 1, offset, st, depth + 1);
      } else if (d != null) {
        number(sb, d[offset++]);
      } else {
        number(sb, f[offset++]);
      }
    }
    close(sb, ']', n == 0, st, depth);
    return offset;
  }

  static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          // U+2028/2029 are legal JSON but break JavaScript consumers of the output.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  // ------------------------------------------------------------------ parsing

  /** Parses {@code text}; errors name {@code source} (e.g. a file name or "standard input"). */
  public static Object parse(String source, String text) {
    Parser p = new Parser(source, text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.pos < text.length()) {
      throw p.error("unexpected text " + p.describe() + " after the JSON value");
    }
    return v;
  }

  public static Object parse(String text) {
    return parse("JSON input", text);
  }

  /** Parses a JSON object; anything else is an error. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String source, String text) {
    Object v = parse(source, text);
    if (!(v instanceof Map)) {
      throw new JsonException(source + ": expected a JSON object at the top level", 0);
    }
    return (Map<String, Object>) v;
  }

  /**
   * A parsed array of numbers held unboxed. Reading it gives what the general parser would have
   * given ({@code Long} for a whole number, else {@code Double}); {@link JsonArrays} copies the
   * values out directly. Unmodifiable.
   */
  static final class NumberList extends java.util.AbstractList<Object> implements java.util.RandomAccess {
    private final double[] values;
    private final boolean[] whole; // null when no element is a whole number

    NumberList(double[] values, boolean[] whole) {
      this.values = values;
      this.whole = whole;
    }

    @Override
    public Object get(int i) {
      java.util.Objects.checkIndex(i, values.length);
      if (whole != null && whole[i]) {
        return Long.valueOf((long) values[i]);
      }
      return Double.valueOf(values[i]);
    }

    @Override
    public int size() {
      return values.length;
    }

    /** Copies the values, as doubles, into {@code out} from {@code at}. */
    void copyTo(double[] out, int at) {
      System.arraycopy(values, 0, out, at, values.length);
    }
  }

  private static final class Parser {
    private static final int MAX_DEPTH = 512;
    /** Powers of ten that are exact doubles (10^22 is the largest). */
    private static final double[] POW10 = new double[23];

    static {
      POW10[0] = 1;
      for (int i = 1; i < POW10.length; i++) {
        POW10[i] = POW10[i - 1] * 10;
      }
    }

    final String source;
    final String s;
    int pos;

    Parser(String source, String s) {
      this.source = source;
      this.s = s;
    }

    JsonException error(String what) {
      int line = 1;
      int col = 1;
      for (int i = 0; i < pos && i < s.length(); i++) {
        if (s.charAt(i) == '\n') {
          line++;
          col = 1;
        } else {
          col++;
        }
      }
      return new JsonException(source + ": invalid JSON, " + what + " at line " + line + ", column "
          + col + " (offset " + pos + ")", pos);
    }

    String describe() {
      if (pos >= s.length()) {
        return "end of input";
      }
      char c = s.charAt(pos);
      return c < 0x20 ? String.format("character U+%04X", (int) c) : "'" + c + "'";
    }

    void ws() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          pos++;
        } else {
          break;
        }
      }
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nesting deeper than " + MAX_DEPTH);
      }
      if (pos >= s.length()) {
        throw error("unexpected end of input, expected a value");
      }
      char c = s.charAt(pos);
      return switch (c) {
        case '{' -> object(depth);
        case '[' -> array(depth);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            yield number();
          }
          throw error("unexpected " + describe() + ", expected a value");
        }
      };
    }

    Object literal(String word, Object v) {
      if (!s.startsWith(word, pos)) {
        throw error("invalid literal, expected '" + word + "'");
      }
      pos += word.length();
      return v;
    }

    Map<String, Object> object(int depth) {
      pos++;
      Map<String, Object> m = new LinkedHashMap<>();
      ws();
      if (peek() == '}') {
        pos++;
        return m;
      }
      while (true) {
        ws();
        if (peek() != '"') {
          throw error("expected a string key but found " + describe());
        }
        int keyAt = pos;
        String k = string();
        ws();
        expect(':');
        ws();
        Object v = value(depth + 1);
        if (m.containsKey(k)) {
          pos = keyAt;
          throw error("duplicate key \"" + k + "\"");
        }
        m.put(k, v);
        ws();
        char c = peek();
        pos++;
        if (c == '}') {
          return m;
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or '}' but found " + describe());
        }
      }
    }

    List<Object> array(int depth) {
      pos++;
      ws();
      char first = peek();
      if (first == '-' || (first >= '0' && first <= '9')) {
        List<Object> numbers = numberArray();
        if (numbers != null) {
          return numbers;
        }
      }
      List<Object> l = new ArrayList<>();
      if (peek() == ']') {
        pos++;
        return l;
      }
      while (true) {
        ws();
        l.add(value(depth + 1));
        ws();
        char c = peek();
        pos++;
        if (c == ']') {
          return l;
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or ']' but found " + describe());
        }
      }
    }

    /** Whole numbers beyond ±2^53 would not survive a double: they take the boxed path. */
    private static final long EXACT_LIMIT = 1L << 53;

    /**
     * An array made only of numbers, read into a {@code double[]} without boxing (the shape of the
     * large feature and weight matrices of a loss-eval case). Returns null, with the position back
     * at the first element, when an element is something else or a whole number too large for a
     * double; the caller then reads the array the general way. A malformed array fails here with
     * the same message the general path gives.
     */
    private List<Object> numberArray() {
      int start = pos;
      double[] values = new double[16];
      boolean[] whole = null;
      int n = 0;
      while (true) {
        char c = peek();
        if (!(c == '-' || (c >= '0' && c <= '9'))) {
          pos = start;
          return null;
        }
        boolean isWhole = scanNumber();
        if (isWhole && (numLong > EXACT_LIMIT || numLong < -EXACT_LIMIT)) {
          pos = start;
          return null;
        }
        if (n == values.length) {
          values = java.util.Arrays.copyOf(values, n * 2);
          if (whole != null) {
            whole = java.util.Arrays.copyOf(whole, n * 2);
          }
        }
        if (isWhole) {
          if (whole == null) {
            whole = new boolean[values.length];
          }
          whole[n] = true;
          values[n++] = numLong;
        } else {
          values[n++] = numDouble;
        }
        ws();
        c = peek();
        pos++;
        if (c == ']') {
          return new NumberList(java.util.Arrays.copyOf(values, n), whole == null ? null : java.util.Arrays.copyOf(whole, n));
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or ']' but found " + describe());
        }
        ws();
      }
    }

    char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    void expect(char c) {
      if (peek() != c || pos >= s.length()) {
        throw error("expected '" + c + "' but found " + describe());
      }
      pos++;
    }

    String string() {
      pos++;
      StringBuilder sb = null; // only needed once an escape is seen
      int start = pos;
      while (true) {
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(pos);
        if (c == '"') {
          String r = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
          pos++;
          return r;
        }
        if (c < 0x20) {
          throw error("unescaped control " + describe() + " in string");
        }
        if (c != '\\') {
          pos++;
          continue;
        }
        if (sb == null) {
          sb = new StringBuilder();
        }
        sb.append(s, start, pos);
        pos++;
        if (pos >= s.length()) {
          throw error("unterminated escape");
        }
        char e = s.charAt(pos);
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (pos + 5 > s.length()) {
              throw error("incomplete \\u escape");
            }
            int cp = 0;
            for (int i = 1; i <= 4; i++) {
              int d = Character.digit(s.charAt(pos + i), 16);
              if (d < 0) {
                throw error("invalid hex digit in \\u escape");
              }
              cp = cp * 16 + d;
            }
            sb.append((char) cp);
            pos += 4;
          }
          default -> {
            pos--;
            throw error("invalid escape '\\" + e + "'");
          }
        }
        pos++;
        start = pos;
      }
    }

    /**
     * A number, read in one pass: whole numbers of up to 18 digits become a Long directly; others
     * with up to 15 significant digits and a power of ten within ±22 take Clinger's fast path (both
     * are exact doubles, so one multiplication or division rounds correctly); other fractions go
     * through {@link EiselLemire}, exact too; what it cannot decide (exact half-way cases,
     * subnormals, overflow) goes to {@link Long#parseLong} or {@link Double#parseDouble}.
     */
    Object number() {
      if (scanNumber()) {
        return Long.valueOf(numLong);
      }
      return Double.valueOf(numDouble);
    }

    /** The number read by {@link #scanNumber}: a whole one in numLong, any other in numDouble. */
    long numLong;
    double numDouble;

    /** Reads a number without boxing it; true when it is a whole number (numLong), else numDouble. */
    boolean scanNumber() {
      int start = pos;
      boolean negative = peek() == '-';
      if (negative) {
        pos++;
      }
      long mantissa = 0;
      int significant = 0; // significant digits seen (all of them, not only the ≤ 18 kept)
      int scale = 0; // value = mantissa × 10^(scale + exponent)
      char c = peek();
      if (c == '0') {
        pos++;
        if (isDigit(peek())) {
          throw error("leading zero in number");
        }
      } else if (c >= '1' && c <= '9') {
        while (pos < s.length() && isDigit(c = s.charAt(pos))) {
          if (significant < 18) {
            mantissa = mantissa * 10 + (c - '0');
          } else {
            scale++;
          }
          significant++;
          pos++;
        }
      } else {
        throw error("expected a digit but found " + describe());
      }
      boolean integral = true;
      if (peek() == '.') {
        integral = false;
        pos++;
        if (!isDigit(peek())) {
          throw error("expected a digit after '.' but found " + describe());
        }
        while (pos < s.length() && isDigit(c = s.charAt(pos))) {
          if (significant < 18) {
            if (mantissa != 0 || c != '0') {
              significant++; // leading zeros of 0.00x are not significant
            }
            mantissa = mantissa * 10 + (c - '0');
            scale--;
          } else {
            significant++;
          }
          pos++;
        }
      }
      int exp = 0;
      if (peek() == 'e' || peek() == 'E') {
        integral = false;
        pos++;
        boolean negExp = false;
        if (peek() == '+' || peek() == '-') {
          negExp = s.charAt(pos++) == '-';
        }
        if (!isDigit(peek())) {
          throw error("expected a digit in the exponent but found " + describe());
        }
        while (pos < s.length() && isDigit(c = s.charAt(pos))) {
          if (exp < 100000) {
            exp = exp * 10 + (c - '0');
          }
          pos++;
        }
        if (negExp) {
          exp = -exp;
        }
      }
      if (integral && significant <= 18) {
        numLong = negative ? -mantissa : mantissa;
        return true;
      }
      int e10 = scale + exp;
      if (!integral && significant <= 15 && e10 >= -22 && e10 <= 22) {
        double v = e10 >= 0 ? mantissa * POW10[e10] : mantissa / POW10[-e10];
        numDouble = negative ? -v : v;
        return false;
      }
      if (!integral) {
        // Eisel–Lemire; with more than 18 significant digits the kept ones bracket the value
        // between mantissa and mantissa + 1 units, and only an agreement of both is taken.
        double v = EiselLemire.toDouble(mantissa, e10, negative);
        if (significant > 18 && v == v && EiselLemire.toDouble(mantissa + 1, e10, negative) != v) {
          v = Double.NaN;
        }
        if (v == v) {
          numDouble = v;
          return false;
        }
      }
      Object slow = slowNumber(start, integral);
      if (slow instanceof Long l) {
        numLong = l;
        return true;
      }
      numDouble = (Double) slow;
      return false;
    }

    /** The rare numbers off the fast paths, kept out of {@link #number} so that it stays small. */
    private Object slowNumber(int start, boolean integral) {
      if (integral) {
        try {
          return Long.parseLong(s, start, pos, 10);
        } catch (NumberFormatException tooBig) {
          // Falls through to a double, like JavaScript would.
        }
      }
      double v = Double.parseDouble(s.substring(start, pos));
      if (Double.isInfinite(v)) {
        String text = s.substring(start, pos);
        pos = start;
        throw error("number out of range: " + (text.length() > 40 ? text.substring(0, 40) + "..." : text));
      }
      return v;
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }
  }

  /** An unmodifiable, ordered map from alternating keys and values, for building summaries. */
  public static Map<String, Object> obj(Object... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("Json.obj needs key/value pairs, got an odd count");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }
}
