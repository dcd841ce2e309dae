package arcus.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ImageDatasetTest {
  static ImageDataset rgb() {
    // 3 samples, 3 channels, 1x2 pixels; labels 2, 0, 1.
    byte[] px = {0, (byte) 255, 51, 102, 10, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    return new ImageDataset("rgb", px, 3, 3, 1, 2, new int[] {2, 0, 1}, 3);
  }

  @Test
  void fillBatchNormalises() {
    ImageDataset ds = rgb();
    float[] out = new float[6];
    int[] lab = new int[1];
    float[] mean = {0.5f, 0.1f, 0.2f};
    float[] std = {0.25f, 0.5f, 2f};
    ds.fillBatch(new int[] {0}, out, lab, mean, std);
    double[] want = {
      (0 / 255.0 - 0.5) / 0.25, (255 / 255.0 - 0.5) / 0.25,
      (51 / 255.0 - 0.1) / 0.5, (102 / 255.0 - 0.1) / 0.5,
      (10 / 255.0 - 0.2) / 2, (20 / 255.0 - 0.2) / 2
    };
    for (int i = 0; i < 6; i++) {
      assertEquals(want[i], out[i], 1e-6, "element " + i);
    }
    assertEquals(2, lab[0]);
  }

  @Test
  void mnistConstant() {
    byte[] px = {(byte) 255};
    ImageDataset ds = new ImageDataset("one", px, 1, 1, 1, 1, new int[] {0}, 10);
    float[] out = new float[1];
    ds.fillBatch(new int[] {0}, out, new int[1], Normalization.MNIST);
    assertEquals((1 - 0.1307) / 0.3081, out[0], 1e-5);
  }

  @Test
  void subsetKeepsFirstClasses() {
    ImageDataset s = rgb().subset(2);
    assertEquals(2, s.n());
    assertEquals(2, s.numClasses());
    assertArrayEquals(new int[] {0, 1}, s.labels());
    assertEquals(7, s.pixels()[6]);
    assertEquals(1, s.pixels()[0]);
  }

  @Test
  void takeFirst() {
    ImageDataset t = rgb().take(2);
    assertEquals(2, t.n());
    assertArrayEquals(new int[] {2, 0}, t.labels());
    assertEquals(3, rgb().take(99).n());
  }

  @Test
  void rejectsInconsistentShapes() {
    assertThrows(IllegalArgumentException.class,
        () -> new ImageDataset("x", new byte[5], 1, 1, 2, 2, new int[] {0}, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new ImageDataset("x", new byte[4], 1, 1, 2, 2, new int[] {3}, 2));
    assertThrows(IndexOutOfBoundsException.class,
        () -> rgb().fillBatch(new int[] {3}, new float[6], new int[1], Normalization.CIFAR10));
  }
}
