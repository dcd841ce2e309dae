package arcus.experiments.json;

import java.io.StringWriter;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.core.util.Separators.Spacing;

/**
 * Jackson's streaming factory as the project configures it: duplicate keys rejected, doubles read
 * and written by Jackson's fast (exact) number code. A class of its own so that streaming code
 * ({@code arcus loss-eval}) does not load the object mapper of {@link Jackson}, which costs about
 * half a second in a fresh JVM.
 */
public final class JsonStreams {
  private JsonStreams() {}

  /** One line with a space after each ',' and ':' (and between root-level values: ", "). */
  static final DefaultPrettyPrinter LINE_PRINTER = new DefaultPrettyPrinter(Separators.createDefaultInstance()
      .withObjectNameValueSpacing(Spacing.AFTER).withObjectEntrySpacing(Spacing.AFTER).withArrayElementSpacing(Spacing.AFTER)
      .withObjectEmptySeparator("").withArrayEmptySeparator("").withRootSeparator(", "))
      .withObjectIndenter(new DefaultPrettyPrinter.NopIndenter()).withArrayIndenter(new DefaultPrettyPrinter.NopIndenter());

  /** What {@code body} writes, in the one-line layout, as text (root-level values separated by ", "). */
  public static String line(Consumer<JsonGenerator> body) {
    StringWriter w = new StringWriter();
    ObjectWriteContext line = new ObjectWriteContext.Base() {
      @Override
      public PrettyPrinter getPrettyPrinter() {
        return LINE_PRINTER.createInstance();
      }
    };
    try (JsonGenerator g = FACTORY.createGenerator(line, w)) {
      body.accept(g);
    }
    return w.toString();
  }

  public static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION, StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build();
}
