package arcus.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written atomically get the mode of an ordinary new file (the umask applies), not 0600. */
class AtomicFilesModeTest {
  @Test
  void atomicallyWrittenFilesHaveTheModeOfAnOrdinaryFile(@TempDir Path dir) throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path ordinary = Files.createFile(dir.resolve("ordinary"));
    Set<PosixFilePermission> expected = Files.getPosixFilePermissions(ordinary);
    Path written = dir.resolve("report.md");
    AtomicFiles.writeString(written, "hello\n");
    assertEquals(expected, Files.getPosixFilePermissions(written));
    AtomicFiles.writeString(written, "again\n");
    assertEquals(expected, Files.getPosixFilePermissions(written));
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "no temporary file left behind");
    }
  }
}
