package arcus.nn.models;

import arcus.nn.BatchNorm;
import arcus.nn.Conv2d;
import arcus.nn.MaxPool2d;
import arcus.nn.PReLU;
import arcus.nn.Sequential;

/** The L-Softmax networks' building pattern: 3×3 conv (stride 1, pad 1, bias) → PReLU → BatchNorm. */
final class Blocks {
  private Blocks() {}

  static void convUnit(Sequential.Builder b, String tag, int in, int out) {
    b.add("conv" + tag, new Conv2d(in, out, 3, 1, 1, true)).add("prelu" + tag, new PReLU(out)).add("bn" + tag, new BatchNorm(out));
  }

  /** Stage s: {@code repeats} conv units ending in a Caffe-style (ceil) 2×2/2 max pool; returns its output channels. */
  static int stage(Sequential.Builder b, int s, int in, int out, int repeats) {
    for (int r = 1; r <= repeats; r++) convUnit(b, s + "_" + r, r == 1 ? in : out, out);
    b.add("pool" + s, new MaxPool2d(2, 2, true));
    return out;
  }

  /**
   * Caffe LeNet-5's trunk: {@code conv1} (→ 20 channels, 5×5) → max-pool 2 → {@code conv2} (→ 50,
   * 5×5) → max-pool 2 → flatten; returns the flattened width for {@code inputSize}² inputs.
   */
  static int leNetTrunk(Sequential.Builder b, arcus.nn.Layer conv1, arcus.nn.Layer conv2, int inputSize) {
    b.add("conv1", conv1).add("pool1", new MaxPool2d(2, 2, true)).add("conv2", conv2).add("pool2", new MaxPool2d(2, 2, true))
        .add("flatten", new arcus.nn.Flatten());
    int s = ceilHalf(ceilHalf(inputSize - 4) - 4);
    return 50 * s * s;
  }

  static int ceilHalf(int n) {
    return (n + 1) / 2;
  }
}
