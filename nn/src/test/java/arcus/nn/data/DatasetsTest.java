package arcus.nn.data;

import static arcus.nn.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir Path dir;

  @Test
  void loadsMnistLayoutWithGzipSiblings() {
    byte[] lb = TestFiles.idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {7, 3});
    byte[] im = TestFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {2, 28, 28}, new byte[2 * 784]);
    TestFiles.write(dir.resolve("mnist/t10k-images-idx3-ubyte.gz"), TestFiles.gzip(im));
    TestFiles.write(dir.resolve("mnist/t10k-labels-idx1-ubyte"), lb);
    ImageDataset ds = Datasets.load("mnist", dir, false);
    assertEquals("mnist-test", ds.name());
    assertEquals(2, ds.n());
    assertEquals(28, ds.width());
  }

  @Test
  void missingFilesSayHowToFetch() {
    var e = assertThrows(DatasetException.class, () -> Datasets.load("fashion", dir, true));
    assertMessage(e, "fashion", "train-images-idx3-ubyte", "bin/fetch-data fashion");
    var e2 = assertThrows(DatasetException.class, () -> Datasets.load("cifar10", dir, true));
    assertMessage(e2, "cifar-10-batches-bin", "data_batch_1.bin", "bin/fetch-data cifar10");
  }

  @Test
  void loadsCifar100Layout() {
    TestFiles.write(dir.resolve("cifar-100-binary/test.bin"),
        TestFiles.cifar(new int[] {3}, new int[] {42}, new byte[3072]));
    assertEquals(42, Datasets.load("cifar100", dir, false).labels()[0]);
    assertEquals(3, Datasets.load("cifar100-coarse", dir, false).labels()[0]);
  }

  @Test
  void unknownName() {
    var e = assertThrows(IllegalArgumentException.class, () -> Datasets.load("imagenet", dir,
        true));
    assertMessage(e, "imagenet", "cifar10");
  }
}
