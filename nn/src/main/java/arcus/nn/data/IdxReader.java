package arcus.nn.data;

import java.nio.file.Path;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, a
 * type byte, a dimension count, then one 32-bit size per dimension) followed by the raw data. Only
 * unsigned bytes (type 0x08) are used by these data sets, so only they are accepted.
 */
public final class IdxReader {
  /** u8, 3 dimensions: [n, rows, cols]. */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** u8, 1 dimension: [n]. */
  public static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /** Images of one IDX file, row-major [n, rows, cols], one unsigned byte per pixel. */
  public record Images(int n, int rows, int cols, byte[] pixels) {}

  public static Images readImages(Path file) {
    DataFiles.Contents c = DataFiles.readMaybeGzip(file);
    byte[] b = c.bytes();
    int[] dims = header(file, c, IMAGES_MAGIC, 3, "images");
    byte[] pixels = new byte[Math.multiplyExact(dims[0], Math.multiplyExact(dims[1], dims[2]))];
    System.arraycopy(b, 16, pixels, 0, pixels.length);
    return new Images(dims[0], dims[1], dims[2], pixels);
  }

  /** Reads labels and checks each is in [0, numClasses). */
  public static int[] readLabels(Path file, int numClasses) {
    DataFiles.Contents c = DataFiles.readMaybeGzip(file);
    byte[] b = c.bytes();
    int[] dims = header(file, c, LABELS_MAGIC, 1, "labels");
    int[] labels = new int[dims[0]];
    for (int i = 0; i < labels.length; i++) {
      int v = b[8 + i] & 0xff;
      if (v >= numClasses) {
        throw new DatasetException(
            file + ": label " + v + " at index " + i + " is out of range [0, " + numClasses + ")");
      }
      labels[i] = v;
    }
    return labels;
  }

  /** Images and labels of one split, checked to have the same number of samples. */
  public static ImageDataset read(String name, Path images, Path labels, int numClasses) {
    Images im = readImages(images);
    int[] lab = readLabels(labels, numClasses);
    if (lab.length != im.n()) {
      throw new DatasetException(
          labels + ": has " + lab.length + " labels but " + images + " has " + im.n() + " images");
    }
    return new ImageDataset(name, im.pixels(), im.n(), 1, im.rows(), im.cols(), lab, numClasses);
  }

  private static int[] header(
      Path file, DataFiles.Contents c, int expectedMagic, int rank, String what) {
    byte[] b = c.bytes();
    if (b.length < 4) {
      throw new DatasetException(
          file + ": too short for an IDX header (" + b.length + " bytes)");
    }
    int magic = readInt(b, 0);
    if (magic != expectedMagic) {
      if ((magic & 0xffffff00) == (expectedMagic & 0xffffff00)) {
        throw new DatasetException(String.format(
            "%s: IDX %s file must have %d dimension(s) but the header declares %d (magic 0x%08x)",
            file, what, rank, magic & 0xff, magic));
      }
      throw new DatasetException(String.format(
          "%s: bad magic 0x%08x, expected 0x%08x for an IDX %s file", file, magic, expectedMagic,
          what));
    }
    int headerLen = 4 + 4 * rank;
    if (b.length < headerLen) {
      throw new DatasetException(
          file + ": truncated header: " + b.length + " bytes, need " + headerLen);
    }
    int[] dims = new int[rank];
    long expected = headerLen;
    long count = 1;
    long perItem = 1;
    for (int d = 0; d < rank; d++) {
      long size = readInt(b, 4 + 4 * d) & 0xffffffffL; // unsigned: 2^31 images is a size, not -2^31
      if (d > 0 && size == 0) {
        throw new DatasetException(file + ": invalid size 0 for dimension " + d);
      }
      count *= size; // at most 2^96 before the check below: no overflow while count < 2^63
      perItem *= d > 0 ? size : 1; // checked too: with n = 0, count stays 0 whatever the other sizes say
      if (count > Integer.MAX_VALUE || perItem > Integer.MAX_VALUE) {
        throw new DatasetException(String.format(
            "%s: header declares size %d for dimension %d, over 2^31 bytes in all, but the %s %d bytes",
            file, size, d,
            c.gzipped() ? "decompressed data has" : "file has", b.length));
      }
      dims[d] = (int) size;
    }
    expected += count;
    if (expected != b.length) {
      throw new DatasetException(String.format(
          "%s: %s: header declares %d bytes in all but the %s %d bytes",
          file, b.length < expected ? "truncated" : "trailing bytes", expected,
          c.gzipped() ? "decompressed data has" : "file has", b.length));
    }
    return dims;
  }

  private static int readInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }
}
