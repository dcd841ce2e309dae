package arcus.nn.fuzz;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** Runs one fuzz case: it must end within {@link #LIMIT} with a value or one of the documented errors. */
public final class Within {
  private Within() {}

  /** Generous for inputs of a few KB (each takes milliseconds); a hang or an allocation storm exceeds it. */
  public static final Duration LIMIT = Duration.ofSeconds(10);

  /** The value, or null when {@code body} threw one of {@code documented}; anything else fails the case. */
  public static <T> T valueOrDocumented(Callable<T> body, List<Class<? extends Throwable>> documented) {
    return assertTimeoutPreemptively(LIMIT, () -> {
      try {
        return body.call();
      } catch (Throwable t) {
        for (Class<? extends Throwable> c : documented) {
          if (c.isInstance(t)) {
            if (t.getMessage() == null || t.getMessage().isBlank() || t.getMessage().contains("\n")) fail("documented error without a one-line message", t);
            return null;
          }
        }
        return fail("undocumented " + t.getClass().getName() + ": " + t.getMessage(), t);
      }
    });
  }

  /** The fuzz cases' folder, deleted with everything in it when the test JVM ends. */
  public static Path tempDir(String prefix) {
    try {
      Path d = java.nio.file.Files.createTempDirectory(prefix);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try (var walk = java.nio.file.Files.walk(d)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException ignored) {
          // best effort: the folder is in the system's temporary directory
        }
      }));
      return d;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
