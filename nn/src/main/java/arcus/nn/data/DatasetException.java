package arcus.nn.data;

/**
 * A data set file is missing, unreadable or malformed. The message always names the file (or
 * folder) and what is wrong with it, so that a failed run can be fixed without a debugger.
 */
public final class DatasetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
