package arcus.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class BatcherProperties {
  /** Sample i has every pixel equal to i mod 256 and label i mod 10, to trace samples. */
  static ImageDataset tagged(int n, int c, int h, int w) {
    byte[] px = new byte[n * c * h * w];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      Arrays.fill(px, i * c * h * w, (i + 1) * c * h * w, (byte) i);
      labels[i] = i % 10;
    }
    return new ImageDataset("tagged", px, n, c, h, w, labels, 10);
  }

  @Property(tries = 50)
  void sameSeedSameOrderAndBatches(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 100) int epoch) {
    ImageDataset ds = tagged(n, 3, 4, 4);
    Batcher a = new Batcher(ds, 7, false, true, seed, Augment.CIFAR, Normalization.CIFAR10);
    Batcher b = new Batcher(ds, 7, false, true, seed, Augment.CIFAR, Normalization.CIFAR10);
    assertArrayEquals(a.order(epoch), b.order(epoch));
    Iterator<Batch> ia = a.epoch(epoch);
    Iterator<Batch> ib = b.epoch(epoch);
    while (ia.hasNext()) {
      Batch x = ia.next();
      Batch y = ib.next();
      assertArrayEquals(x.x(), y.x());
      assertArrayEquals(x.labels(), y.labels());
    }
    assertFalse(ib.hasNext());
  }

  @Property(tries = 50)
  void differentEpochsDiffer(@ForAll @IntRange(min = 20, max = 300) int n, @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 100) int epoch) {
    // 20! orderings: a collision would be a bug, not bad luck.
    Batcher b = new Batcher(tagged(n, 1, 1, 1), 5, false, true, seed, Augment.NONE,
        Normalization.identity(1));
    assertFalse(Arrays.equals(b.order(epoch), b.order(epoch + 1)));
  }

  @Property(tries = 50)
  void everyIndexOncePerEpoch(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll @IntRange(min = 1, max = 64) int batch, @ForAll boolean dropLast,
      @ForAll long seed) {
    ImageDataset ds = tagged(n, 1, 1, 1);
    Batcher b = new Batcher(ds, batch, dropLast, true, seed, Augment.NONE,
        Normalization.identity(1));
    int[] order = b.order(3);
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < n; i++) {
      assertEquals(i, sorted[i]);
    }
    List<Integer> seen = new ArrayList<>();
    int batches = 0;
    for (Iterator<Batch> it = b.epoch(3); it.hasNext(); batches++) {
      Batch bt = it.next();
      if (dropLast) {
        assertEquals(batch, bt.size());
      }
      for (int i = 0; i < bt.size(); i++) {
        int tag = Math.round(bt.x()[i] * 255f);
        seen.add(tag);
        assertEquals(order[seen.size() - 1] % 256, tag);
        assertEquals(ds.labels()[order[seen.size() - 1]], bt.labels()[i]);
      }
    }
    assertEquals(b.batchesPerEpoch(), batches);
    assertEquals(dropLast ? n - n % batch : n, seen.size());
  }

  @Property(tries = 100)
  void flipOnlyPermutesPixelsWithinRows(@ForAll @IntRange(min = 1, max = 6) int h,
      @ForAll @IntRange(min = 1, max = 6) int w, @ForAll long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    int c = 2;
    float[] img = new float[c * h * w];
    for (int i = 0; i < img.length; i++) {
      img[i] = r.nextInt(1000);
    }
    float[] x = img.clone();
    Batcher.cropFlip(x, 0, new float[img.length], c, h, w, 0, 0, true, new float[c]);
    for (int row = 0; row < c * h; row++) {
      float[] a = Arrays.copyOfRange(img, row * w, (row + 1) * w);
      float[] b = Arrays.copyOfRange(x, row * w, (row + 1) * w);
      for (int i = 0; i < w; i++) {
        assertEquals(a[i], b[w - 1 - i]);
      }
      Arrays.sort(a);
      Arrays.sort(b);
      assertArrayEquals(a, b);
    }
  }

  @Property(tries = 100)
  void cropShiftsAndPadsWithFill(@ForAll @IntRange(min = -4, max = 4) int dy,
      @ForAll @IntRange(min = -4, max = 4) int dx, @ForAll boolean flip) {
    int h = 6;
    int w = 5;
    float[] img = new float[h * w];
    for (int i = 0; i < img.length; i++) {
      img[i] = i + 1;
    }
    float[] x = img.clone();
    Batcher.cropFlip(x, 0, new float[img.length], 1, h, w, dy, dx, flip, new float[] {-7f});
    int inside = 0;
    for (int y = 0; y < h; y++) {
      for (int xx = 0; xx < w; xx++) {
        int sy = y + dy;
        int sx = (flip ? w - 1 - xx : xx) + dx;
        boolean in = sy >= 0 && sy < h && sx >= 0 && sx < w;
        assertEquals(in ? img[sy * w + sx] : -7f, x[y * w + xx]);
        inside += in ? 1 : 0;
      }
    }
    assertEquals((h - Math.abs(dy)) * Math.max(0, w - Math.abs(dx)), inside);
  }

  @Property(tries = 30)
  void augmentedPaddingIsBlackAfterNormalisation(@ForAll long seed) {
    // All-white images: any value other than white must be normalised black (the padding).
    ImageDataset ds = new ImageDataset("white", filled(4 * 3 * 8 * 8, (byte) 255), 4, 3, 8, 8,
        new int[4], 10);
    Normalization nm = Normalization.CIFAR10;
    Batch b = new Batcher(ds, 4, false, true, seed, Augment.CIFAR, nm).epoch(0).next();
    for (int i = 0; i < b.x().length; i++) {
      int ch = (i / 64) % 3;
      float white = (1 - nm.mean()[ch]) / nm.std()[ch];
      float black = -nm.mean()[ch] / nm.std()[ch];
      float v = b.x()[i];
      org.junit.jupiter.api.Assertions.assertTrue(
          Math.abs(v - white) < 1e-5 || Math.abs(v - black) < 1e-5, "value " + v);
    }
  }

  private static byte[] filled(int len, byte v) {
    byte[] b = new byte[len];
    Arrays.fill(b, v);
    return b;
  }
}
