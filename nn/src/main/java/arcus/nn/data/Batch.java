package arcus.nn.data;

/**
 * One mini-batch: {@code size} normalised samples in NCHW order and their labels. The arrays may
 * be longer than needed when a {@link Batcher} reuses buffers; only the first {@code size}
 * samples are meaningful.
 */
public record Batch(float[] x, int[] labels, int size, int c, int h, int w) {
  public int sampleSize() {
    return c * h * w;
  }
}
