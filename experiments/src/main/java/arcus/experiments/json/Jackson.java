package arcus.experiments.json;

import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.type.TypeReference;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.core.util.Separators.Spacing;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;
import tools.jackson.databind.ser.std.ToStringSerializer;

/**
 * The experiments module's JSON, by Jackson: one strictly reading mapper (on {@link
 * JsonStreams#FACTORY}) and its three output layouts. Records bind by their component names in snake_case ({@code featureDim} is {@code
 * feature_dim}); paths are plain strings; a non-finite double has no JSON form and is written as
 * null (and a null read into a {@code double} is NaN), as {@link NumberArray}s write theirs.
 *
 * <p>Reading rejects what RFC 8259 rejects (trailing commas, leading zeros, comments, NaN, raw
 * control characters in strings), duplicate keys and text after the value; {@link #invalid} turns
 * Jackson's report into one line naming the source, the line and the column.
 */
public final class Jackson {
  private Jackson() {}

  public static final JsonMapper MAPPER = JsonMapper.builder(JsonStreams.FACTORY)
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .addModule(new SimpleModule("arcus")
          .addSerializer(Path.class, new ToStringSerializer(Path.class))
          .addDeserializer(Path.class, new PathDeserializer())
          .addSerializer(Double.class, new FiniteDoubleSerializer(Double.class))
          .addSerializer(double.class, new FiniteDoubleSerializer(double.class))
          .addDeserializer(double.class, new NullAsNaN())
          .addSerializer(NumberArray.class, new NumberArray.Serializer()))
      .build();

  /** Compact: no spaces at all (checkpoint metadata, machine-read files). */
  public static final ObjectWriter COMPACT = MAPPER.writer();

  /** On one line with a space after each ',' and ':' (how {@code arcus loss-eval} prints). */
  public static final ObjectWriter LINE = MAPPER.writer().with(JsonStreams.LINE_PRINTER);

  /** Indented with two spaces, for files people read; {@link #pretty} adds the final newline. */
  public static final ObjectWriter PRETTY = MAPPER.writer().with(new DefaultPrettyPrinter(Separators.createDefaultInstance()
      .withObjectNameValueSpacing(Spacing.AFTER).withObjectEmptySeparator("").withArrayEmptySeparator(""))
      .withObjectIndenter(new DefaultIndenter("  ", "\n")).withArrayIndenter(new DefaultIndenter("  ", "\n")));

  public static String compact(Object value) {
    return COMPACT.writeValueAsString(value);
  }

  public static String line(Object value) {
    return LINE.writeValueAsString(value);
  }

  /** Indented, ending with a newline. */
  public static String pretty(Object value) {
    return PRETTY.writeValueAsString(value) + "\n";
  }

  /** Reads {@code text} as a {@code type}; malformed or mis-shaped JSON is an {@link #invalid} error naming {@code source}. */
  public static <T> T read(String source, String text, Class<T> type) {
    return read(source, text, MAPPER.readerFor(type));
  }

  public static <T> T read(String source, String text, TypeReference<T> type) {
    return read(source, text, MAPPER.readerFor(type));
  }

  private static <T> T read(String source, String text, ObjectReader reader) {
    try {
      return reader.with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(text);
    } catch (JacksonException e) {
      throw invalid(source, e);
    }
  }

  /**
   * Jackson's report of malformed JSON (or of a value of the wrong shape for a record) as one line:
   * "SOURCE: invalid JSON, WHAT at line L, column C". The exception is its cause.
   */
  public static IllegalArgumentException invalid(String source, JacksonException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    if (root instanceof IllegalArgumentException iae && !(root instanceof JacksonException)) // a record's own check
      return new IllegalArgumentException(source + ": " + iae.getMessage(), e);
    String what = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    what = what.replaceAll("\\s*\\R\\s*", " ").replace(" (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)", "");
    // a number out of an int's range is a read error, but it belongs to a field: name it
    boolean named = !(e instanceof tools.jackson.core.exc.StreamReadException) || e instanceof tools.jackson.core.exc.InputCoercionException;
    if (!e.getPathReference().isEmpty() && named)
      what = what + " (at " + e.getPathReference() + ")";
    return new IllegalArgumentException(source + ": invalid JSON, " + what + at(e.getLocation()), e);
  }

  /** " at line L, column C" for a known location, else "". */
  public static String at(TokenStreamLocation loc) {
    return loc == null || loc.getLineNr() < 0 ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  /** A path as its plain string (Jackson's default would write a file: URI). */
  private static final class PathDeserializer extends StdDeserializer<Path> {
    PathDeserializer() {
      super(Path.class);
    }

    @Override
    public Path deserialize(JsonParser p, DeserializationContext ctxt) {
      if (p.currentToken() != JsonToken.VALUE_STRING) return (Path) ctxt.handleUnexpectedToken(Path.class, p);
      return Path.of(p.getString());
    }
  }

  /** Non-finite doubles as null (JSON has no NaN); others as Jackson writes them. */
  private static final class FiniteDoubleSerializer extends StdSerializer<Double> {
    FiniteDoubleSerializer(Class<?> type) {
      super(type);
    }

    @Override
    public void serialize(Double d, JsonGenerator g, SerializationContext ctxt) {
      if (Double.isFinite(d)) g.writeNumber(d.doubleValue());
      else g.writeNull();
    }
  }

  /** The reverse: a null read into a {@code double} is NaN (a missing metric), not 0. */
  private static final class NullAsNaN extends StdDeserializer<Double> {
    NullAsNaN() {
      super(double.class);
    }

    @Override
    public Double deserialize(JsonParser p, DeserializationContext ctxt) {
      if (!p.currentToken().isNumeric()) return (Double) ctxt.handleUnexpectedToken(double.class, p);
      return p.getDoubleValue();
    }

    @Override
    public Object getNullValue(DeserializationContext ctxt) {
      return Double.NaN;
    }
  }
}
