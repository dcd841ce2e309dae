package arcus.experiments.report;

/** Malformed JSON; the message names the source and the line, column and offset of the error. */
public final class JsonException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int offset;

  public JsonException(String message, int offset) {
    super(message);
    this.offset = offset;
  }

  /** Character offset of the error in the input. */
  public int offset() {
    return offset;
  }
}
