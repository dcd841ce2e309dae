package arcus.experiments.json;

/** A malformed JSON text or a JSON value of the wrong shape; the message says where and why. */
public final class JsonException extends IllegalArgumentException {
  public JsonException(String message) {
    super(message);
  }
}
