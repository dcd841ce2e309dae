package arcus.nn.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Cuts a data set into mini-batches, epoch by epoch.
 *
 * <p>Reproducibility: epoch {@code e} uses one {@link SplittableRandom} seeded with {@link
 * #epochSeed(long, int) epochSeed(seed, e)}. It first shuffles the indices (Fisher-Yates), then
 * draws, batch after batch and sample after sample, the crop offsets and flip of the
 * augmentation. Hence the same (seed, epoch) gives the same order and the same augmentations on
 * every run and machine, and an epoch can be replayed alone, e.g. after resuming from a
 * checkpoint, without replaying the epochs before it.
 */
public final class Batcher {
  private final ImageDataset data;
  private final int batchSize;
  private final boolean dropLast;
  private final boolean shuffle;
  private final long seed;
  private final Augment augment;
  private final Normalization norm;

  /**
   * @param dropLast drop the last batch when it has fewer than {@code batchSize} samples
   * @param shuffle if false, samples come in data set order (and augmentation is still seeded)
   */
  public Batcher(ImageDataset data, int batchSize, boolean dropLast, boolean shuffle, long seed,
      Augment augment, Normalization norm) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException(data.name() + ": batch size must be > 0, got "
          + batchSize);
    }
    if (norm.channels() != data.channels()) {
      throw new IllegalArgumentException(data.name() + ": normalisation has " + norm.channels()
          + " channels, data set has " + data.channels());
    }
    this.data = data;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.shuffle = shuffle;
    this.seed = seed;
    this.augment = augment;
    this.norm = norm;
  }

  /** Evaluation batches: data set order, no augmentation, last partial batch kept. */
  public static Batcher inOrder(ImageDataset data, int batchSize, Normalization norm) {
    return new Batcher(data, batchSize, false, false, 0, Augment.NONE, norm);
  }

  /** Number of batches per epoch. */
  public int batchesPerEpoch() {
    return dropLast ? data.n() / batchSize : (data.n() + batchSize - 1) / batchSize;
  }

  public ImageDataset data() {
    return data;
  }

  /** The seed of epoch {@code epoch}'s generator: SplitMix64 finaliser of seed and epoch. */
  public static long epochSeed(long seed, int epoch) {
    long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The sample order of an epoch (a permutation of 0..n-1). */
  public int[] order(int epoch) {
    return order(new SplittableRandom(epochSeed(seed, epoch)));
  }

  private int[] order(SplittableRandom rng) {
    int[] idx = new int[data.n()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    if (shuffle) {
      for (int i = idx.length - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
      }
    }
    return idx;
  }

  /**
   * The batches of one epoch. Each batch has fresh arrays, so a consumer may keep them (e.g. a
   * prefetching thread); the iterator itself must be used from one thread.
   */
  public Iterator<Batch> epoch(int epoch) {
    SplittableRandom rng = new SplittableRandom(epochSeed(seed, epoch));
    int[] idx = order(rng);
    int batches = batchesPerEpoch();
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < batches;
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException(data.name() + ": epoch " + epoch + " has only "
              + batches + " batches");
        }
        int from = next++ * batchSize;
        int size = Math.min(batchSize, idx.length - from);
        int[] pick = new int[size];
        System.arraycopy(idx, from, pick, 0, size);
        return makeBatch(pick, rng);
      }
    };
  }

  private Batch makeBatch(int[] pick, SplittableRandom rng) {
    int c = data.channels();
    int h = data.height();
    int w = data.width();
    float[] x = new float[pick.length * c * h * w];
    int[] labels = new int[pick.length];
    data.fillBatch(pick, x, labels, norm);
    if (!augment.isNone()) {
      float[] scratch = new float[c * h * w];
      float[] fill = new float[c];
      float[] mean = norm.mean();
      float[] std = norm.std();
      for (int ch = 0; ch < c; ch++) {
        // Padding is black in pixel space, as in torchvision's RandomCrop before Normalize.
        fill[ch] = -mean[ch] / std[ch];
      }
      for (int b = 0; b < pick.length; b++) {
        int dy = augment.pad() == 0 ? 0 : rng.nextInt(2 * augment.pad() + 1) - augment.pad();
        int dx = augment.pad() == 0 ? 0 : rng.nextInt(2 * augment.pad() + 1) - augment.pad();
        boolean flip = augment.flip() && rng.nextBoolean();
        cropFlip(x, b * c * h * w, scratch, c, h, w, dy, dx, flip, fill);
      }
    }
    return new Batch(x, labels, pick.length, c, h, w);
  }

  /**
   * In place: output pixel (y, x) takes input pixel (y + dy, x' + dx), where x' is x mirrored when
   * flipping, or {@code fill[c]} where that falls outside the image. This equals padding by
   * |d| and cropping at offset pad + d.
   */
  static void cropFlip(float[] x, int off, float[] scratch, int c, int h, int w, int dy, int dx,
      boolean flip, float[] fill) {
    System.arraycopy(x, off, scratch, 0, c * h * w);
    for (int ch = 0; ch < c; ch++) {
      int plane = ch * h * w;
      for (int y = 0; y < h; y++) {
        int sy = y + dy;
        for (int xx = 0; xx < w; xx++) {
          int sx = (flip ? w - 1 - xx : xx) + dx;
          x[off + plane + y * w + xx] =
              sy < 0 || sy >= h || sx < 0 || sx >= w ? fill[ch] : scratch[plane + sy * w + sx];
        }
      }
    }
  }
}
