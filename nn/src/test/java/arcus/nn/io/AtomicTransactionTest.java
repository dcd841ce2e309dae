package arcus.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several files committed together; a crash at any point recovers to all-old or all-new. */
class AtomicTransactionTest {
  @TempDir Path dir;

  private String read(String f) throws IOException {
    return Files.readString(dir.resolve(f));
  }

  static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<String> hidden() throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }

  @Test
  void aTransactionReplacesAllFilesAndLeavesNothingBehind() throws IOException {
    AtomicFiles.writeString(dir.resolve("a"), "old a");
    AtomicFiles.writeString(dir.resolve("b"), "old b");
    AtomicFiles.inTransaction(dir, () -> {
      AtomicFiles.writeString(dir.resolve("a"), "new a");
      assertEquals("old a", AtomicTransactionTest.readQuietly(dir.resolve("a")), "nothing is visible before the commit");
      AtomicFiles.writeString(dir.resolve("b"), "new b");
    });
    assertEquals("new a", read("a"));
    assertEquals("new b", read("b"));
    assertEquals(List.of(), hidden());
  }

  @Test
  void aFailingBodyChangesNothing() throws IOException {
    AtomicFiles.writeString(dir.resolve("a"), "old a");
    assertThrows(IllegalStateException.class, () -> AtomicFiles.inTransaction(dir, () -> {
      AtomicFiles.writeString(dir.resolve("a"), "new a");
      throw new IllegalStateException("boom");
    }));
    assertEquals("old a", read("a"));
    assertEquals(List.of(), hidden());
  }

  @Test
  void recoveryUndoesAnUncommittedTransaction() throws IOException {
    AtomicFiles.writeString(dir.resolve("a"), "old a");
    Files.writeString(dir.resolve(".a.123.pending"), "new a"); // killed before the journal was written
    Files.writeString(dir.resolve(".b.456.tmp"), "torn");
    AtomicFiles.recover(dir);
    assertEquals("old a", read("a"));
    assertEquals(List.of(), hidden());
  }

  @Test
  void recoveryFinishesACommittedTransaction() throws IOException {
    AtomicFiles.writeString(dir.resolve("a"), "old a");
    AtomicFiles.writeString(dir.resolve("b"), "new b"); // killed after renaming b, before renaming a
    Files.writeString(dir.resolve(".a.1.pending"), "new a");
    Files.writeString(dir.resolve(AtomicFiles.JOURNAL), ".b.2.pending\tb\n.a.1.pending\ta\n");
    AtomicFiles.recover(dir);
    assertEquals("new a", read("a"));
    assertEquals("new b", read("b"));
    assertEquals(List.of(), hidden());
    AtomicFiles.recover(dir.resolve("absent")); // nothing to do, no error
    assertFalse(Files.exists(dir.resolve("absent")));
  }

  @Test
  void aJournalCannotMoveFilesOutsideItsFolder() throws IOException {
    Path outside = dir.resolve("sub");
    Files.createDirectories(outside);
    Files.writeString(dir.resolve(".x.pending"), "x");
    Files.writeString(outside.resolve(AtomicFiles.JOURNAL), "../.x.pending\t../y\n");
    AtomicFiles.recover(outside);
    assertFalse(Files.exists(dir.resolve("y")));
  }
}
