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
    Transaction tx = CURRENT.get();
    if (tx != null && tx.dir.equals(dir)) {
      tx.stage(target, writer);
      return;
    }
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

  // ---- several files at once ----

  /** Name of the journal that commits a transaction (docs/robustness.md). */
  public static final String JOURNAL = ".arcus-commit";
  private static final String PENDING = ".pending";
  private static final ThreadLocal<Transaction> CURRENT = new ThreadLocal<>();

  /**
   * Runs {@code body} so that its writes into {@code dir} (through this class) take effect
   * together: each goes to a pending file, forced to disk; then a journal naming them all is
   * written atomically (the commit point); then each pending file is renamed over its target and
   * the journal deleted. A process killed before the journal exists leaves the old files (and
   * pending files that {@link #recover} deletes); killed after, {@link #recover} finishes the
   * renames. So after {@link #recover} the folder holds all the old files or all the new ones.
   * Writes to other folders inside {@code body} are atomic one by one, as usual.
   */
  public static void inTransaction(Path dir, Runnable body) {
    if (CURRENT.get() != null) throw new IllegalStateException("AtomicFiles transactions do not nest");
    Transaction tx = new Transaction(dir.toAbsolutePath());
    CURRENT.set(tx);
    boolean done = false;
    try {
      body.run();
      CURRENT.remove();
      tx.commit();
      done = true;
    } finally {
      CURRENT.remove();
      if (!done) tx.discard();
    }
  }

  /**
   * Is {@code name} what an interrupted write of this class leaves in a folder: the temporary
   * file of {@link #write} ({@code .<target>.<random>.tmp}), a pending file of a transaction
   * ({@code .<target>.<random>.pending}) or its journal? {@code target}, when not null, must be
   * the file the leftover was for.
   */
  public static boolean isLeftover(String name, String target) {
    if (name.equals(JOURNAL)) return true;
    if (!name.startsWith(".") || !(name.endsWith(".tmp") || name.endsWith(PENDING))) return false;
    return target == null || name.startsWith("." + target + ".");
  }

  /**
   * Brings {@code dir} to the last committed state after a crash: finishes the renames of a
   * committed transaction, deletes pending and temporary files of an uncommitted one. Does
   * nothing to a folder that does not exist or has nothing to recover.
   */
  public static void recover(Path dir) {
    Path d = dir.toAbsolutePath();
    if (!Files.isDirectory(d)) return;
    try {
      replay(d);
      try (var files = Files.list(d)) {
        for (Path f : files.toList()) {
          String n = f.getFileName().toString();
          if (!n.equals(JOURNAL) && isLeftover(n, null)) Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot recover " + d + ": " + e, e);
    }
  }

  /** Finishes the renames a journal lists, then deletes it. */
  private static void replay(Path d) throws IOException {
    Path journal = d.resolve(JOURNAL);
    if (Files.isRegularFile(journal)) {
      for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
        int tab = line.indexOf('\t');
        if (tab < 0) continue;
        Path pending = d.resolve(line.substring(0, tab)), target = d.resolve(line.substring(tab + 1));
        if (!pending.getParent().equals(d) || !target.getParent().equals(d)) continue; // names only, never a path elsewhere
        if (Files.exists(pending)) move(pending, target);
      }
      syncDirectory(d);
      Files.delete(journal);
      syncDirectory(d);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static final class Transaction {
    final Path dir;
    final java.util.Map<Path, Path> staged = new java.util.LinkedHashMap<>(); // target → pending

    Transaction(Path dir) {
      this.dir = dir;
    }

    void stage(Path target, Writer writer) {
      try {
        Files.createDirectories(dir);
        Path old = staged.remove(target);
        if (old != null) Files.deleteIfExists(old);
        // CREATE_NEW, not Files.createTempFile (0600, which the rename would keep): see write()
        Path pending = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + PENDING);
        staged.put(target, pending);
        try (FileChannel ch = FileChannel.open(pending, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
          OutputStream out = Channels.newOutputStream(ch);
          writer.writeTo(out);
          out.flush();
          ch.force(true);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + target + ": " + e, e);
      }
    }

    void commit() {
      if (staged.isEmpty()) return;
      StringBuilder j = new StringBuilder();
      staged.forEach((target, pending) -> j.append(pending.getFileName()).append('\t').append(target.getFileName()).append('\n'));
      write(dir.resolve(JOURNAL), j.toString().getBytes(StandardCharsets.UTF_8)); // atomic: the commit point
      try {
        replay(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot commit the writes to " + dir + ": " + e, e);
      }
    }

    void discard() {
      for (Path p : staged.values()) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // the body's own error matters more; recover() deletes it later
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
