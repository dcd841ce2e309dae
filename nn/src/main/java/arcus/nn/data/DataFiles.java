package arcus.nn.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads a whole data file into memory, transparently un-gzipping it. */
final class DataFiles {
  private DataFiles() {}

  /**
   * Gzip is recognised by its magic bytes (1f 8b), not by the file name: mirrors ship both
   * compressed files without ".gz" and uncompressed ones with it.
   */
  static Contents readMaybeGzip(Path file) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DatasetException(file + ": file not found");
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read: " + e, e);
    }
    if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
        return new Contents(in.readAllBytes(), true);
      } catch (IOException e) {
        throw new DatasetException(file + ": corrupt gzip stream: " + e.getMessage(), e);
      }
    }
    return new Contents(raw, false);
  }

  /** The (decompressed) bytes and whether the file was gzipped, for precise size errors. */
  record Contents(byte[] bytes, boolean gzipped) {}
}
