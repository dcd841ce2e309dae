package arcus.nn.models;

import arcus.nn.BatchNorm;
import arcus.nn.Flatten;
import arcus.nn.Layer;
import arcus.nn.Linear;
import arcus.nn.PReLU;
import arcus.nn.Sequential;

/**
 * The L-Softmax paper's MNIST network (Liu et al. 2016, Table 1): conv0 [3×3, 64]×1;
 * conv1..conv3 [3×3, 64]×3 each followed by a 2×2/2 max pool that rounds up as Caffe does
 * (28 → 14 → 7 → 4); FC 1024 → featureDim. Every conv and the FC are followed by PReLU (per
 * channel) then BatchNorm; convs have biases (PyTorch reference). With featureDim 256 the
 * extractor has 598,080 trainable parameters; the paper's ≈0.60 M also counts the 10-way
 * classifier (256·10 = 2,560 → 600,640), which here belongs to the loss head.
 */
public record LSoftmaxMnistNet(int featureDim) implements Model {
  public LSoftmaxMnistNet {
    if (featureDim < 1) throw new IllegalArgumentException("LSoftmaxMnistNet: featureDim must be >= 1, got " + featureDim);
  }

  public LSoftmaxMnistNet() {
    this(256);
  }

  @Override
  public String name() {
    return "lsoftmax-mnist";
  }

  @Override
  public int[] inputShape() {
    return new int[] {1, 28, 28};
  }

  @Override
  public Layer features() {
    Sequential.Builder b = Sequential.builder();
    Blocks.convUnit(b, "0", 1, 64);
    int c = Blocks.stage(b, 1, 64, 64, 3);
    c = Blocks.stage(b, 2, c, 64, 3);
    c = Blocks.stage(b, 3, c, 64, 3);
    int side = Blocks.ceilHalf(Blocks.ceilHalf(Blocks.ceilHalf(28)));
    return b.add("flatten", new Flatten())
        .add("fc", new Linear(c * side * side, featureDim, true))
        .add("prelu_fc", new PReLU(featureDim))
        .add("bn_fc", new BatchNorm(featureDim))
        .build();
  }
}
