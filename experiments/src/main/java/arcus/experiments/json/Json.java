package arcus.experiments.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON (RFC 8259) reader and writer. Values map to Java as: object →
 * {@code Map<String, Object>} (insertion order, duplicate keys rejected), array → {@code List<Object>},
 * number → {@code Double} (must be finite), string → {@code String}, true/false → {@code Boolean},
 * null → {@link #NULL}. Anything else — trailing commas, leading zeros, comments, control characters
 * in strings, bad escapes, trailing text — is a {@link JsonException} naming the offset.
 */
public final class Json {
  /** The JSON null (Java null is not used, so a missing key and a null value differ). */
  public static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  private static final int MAX_DEPTH = 64;

  private final String s;
  private int pos;

  private Json(String s) {
    this.s = s;
  }

  public static Object parse(String text) {
    Json p = new Json(text);
    p.skipWs();
    Object v = p.value(0);
    p.skipWs();
    if (p.pos != text.length()) throw p.error("unexpected text after the JSON value");
    return v;
  }

  private JsonException error(String what) {
    int line = 1, col = 1;
    for (int i = 0; i < Math.min(pos, s.length()); i++) {
      if (s.charAt(i) == '\n') {
        line++;
        col = 1;
      } else col++;
    }
    return new JsonException("invalid JSON at line " + line + ", column " + col + ": " + what);
  }

  private void skipWs() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
      else break;
    }
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
    if (pos >= s.length()) throw error("unexpected end of input, expected a value");
    char c = s.charAt(pos);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", NULL);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) yield number();
        throw error("unexpected character '" + printable(c) + "'");
      }
    };
  }

  private static String printable(char c) {
    return c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, pos)) throw error("unexpected token, expected " + word);
    pos += word.length();
    return v;
  }

  private Map<String, Object> object(int depth) {
    pos++; // {
    Map<String, Object> m = new LinkedHashMap<>();
    skipWs();
    if (pos < s.length() && s.charAt(pos) == '}') {
      pos++;
      return m;
    }
    while (true) {
      skipWs();
      if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string key");
      int keyPos = pos;
      String key = string();
      skipWs();
      expect(':');
      skipWs();
      Object v = value(depth + 1);
      if (m.put(key, v) != null) {
        pos = keyPos;
        throw error("duplicate key \"" + key + "\"");
      }
      skipWs();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        continue;
      }
      expect('}');
      return m;
    }
  }

  private List<Object> array(int depth) {
    pos++; // [
    List<Object> l = new ArrayList<>();
    skipWs();
    if (pos < s.length() && s.charAt(pos) == ']') {
      pos++;
      return l;
    }
    while (true) {
      skipWs();
      l.add(value(depth + 1));
      skipWs();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        continue;
      }
      expect(']');
      return l;
    }
  }

  private void expect(char c) {
    if (pos >= s.length()) throw error("unexpected end of input, expected '" + c + "'");
    if (s.charAt(pos) != c) throw error("expected '" + c + "', found '" + printable(s.charAt(pos)) + "'");
    pos++;
  }

  private String string() {
    pos++; // opening quote
    StringBuilder sb = null;
    int start = pos;
    while (true) {
      if (pos >= s.length()) throw error("unterminated string");
      char c = s.charAt(pos);
      if (c == '"') {
        String r = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
        pos++;
        return r;
      }
      if (c < 0x20) throw error("control character in string");
      if (c == '\\') {
        if (sb == null) sb = new StringBuilder();
        sb.append(s, start, pos);
        pos++;
        if (pos >= s.length()) throw error("unterminated escape");
        char e = s.charAt(pos++);
        switch (e) {
          case '"' -> sb.append('"');
          case '\\' -> sb.append('\\');
          case '/' -> sb.append('/');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) throw error("short \\u escape");
            int v = 0;
            for (int i = 0; i < 4; i++) {
              int d = Character.digit(s.charAt(pos + i), 16);
              if (d < 0) throw error("bad \\u escape");
              v = v * 16 + d;
            }
            pos += 4;
            sb.append((char) v);
          }
          default -> {
            pos--;
            throw error("bad escape '\\" + printable(e) + "'");
          }
        }
        start = pos;
      } else pos++;
    }
  }

  private static final double[] POW10 = new double[23];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10;
  }

  private Double number() {
    int start = pos;
    boolean negative = s.charAt(pos) == '-';
    if (negative) pos++;
    if (pos >= s.length()) throw error("incomplete number");
    // Clinger's fast path: up to 15 significant digits and a power of ten ≤ 22 are exact doubles,
    // so one multiplication or division is correctly rounded; anything else goes to parseDouble.
    long mantissa = 0;
    int significant = 0, scale = 0;
    char c = s.charAt(pos);
    if (c == '0') {
      pos++;
      if (pos < s.length() && Character.isDigit(s.charAt(pos))) throw error("leading zero in number");
    } else if (c >= '1' && c <= '9') {
      while (pos < s.length() && (c = s.charAt(pos)) >= '0' && c <= '9') {
        if (significant < 18) {
          mantissa = mantissa * 10 + (c - '0');
          significant++;
        } else {
          significant++;
          scale++;
        }
        pos++;
      }
    } else throw error("invalid number");
    if (pos < s.length() && s.charAt(pos) == '.') {
      pos++;
      int n = 0;
      while (pos < s.length() && (c = s.charAt(pos)) >= '0' && c <= '9') {
        if (significant < 18) {
          if (mantissa != 0 || c != '0') significant++;
          mantissa = mantissa * 10 + (c - '0');
          scale--;
        } else significant++;
        pos++;
        n++;
      }
      if (n == 0) throw error("digits expected after the decimal point");
    }
    int exp = 0;
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      pos++;
      boolean negExp = false;
      if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) negExp = s.charAt(pos++) == '-';
      int n = 0;
      while (pos < s.length() && (c = s.charAt(pos)) >= '0' && c <= '9') {
        if (exp < 100000) exp = exp * 10 + (c - '0');
        pos++;
        n++;
      }
      if (n == 0) throw error("digits expected in the exponent");
      if (negExp) exp = -exp;
    }
    int e10 = scale + exp;
    double v;
    if (significant <= 15 && e10 >= -22 && e10 <= 22) {
      v = e10 >= 0 ? mantissa * POW10[e10] : mantissa / POW10[-e10];
      if (negative) v = -v;
    } else v = Double.parseDouble(s.substring(start, pos));
    if (Double.isInfinite(v)) {
      pos = start;
      throw error("number out of range: " + s.substring(start, Math.min(s.length(), start + 30)));
    }
    return v;
  }

  private int digits() {
    int n = 0;
    while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
      n++;
    }
    return n;
  }

  // ------------------------------------------------------------------ writing

  /** JSON text of a value built from maps, lists, strings, numbers, booleans and {@link #NULL}. */
  public static String write(Object v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v);
    return sb.toString();
  }

  public static void write(StringBuilder sb, Object v) {
    switch (v) {
      case null -> sb.append("null");
      case Map<?, ?> m -> {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) sb.append(", ");
          first = false;
          string(sb, String.valueOf(e.getKey()));
          sb.append(": ");
          write(sb, e.getValue());
        }
        sb.append('}');
      }
      case List<?> l -> {
        sb.append('[');
        for (int i = 0; i < l.size(); i++) {
          if (i > 0) sb.append(", ");
          write(sb, l.get(i));
        }
        sb.append(']');
      }
      case String str -> string(sb, str);
      case Boolean b -> sb.append(b);
      case Double d -> number(sb, d);
      case Float f -> number(sb, f);
      case Number n -> sb.append(n);
      case Raw r -> sb.append(r.text());
      default -> {
        if (v == NULL) sb.append("null");
        else throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
      }
    }
  }

  /** Pre-rendered JSON text, inserted verbatim (for large arrays written with {@link #array}). */
  public record Raw(String text) {}

  public static void number(StringBuilder sb, double d) {
    if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON cannot hold the number " + d);
    if (d == Math.rint(d) && Math.abs(d) < 1e15) sb.append((long) d);
    else sb.append(d);
  }

  public static void number(StringBuilder sb, float f) {
    if (!Float.isFinite(f)) throw new IllegalArgumentException("JSON cannot hold the number " + f);
    if (f == Math.rint(f) && Math.abs(f) < 1e7) sb.append((long) f);
    else sb.append(f);
  }

  /** A flat row-major array written as nested JSON arrays of the given shape. */
  public static Raw array(double[] data, int[] shape) {
    StringBuilder sb = new StringBuilder(data.length * 12);
    nest(sb, data, null, shape, 0, 0);
    return new Raw(sb.toString());
  }

  /** The same for float32 data (written with float precision, so shorter). */
  public static Raw array(float[] data, int[] shape) {
    StringBuilder sb = new StringBuilder(data.length * 10);
    nest(sb, null, data, shape, 0, 0);
    return new Raw(sb.toString());
  }

  private static int nest(StringBuilder sb, double[] d, float[] f, int[] shape, int axis, int offset) {
    sb.append('[');
    int n = shape.length == 0 ? 1 : shape[axis];
    for (int i = 0; i < n; i++) {
      if (i > 0) sb.append(", ");
      if (axis == shape.length - 1) {
        if (d != null) number(sb, d[offset]);
        else number(sb, f[offset]);
        offset++;
      } else offset = nest(sb, d, f, shape, axis + 1, offset);
    }
    sb.append(']');
    return offset;
  }

  public static void string(StringBuilder sb, String str) {
    sb.append('"');
    for (int i = 0; i < str.length(); i++) {
      char c = str.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }

  /** An unmodifiable view, for callers that only read. */
  public static Map<String, Object> readOnly(Map<String, Object> m) {
    return Collections.unmodifiableMap(m);
  }
}
