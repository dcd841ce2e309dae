package arcus.nn;

import arcus.core.Tensor;
import java.util.Arrays;

/** Input checks shared by the layers, so every error names the layer, the problem and the shape. */
final class Shapes {
  private Shapes() {}

  static void requireRank(String layer, Tensor x, int... ranks) {
    for (int r : ranks) if (x.rank() == r) return;
    throw new IllegalArgumentException(layer + ": input must have rank " + join(ranks) + ", got shape " + x.shape());
  }

  static void requireDim(String layer, Tensor x, int axis, int expected, String what) {
    if (x.dim(axis) != expected)
      throw new IllegalArgumentException(layer + ": input has " + x.dim(axis) + " " + what + ", expected " + expected + ", shape " + x.shape());
  }

  static void positive(String layer, String name, int v) {
    if (v < 1) throw new IllegalArgumentException(layer + ": " + name + " must be >= 1, got " + v);
  }

  /** A per-channel vector [C] reshaped to broadcast against [N, C] or [N, C, H, W]. */
  static Tensor channelView(Tensor v, int rank) {
    int c = v.dim(0);
    return rank == 2 ? v.reshape(1, c) : v.reshape(1, c, 1, 1);
  }

  private static String join(int[] ranks) {
    String s = Arrays.toString(ranks);
    return ranks.length == 1 ? String.valueOf(ranks[0]) : s.substring(1, s.length() - 1).replace(", ", " or ");
  }
}
