package arcus.nn.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that readers (and a run killed half-way) see either the old or the new
 * content, never a torn file: the data goes to a temporary file in the same folder, is forced to
 * disk, then renamed over the target.
 */
public final class AtomicFiles {
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private AtomicFiles() {}

  /** Produces the content of a file. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  public static void write(Path path, byte[] data) {
    write(path, out -> out.write(data));
  }

  public static void writeString(Path path, String text) {
    write(path, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Streams the content through {@code writer}; errors are {@link UncheckedIOException}s. */
  public static void write(Path path, Writer writer) {
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      // Same folder as the target: a rename is only atomic within one file system.
      // Not Files.createTempFile: it makes the file 0600, and the rename would keep that mode.
      // CREATE_NEW gives the mode an ordinary file gets (0666 less the umask, usually 0644).
      tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        OutputStream out = Channels.newOutputStream(ch);
        writer.writeTo(out);
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      syncDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + ": " + e, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The original error matters more than a leftover temporary file.
        }
      }
    }
  }

  /** Makes the rename itself durable where the platform allows it; best effort elsewhere. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open folders; the file content is already on disk.
    }
  }
}
