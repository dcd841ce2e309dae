package arcus.nn.models;

import arcus.nn.BatchNorm;
import arcus.nn.Flatten;
import arcus.nn.Layer;
import arcus.nn.Linear;
import arcus.nn.PReLU;
import arcus.nn.Sequential;

/**
 * The L-Softmax paper's CIFAR network: conv0 [3×3, 64]×1; conv1 [3×3, 64]×4; conv2 [3×3, 96]×4;
 * conv3 [3×3, 128]×4, each stage ending in a Caffe-style 2×2/2 max pool (32 → 16 → 8 → 4);
 * FC 2048 → featureDim (256). PReLU then BatchNorm after every conv and the FC. Input 3×32×32.
 */
public record LSoftmaxCifarNet(int featureDim) implements Model {
  public LSoftmaxCifarNet {
    if (featureDim < 1) throw new IllegalArgumentException("LSoftmaxCifarNet: featureDim must be >= 1, got " + featureDim);
  }

  public LSoftmaxCifarNet() {
    this(256);
  }

  @Override
  public String name() {
    return "lsoftmax-cifar";
  }

  @Override
  public int[] inputShape() {
    return new int[] {3, 32, 32};
  }

  @Override
  public Layer features() {
    Sequential.Builder b = Sequential.builder();
    Blocks.convUnit(b, "0", 3, 64);
    int c = Blocks.stage(b, 1, 64, 64, 4);
    c = Blocks.stage(b, 2, c, 96, 4);
    c = Blocks.stage(b, 3, c, 128, 4);
    int side = Blocks.ceilHalf(Blocks.ceilHalf(Blocks.ceilHalf(32)));
    return b.add("flatten", new Flatten())
        .add("fc", new Linear(c * side * side, featureDim, true))
        .add("prelu_fc", new PReLU(featureDim))
        .add("bn_fc", new BatchNorm(featureDim))
        .build();
  }
}
