package arcus.experiments.json;

/**
 * Malformed JSON, or a JSON value of the wrong shape for its reader. A syntax error's message names
 * the source and the line, column and offset of the error; {@link #offset} gives the offset.
 */
public final class JsonException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final int offset;

  public JsonException(String message, int offset) {
    super(message);
    this.offset = offset;
  }

  /** A value of the wrong shape (a ragged array, a missing field): no position in the text. */
  public JsonException(String message) {
    this(message, -1);
  }

  /** Character offset of the error in the input, or -1 when the error is not about a position. */
  public int offset() {
    return offset;
  }
}
