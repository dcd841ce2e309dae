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
  /**
   * Largest data file, before or after un-gzipping: 512 MiB, over three times the largest real
   * one (CIFAR-100's training file, 155 MB), so a damaged size or a gzip bomb is refused before
   * it fills the heap.
   */
  static final int MAX_BYTES = 512 << 20;

  static Contents readMaybeGzip(Path file) {
    byte[] raw;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new DatasetException(file + ": " + size + " bytes, more than the " + MAX_BYTES
            + " bytes a data file may have");
      }
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DatasetException(file + ": file not found");
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read: " + e, e);
    }
    if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
        byte[] b = in.readNBytes(MAX_BYTES + 1);
        if (b.length > MAX_BYTES) {
          throw new DatasetException(file + ": decompresses to more than the " + MAX_BYTES
              + " bytes a data file may have");
        }
        return new Contents(b, true);
      } catch (IOException e) {
        throw new DatasetException(file + ": corrupt gzip stream: " + e.getMessage(), e);
      }
    }
    return new Contents(raw, false);
  }

  /** The (decompressed) bytes and whether the file was gzipped, for precise size errors. */
  record Contents(byte[] bytes, boolean gzipped) {}
}
