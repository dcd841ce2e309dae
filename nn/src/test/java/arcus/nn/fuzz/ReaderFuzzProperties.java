package arcus.nn.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.nn.data.CifarReader;
import arcus.nn.data.DatasetException;
import arcus.nn.data.IdxReader;
import arcus.nn.data.ImageDataset;
import arcus.nn.data.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzing of the IDX and CIFAR readers (docs/robustness.md): every mutated or random file is read
 * within {@link Within#LIMIT} into a consistent data set or refused with a {@link DatasetException}.
 * {@code -Darcus.fuzz.tries=10000} runs the full count.
 */
@AddLifecycleHook(FuzzTries.class)
class ReaderFuzzProperties {
  private static final Path DIR = Within.tempDir("arcus-fuzz-readers");

  /** An IDX file with a patterned body of {@code dataBytes} bytes. */
  static byte[] idx(int magic, int[] dims, int dataBytes) {
    byte[] data = new byte[dataBytes];
    for (int i = 0; i < dataBytes; i++) data[i] = (byte) (i * 7);
    return TestFiles.idx(magic, dims, data);
  }

  private static final byte[] IMAGES = idx(IdxReader.IMAGES_MAGIC, new int[] {3, 4, 5}, 60);
  private static final byte[] LABELS = idx(IdxReader.LABELS_MAGIC, new int[] {3}, 3);

  static {
    LABELS[8] = 0;
    LABELS[9] = 9;
    LABELS[10] = 4;
  }

  @Provide
  Arbitrary<byte[]> idxFiles() {
    // plain and gzipped seeds; the gzipped ones mostly test the stream's own checks
    return Mutations.of(List.of(IMAGES, LABELS, TestFiles.gzip(IMAGES), TestFiles.gzip(LABELS), idx(IdxReader.IMAGES_MAGIC, new int[] {1, 1, 1}, 1)), 16);
  }

  @Provide
  Arbitrary<byte[]> cifarFiles() {
    byte[] two = new byte[2 * 3073], hundred = new byte[2 * 3074];
    for (int i = 0; i < two.length; i++) two[i] = (byte) (i % 3073 == 0 ? 7 : i);
    for (int i = 0; i < hundred.length; i++) hundred[i] = (byte) (i % 3074 == 0 ? 19 : i % 3074 == 1 ? 99 : i);
    return Mutations.of(List.of(two, hundred, TestFiles.gzip(two)), 8);
  }

  private static Path write(String name, byte[] b) throws IOException {
    return Files.write(DIR.resolve(name), b);
  }

  @Property(tries = 300)
  void idxImagesAreReadConsistentlyOrRefused(@ForAll("idxFiles") byte[] file, @ForAll("idxFiles") byte[] labels) throws IOException {
    Path f = write("images", file), l = write("labels", labels);
    IdxReader.Images im = Within.valueOrDocumented(() -> IdxReader.readImages(f), List.of(DatasetException.class));
    if (im != null) assertEquals((long) im.n() * im.rows() * im.cols(), im.pixels().length);
    int[] lab = Within.valueOrDocumented(() -> IdxReader.readLabels(l, 10), List.of(DatasetException.class));
    if (lab != null) for (int y : lab) assertTrue(y >= 0 && y < 10);
    ImageDataset ds = Within.valueOrDocumented(() -> IdxReader.read("fuzz", f, l, 10), List.of(DatasetException.class));
    if (ds != null) assertEquals(im.n(), ds.n());
    net.jqwik.api.statistics.Statistics.collect(im == null ? "images refused" : "images read", lab == null ? "labels refused" : "labels read");
  }

  @Property(tries = 300)
  void cifarFilesAreReadConsistentlyOrRefused(@ForAll("cifarFiles") byte[] a, @ForAll("cifarFiles") byte[] b) throws IOException {
    Path fa = write("cifar-a", a), fb = write("cifar-b", b);
    for (CifarReader.Variant v : CifarReader.Variant.values()) {
      ImageDataset ds = Within.valueOrDocumented(() -> CifarReader.read("fuzz", List.of(fa, fb), v), List.of(DatasetException.class));
      net.jqwik.api.statistics.Statistics.label(v.name()).collect(ds == null ? "refused" : "read");
      if (ds != null) {
        assertEquals(v.numClasses(), ds.numClasses());
        assertTrue(ds.n() > 0);
      }
    }
  }

  /** Issue 11: an IDX header claiming 2^31 images is refused before allocation, naming declared and actual size. */
  @org.junit.jupiter.api.Test
  void anIdxHeaderDeclaring2To31ImagesIsRefusedWithBothSizes() throws IOException {
    byte[] b = idx(IdxReader.IMAGES_MAGIC, new int[] {Integer.MIN_VALUE, 28, 28}, 100);
    Path f = write("huge", b);
    var e = org.junit.jupiter.api.Assertions.assertThrows(DatasetException.class, () -> IdxReader.readImages(f));
    assertTrue(e.getMessage().contains("2147483648") && e.getMessage().contains("file has 116 bytes"), e.getMessage());
  }

  /** Found by the 10,000-case run: no images, but rows × cols over 2^31 made readImages overflow (ArithmeticException). */
  @org.junit.jupiter.api.Test
  void noImagesOfAnImpossibleSizeAreRefused() throws IOException {
    Path f = write("empty-huge", new byte[] {0, 0, 8, 3, 0, 0, 0, 0, -128, -1, -1, -1, -1, 0, 0, 1});
    var e = org.junit.jupiter.api.Assertions.assertThrows(DatasetException.class, () -> IdxReader.readImages(f));
    assertTrue(e.getMessage().contains("header declares size 2164260863 for dimension 1") && e.getMessage().contains("file has 16 bytes"), e.getMessage());
  }
}
