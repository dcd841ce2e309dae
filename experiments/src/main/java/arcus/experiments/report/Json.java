package arcus.experiments.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny JSON writer and strict parser (RFC 8259), enough for run summaries and for reading loss
 * test cases from stdin without a dependency.
 *
 * <p>Writing accepts maps (keys written with {@code String.valueOf}), iterables, arrays of
 * primitives, numbers, strings, booleans and null. Non-finite numbers have no JSON form and are
 * written as null. Parsing gives {@code Map<String,Object>} (insertion-ordered), {@code
 * List<Object>}, {@code String}, {@code Boolean}, null, and numbers as {@code Long} when written
 * without fraction or exponent and in range, else {@code Double}.
 */
public final class Json {
  private Json() {}

  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, -1, 0);
    return sb.toString();
  }

  /** Indented with two spaces, ending with a newline, for files people read. */
  public static String writePretty(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 2, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object v, int indent, int depth) {
    switch (v) {
      case null -> sb.append("null");
      case String s -> quote(sb, s);
      case Boolean b -> sb.append(b);
      case Double d -> number(sb, d);
      case Float f -> number(sb, f.doubleValue());
      case Number n -> sb.append(n); // Integer, Long, Short, Byte, BigInteger, BigDecimal
      case Character c -> quote(sb, c.toString());
      case Map<?, ?> m -> {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          first = separator(sb, first, indent, depth + 1);
          quote(sb, String.valueOf(e.getKey()));
          sb.append(indent >= 0 ? ": " : ":");
          write(sb, e.getValue(), indent, depth + 1);
        }
        close(sb, '}', first, indent, depth);
      }
      case Iterable<?> it -> {
        sb.append('[');
        boolean first = true;
        for (Object o : it) {
          first = separator(sb, first, indent, depth + 1);
          write(sb, o, indent, depth + 1);
        }
        close(sb, ']', first, indent, depth);
      }
      case double[] a -> write(sb, boxed(a), indent, depth);
      case float[] a -> {
        List<Object> l = new ArrayList<>();
        for (float x : a) {
          l.add(x);
        }
        write(sb, l, indent, depth);
      }
      case int[] a -> write(sb, java.util.Arrays.stream(a).boxed().toList(), indent, depth);
      case long[] a -> write(sb, java.util.Arrays.stream(a).boxed().toList(), indent, depth);
      case Object[] a -> write(sb, java.util.Arrays.asList(a), indent, depth);
      default -> throw new IllegalArgumentException(
          "cannot write " + v.getClass().getName() + " as JSON");
    }
  }

  private static List<Double> boxed(double[] a) {
    List<Double> l = new ArrayList<>(a.length);
    for (double x : a) {
      l.add(x);
    }
    return l;
  }

  private static boolean separator(StringBuilder sb, boolean first, int indent, int depth) {
    if (!first) {
      sb.append(',');
    }
    if (indent >= 0) {
      sb.append('\n').append(" ".repeat(indent * depth));
    }
    return false;
  }

  private static void close(StringBuilder sb, char c, boolean empty, int indent, int depth) {
    if (indent >= 0 && !empty) {
      sb.append('\n').append(" ".repeat(indent * depth));
    }
    sb.append(c);
  }

  private static void number(StringBuilder sb, double d) {
    if (!Double.isFinite(d)) {
      sb.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      // Integral values without ".0" are still valid and easier to read; -0.0 keeps its sign.
      sb.append(d == 0 && 1 / d < 0 ? "-0.0" : Long.toString((long) d));
    } else {
      sb.append(d); // Java's shortest round-trip repr, always valid JSON (e.g. 1.0E-5)
    }
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

  /** Parses {@code text}; errors name {@code source} (e.g. a file name or "stdin"). */
  public static Object parse(String source, String text) {
    Parser p = new Parser(source, text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.pos < text.length()) {
      throw p.error("unexpected " + p.describe() + " after the JSON value");
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

  private static final class Parser {
    private static final int MAX_DEPTH = 512;
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
      return new JsonException(
          source + ": " + what + " at line " + line + ", column " + col + " (offset " + pos + ")",
          pos);
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
      List<Object> l = new ArrayList<>();
      ws();
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
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(pos);
        if (c == '"') {
          pos++;
          return sb.toString();
        }
        if (c < 0x20) {
          throw error("unescaped control " + describe() + " in string");
        }
        if (c != '\\') {
          sb.append(c);
          pos++;
          continue;
        }
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
      }
    }

    Object number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (peek() == '0') {
        pos++;
        if (Character.isDigit(peek())) {
          throw error("leading zero in number");
        }
      } else if (Character.isDigit(peek())) {
        digits();
      } else {
        throw error("expected a digit but found " + describe());
      }
      boolean integral = true;
      if (peek() == '.') {
        integral = false;
        pos++;
        if (!Character.isDigit(peek())) {
          throw error("expected a digit after '.' but found " + describe());
        }
        digits();
      }
      if (peek() == 'e' || peek() == 'E') {
        integral = false;
        pos++;
        if (peek() == '+' || peek() == '-') {
          pos++;
        }
        if (!Character.isDigit(peek())) {
          throw error("expected a digit in the exponent but found " + describe());
        }
        digits();
      }
      String t = s.substring(start, pos);
      if (integral) {
        try {
          return Long.parseLong(t);
        } catch (NumberFormatException tooBig) {
          // Falls through to a double, like JavaScript would.
        }
      }
      return Double.parseDouble(t);
    }

    void digits() {
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
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
