package arcus.nn.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX and CIFAR files for the tests. */
public final class TestFiles {
  private TestFiles() {}

  public static byte[] idx(int magic, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(data);
    return b.array();
  }

  public static byte[] gzip(byte[] data) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
        gz.write(data);
      }
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, byte[] data) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** n images of rows x cols; pixel (i, p) = (i * 31 + p) mod 256. */
  static byte[] pixels(int n, int size) {
    byte[] px = new byte[n * size];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < size; p++) {
        px[i * size + p] = (byte) (i * 31 + p);
      }
    }
    return px;
  }

  static byte[] cifar(int[] coarse, int[] fine, byte[] pixels) {
    int labelBytes = coarse == null ? 1 : 2;
    int n = fine.length;
    byte[] out = new byte[n * (labelBytes + 3072)];
    for (int i = 0; i < n; i++) {
      int at = i * (labelBytes + 3072);
      if (coarse != null) {
        out[at] = (byte) coarse[i];
      }
      out[at + labelBytes - 1] = (byte) fine[i];
      System.arraycopy(pixels, i * 3072, out, at + labelBytes, 3072);
    }
    return out;
  }
}
