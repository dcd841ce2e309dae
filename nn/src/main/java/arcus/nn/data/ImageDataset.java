package arcus.nn.data;

import java.util.Arrays;

/**
 * An in-memory image data set. Pixels stay unsigned bytes in NCHW order (a quarter of the memory
 * of floats; CIFAR-10 train is 150 MB as bytes) and are converted to normalised floats one batch
 * at a time by {@link #fillBatch}.
 *
 * @param name human-readable name, e.g. "mnist-train"; used in error messages
 * @param pixels u8 pixels, [n, channels, height, width]
 * @param labels one label per sample, each in [0, numClasses)
 */
public record ImageDataset(
    String name,
    byte[] pixels,
    int n,
    int channels,
    int height,
    int width,
    int[] labels,
    int numClasses) {

  public ImageDataset {
    if (n < 0 || channels <= 0 || height <= 0 || width <= 0 || numClasses <= 0) {
      throw new IllegalArgumentException(
          name + ": invalid shape n=" + n + " c=" + channels + " h=" + height + " w=" + width
              + " classes=" + numClasses);
    }
    if ((long) n * channels * height * width != pixels.length) {
      throw new IllegalArgumentException(
          name + ": " + pixels.length + " pixels do not match shape [" + n + ", " + channels + ", "
              + height + ", " + width + "]");
    }
    if (labels.length != n) {
      throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + n
          + " samples");
    }
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            name + ": label " + labels[i] + " at index " + i + " outside [0, " + numClasses + ")");
      }
    }
  }

  /** Floats per sample: channels * height * width. */
  public int sampleSize() {
    return channels * height * width;
  }

  /**
   * Writes samples {@code indices} into {@code out} as NCHW floats, {@code (p / 255 - mean[c]) /
   * std[c]}, and their labels into {@code labelsOut}. Both outputs must hold at least {@code
   * indices.length} samples; the caller owns them so a training loop can reuse its buffers.
   */
  public void fillBatch(int[] indices, float[] out, int[] labelsOut, float[] mean, float[] std) {
    int size = sampleSize();
    int plane = height * width;
    checkBatchArgs(indices, out, labelsOut, mean, std);
    for (int b = 0; b < indices.length; b++) {
      int src = indices[b] * size;
      int dst = b * size;
      for (int c = 0; c < channels; c++) {
        // Fold the two affine steps into one multiply-add per pixel.
        float scale = 1f / (255f * std[c]);
        float shift = -mean[c] / std[c];
        int o = c * plane;
        for (int p = 0; p < plane; p++) {
          out[dst + o + p] = (pixels[src + o + p] & 0xff) * scale + shift;
        }
      }
      labelsOut[b] = labels[indices[b]];
    }
  }

  public void fillBatch(int[] indices, float[] out, int[] labelsOut, Normalization norm) {
    fillBatch(indices, out, labelsOut, norm.mean(), norm.std());
  }

  void checkBatchArgs(int[] indices, float[] out, int[] labelsOut, float[] mean, float[] std) {
    if (mean.length != channels || std.length != channels) {
      throw new IllegalArgumentException(name + ": normalisation has " + mean.length + "/"
          + std.length + " channels, data set has " + channels);
    }
    if (out.length < (long) indices.length * sampleSize() || labelsOut.length < indices.length) {
      throw new IllegalArgumentException(name + ": output buffers too small for "
          + indices.length + " samples of " + sampleSize() + " floats");
    }
    for (int i : indices) {
      if (i < 0 || i >= n) {
        throw new IndexOutOfBoundsException(name + ": sample index " + i + " outside [0, " + n
            + ")");
      }
    }
  }

  /**
   * Only the samples whose label is below {@code k}, with {@code numClasses = k}. The paper's
   * experiments train on the first k classes of a data set.
   */
  public ImageDataset subset(int k) {
    if (k <= 0 || k > numClasses) {
      throw new IllegalArgumentException(
          name + ": cannot keep the first " + k + " of " + numClasses + " classes");
    }
    int size = sampleSize();
    int kept = 0;
    for (int l : labels) {
      if (l < k) {
        kept++;
      }
    }
    byte[] px = new byte[kept * size];
    int[] lab = new int[kept];
    int j = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] < k) {
        System.arraycopy(pixels, i * size, px, j * size, size);
        lab[j++] = labels[i];
      }
    }
    return new ImageDataset(name + "-first" + k, px, kept, channels, height, width, lab, k);
  }

  /** The first {@code count} samples (all of them if there are fewer). */
  public ImageDataset take(int count) {
    if (count < 0) {
      throw new IllegalArgumentException(name + ": cannot take " + count + " samples");
    }
    int m = Math.min(count, n);
    return new ImageDataset(name, Arrays.copyOf(pixels, m * sampleSize()), m, channels, height,
        width, Arrays.copyOf(labels, m), numClasses);
  }

  /** Samples per class, for sanity checks and reports. */
  public int[] classCounts() {
    int[] counts = new int[numClasses];
    for (int l : labels) {
      counts[l]++;
    }
    return counts;
  }

  @Override
  public String toString() {
    return "ImageDataset[" + name + ", n=" + n + ", " + channels + "x" + height + "x" + width
        + ", classes=" + numClasses + "]";
  }
}
