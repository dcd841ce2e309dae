package arcus.nn.data;

/**
 * Training-time augmentation in the usual CIFAR recipe: a random crop of the image padded with
 * {@code pad} zero pixels on each side, then a horizontal flip with probability 1/2.
 */
public record Augment(int pad, boolean flip) {
  public static final Augment NONE = new Augment(0, false);
  public static final Augment CIFAR = new Augment(4, true);

  public Augment {
    if (pad < 0) {
      throw new IllegalArgumentException("augmentation padding must be >= 0, got " + pad);
    }
  }

  public boolean isNone() {
    return pad == 0 && !flip;
  }
}
