package arcus.nn.data;

import java.util.Arrays;

/**
 * Per-channel mean and standard deviation applied after scaling pixels to [0, 1]. The constants
 * are the customary ones computed on each training split, so results stay comparable with the
 * literature.
 */
public record Normalization(float[] mean, float[] std) {
  public static final Normalization MNIST = of(new float[] {0.1307f}, new float[] {0.3081f});
  public static final Normalization FASHION = of(new float[] {0.2860f}, new float[] {0.3530f});
  public static final Normalization CIFAR10 =
      of(new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});
  public static final Normalization CIFAR100 =
      of(new float[] {0.5071f, 0.4865f, 0.4409f}, new float[] {0.2673f, 0.2564f, 0.2762f});

  public Normalization {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException(
          "normalization needs one mean and one std per channel, got " + mean.length + " and "
              + std.length);
    }
    for (float s : std) {
      if (!(s > 0f)) {
        throw new IllegalArgumentException("normalization std must be > 0, got " + s);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  private static Normalization of(float[] mean, float[] std) {
    return new Normalization(mean, std);
  }

  /** No normalisation beyond /255, for the given channel count. */
  public static Normalization identity(int channels) {
    float[] m = new float[channels];
    float[] s = new float[channels];
    Arrays.fill(s, 1f);
    return new Normalization(m, s);
  }

  public int channels() {
    return mean.length;
  }

  // Accessors return copies: the constants are shared and must stay constant.
  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
  }
}
