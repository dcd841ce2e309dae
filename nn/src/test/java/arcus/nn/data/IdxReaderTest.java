package arcus.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
  @TempDir Path dir;

  private static final byte[] LABELS = {3, 1, 4, 1, 5};

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void readsImagesAndLabelsPlainOrGzip(boolean gz) {
    byte[] px = TestFiles.pixels(5, 6);
    byte[] im = TestFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {5, 2, 3}, px);
    byte[] lb = TestFiles.idx(IdxReader.LABELS_MAGIC, new int[] {5}, LABELS);
    // Deliberately no ".gz" suffix: detection must use the magic bytes.
    Path images = TestFiles.write(dir.resolve("im"), gz ? TestFiles.gzip(im) : im);
    Path labels = TestFiles.write(dir.resolve("lb"), gz ? TestFiles.gzip(lb) : lb);
    ImageDataset ds = IdxReader.read("t", images, labels, 10);
    assertEquals(5, ds.n());
    assertEquals(1, ds.channels());
    assertEquals(2, ds.height());
    assertEquals(3, ds.width());
    assertArrayEquals(px, ds.pixels());
    assertArrayEquals(new int[] {3, 1, 4, 1, 5}, ds.labels());
  }

  @Test
  void wrongMagic() {
    Path f = TestFiles.write(dir.resolve("bad-magic"),
        TestFiles.idx(0x00000903, new int[] {1, 1, 1}, new byte[1]));
    var e = assertThrows(DatasetException.class, () -> IdxReader.readImages(f));
    assertMessage(e, "bad-magic", "magic");
  }

  @Test
  void labelsFileGivenAsImages() {
    Path f = TestFiles.write(dir.resolve("labels-as-images"),
        TestFiles.idx(IdxReader.LABELS_MAGIC, new int[] {5}, LABELS));
    var e = assertThrows(DatasetException.class, () -> IdxReader.readImages(f));
    assertMessage(e, "labels-as-images", "3 dimension");
  }

  @Test
  void truncated() {
    byte[] full = TestFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[8]);
    Path f = TestFiles.write(dir.resolve("short"), Arrays.copyOf(full, full.length - 3));
    var e = assertThrows(DatasetException.class, () -> IdxReader.readImages(f));
    assertMessage(e, "short", "truncated", "24", "21");
  }

  @Test
  void truncatedGzip() {
    byte[] full = TestFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[8]);
    Path f = TestFiles.write(dir.resolve("short.gz"),
        TestFiles.gzip(Arrays.copyOf(full, full.length - 1)));
    var e = assertThrows(DatasetException.class, () -> IdxReader.readImages(f));
    assertMessage(e, "short.gz", "truncated", "decompressed");
  }

  @Test
  void cutGzipStream() {
    byte[] gz = TestFiles.gzip(TestFiles.idx(IdxReader.LABELS_MAGIC, new int[] {5}, LABELS));
    Path f = TestFiles.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
    var e = assertThrows(DatasetException.class, () -> IdxReader.readLabels(f, 10));
    assertMessage(e, "cut.gz", "gzip");
  }

  @Test
  void trailingBytes() {
    byte[] full = TestFiles.idx(IdxReader.LABELS_MAGIC, new int[] {5}, LABELS);
    Path f = TestFiles.write(dir.resolve("long"), Arrays.copyOf(full, full.length + 2));
    var e = assertThrows(DatasetException.class, () -> IdxReader.readLabels(f, 10));
    assertMessage(e, "long", "trailing", "13", "15");
  }

  @Test
  void headerTooShort() {
    Path f = TestFiles.write(dir.resolve("tiny"), new byte[] {0, 0, 8, 3, 0, 0});
    var e = assertThrows(DatasetException.class, () -> IdxReader.readImages(f));
    assertMessage(e, "tiny", "truncated header");
  }

  @Test
  void badLabel() {
    Path f = TestFiles.write(dir.resolve("lab"),
        TestFiles.idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {1, 10, 2}));
    var e = assertThrows(DatasetException.class, () -> IdxReader.readLabels(f, 10));
    assertMessage(e, "lab", "label 10", "index 1");
  }

  @Test
  void countMismatch() {
    Path images = TestFiles.write(dir.resolve("im"), TestFiles.idx(IdxReader.IMAGES_MAGIC,
        new int[] {4, 1, 1}, new byte[4]));
    Path labels = TestFiles.write(dir.resolve("lb"),
        TestFiles.idx(IdxReader.LABELS_MAGIC, new int[] {5}, LABELS));
    var e = assertThrows(DatasetException.class, () -> IdxReader.read("t", images, labels, 10));
    assertMessage(e, "lb", "5 labels", "4 images");
  }

  @Test
  void missingFile() {
    var e = assertThrows(DatasetException.class,
        () -> IdxReader.readImages(dir.resolve("nope")));
    assertMessage(e, "nope", "not found");
  }

  static void assertMessage(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' lacks '" + p + "'");
    }
  }
}
