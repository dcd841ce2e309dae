package arcus.nn.data;

import static arcus.nn.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
  @TempDir Path dir;

  @Test
  void cifar10ConcatenatesFilesInOrder() {
    byte[] px = TestFiles.pixels(3, 3072);
    Path a = TestFiles.write(dir.resolve("data_batch_1.bin"),
        TestFiles.cifar(null, new int[] {9, 0}, Arrays.copyOf(px, 2 * 3072)));
    Path b = TestFiles.write(dir.resolve("data_batch_2.bin"), TestFiles.gzip(
        TestFiles.cifar(null, new int[] {4}, Arrays.copyOfRange(px, 2 * 3072, 3 * 3072))));
    ImageDataset ds = CifarReader.read("c10", List.of(a, b), CifarReader.Variant.CIFAR10);
    assertEquals(3, ds.n());
    assertEquals(3, ds.channels());
    assertEquals(32, ds.height());
    assertArrayEquals(new int[] {9, 0, 4}, ds.labels());
    assertArrayEquals(px, ds.pixels());
    assertEquals(10, ds.numClasses());
  }

  @Test
  void cifar100FineOrCoarse() {
    byte[] rec = TestFiles.cifar(new int[] {19, 2}, new int[] {99, 7}, TestFiles.pixels(2, 3072));
    Path f = TestFiles.write(dir.resolve("train.bin"), rec);
    ImageDataset fine = CifarReader.read("f", List.of(f), CifarReader.Variant.CIFAR100_FINE);
    ImageDataset coarse = CifarReader.read("c", List.of(f), CifarReader.Variant.CIFAR100_COARSE);
    assertArrayEquals(new int[] {99, 7}, fine.labels());
    assertArrayEquals(new int[] {19, 2}, coarse.labels());
    assertEquals(100, fine.numClasses());
    assertEquals(20, coarse.numClasses());
    assertArrayEquals(fine.pixels(), coarse.pixels());
  }

  @Test
  void lengthNotMultipleOfRecord() {
    byte[] rec = TestFiles.cifar(null, new int[] {1, 2}, TestFiles.pixels(2, 3072));
    Path f = TestFiles.write(dir.resolve("test_batch.bin"), Arrays.copyOf(rec, rec.length - 1));
    var e = assertThrows(DatasetException.class,
        () -> CifarReader.read("c10", List.of(f), CifarReader.Variant.CIFAR10));
    assertMessage(e, "test_batch.bin", String.valueOf(rec.length - 1), "3073");
  }

  @Test
  void badLabels() {
    Path f10 = TestFiles.write(dir.resolve("b10.bin"),
        TestFiles.cifar(null, new int[] {1, 10}, TestFiles.pixels(2, 3072)));
    var e = assertThrows(DatasetException.class,
        () -> CifarReader.read("c10", List.of(f10), CifarReader.Variant.CIFAR10));
    assertMessage(e, "b10.bin", "record 1", "label 10");

    Path f100 = TestFiles.write(dir.resolve("b100.bin"),
        TestFiles.cifar(new int[] {20}, new int[] {5}, TestFiles.pixels(1, 3072)));
    var e2 = assertThrows(DatasetException.class,
        () -> CifarReader.read("c100", List.of(f100), CifarReader.Variant.CIFAR100_FINE));
    assertMessage(e2, "b100.bin", "coarse label 20");
  }
}
