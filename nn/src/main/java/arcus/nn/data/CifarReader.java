package arcus.nn.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader for the binary versions of CIFAR-10 and CIFAR-100. Each record is the label byte(s)
 * followed by 3072 pixel bytes: a 32x32 plane of red, then green, then blue, so the pixels are
 * already in CHW order and are copied unchanged.
 */
public final class CifarReader {
  public static final int SIDE = 32;
  public static final int CHANNELS = 3;
  public static final int IMAGE_BYTES = CHANNELS * SIDE * SIDE;

  private CifarReader() {}

  /** Which format, and for CIFAR-100 which of its two label sets to keep. */
  public enum Variant {
    /** 1 label byte, 10 classes. */
    CIFAR10(1, 0, 10),
    /** 2 label bytes (coarse, fine); keep the fine label, 100 classes. */
    CIFAR100_FINE(2, 1, 100),
    /** 2 label bytes (coarse, fine); keep the coarse label, 20 superclasses. */
    CIFAR100_COARSE(2, 0, 20);

    final int labelBytes;
    final int labelOffset;
    final int numClasses;

    Variant(int labelBytes, int labelOffset, int numClasses) {
      this.labelBytes = labelBytes;
      this.labelOffset = labelOffset;
      this.numClasses = numClasses;
    }

    public int recordSize() {
      return labelBytes + IMAGE_BYTES;
    }

    public int numClasses() {
      return numClasses;
    }
  }

  /** Reads and concatenates the records of {@code files} in order (plain or gzipped). */
  public static ImageDataset read(String name, List<Path> files, Variant variant) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException(name + ": no CIFAR files given");
    }
    List<byte[]> contents = new ArrayList<>();
    long total = 0;
    int record = variant.recordSize();
    for (Path f : files) {
      byte[] b = DataFiles.readMaybeGzip(f).bytes();
      if (b.length == 0 || b.length % record != 0) {
        throw new DatasetException(f + ": length " + b.length
            + " is not a positive multiple of the " + variant + " record size " + record
            + " (wrong variant, truncated or trailing bytes?)");
      }
      contents.add(b);
      total += b.length / record;
    }
    if (total * IMAGE_BYTES > Integer.MAX_VALUE - 8) {
      throw new DatasetException(name + ": " + total + " images do not fit in one array");
    }
    int n = (int) total;
    byte[] pixels = new byte[n * IMAGE_BYTES];
    int[] labels = new int[n];
    int i = 0;
    for (int fi = 0; fi < files.size(); fi++) {
      byte[] b = contents.get(fi);
      for (int r = 0; r < b.length / record; r++, i++) {
        int at = r * record;
        int label = b[at + variant.labelOffset] & 0xff;
        if (label >= variant.numClasses) {
          throw new DatasetException(files.get(fi) + ": record " + r + " has label " + label
              + ", outside [0, " + variant.numClasses + ") for " + variant);
        }
        if (variant.labelBytes == 2) {
          // Check the label we drop too: a bad one means the file is not what it claims to be.
          int coarse = b[at] & 0xff;
          int fine = b[at + 1] & 0xff;
          if (coarse >= 20 || fine >= 100) {
            throw new DatasetException(files.get(fi) + ": record " + r + " has coarse label "
                + coarse + " (must be < 20) and fine label " + fine + " (must be < 100)");
          }
        }
        labels[i] = label;
        System.arraycopy(b, at + variant.labelBytes, pixels, i * IMAGE_BYTES, IMAGE_BYTES);
      }
    }
    return new ImageDataset(name, pixels, n, CHANNELS, SIDE, SIDE, labels, variant.numClasses);
  }
}
