package arcus.nn.models;

import arcus.nn.Conv2d;
import arcus.nn.Layer;
import arcus.nn.Linear;
import arcus.nn.ReLU;
import arcus.nn.Sequential;

/**
 * LeNet-5, Caffe's version: conv 20@5×5 → max-pool 2 → conv 50@5×5 → max-pool 2 → FC featureDim
 * (500 by default) → ReLU. For 1×28×28 input the FC sees 50·4·4 = 800 values.
 */
public record LeNet(int inChannels, int inputSize, int featureDim) implements Model {
  public LeNet {
    if (inChannels < 1 || featureDim < 1) throw new IllegalArgumentException("LeNet: channels and featureDim must be >= 1, got " + inChannels + ", " + featureDim);
    if (inputSize < 12) throw new IllegalArgumentException("LeNet: input must be at least 12x12, got " + inputSize);
  }

  /** MNIST: 1×28×28 → 500. */
  public LeNet() {
    this(1, 28, 500);
  }

  @Override
  public String name() {
    return "lenet";
  }

  @Override
  public int[] inputShape() {
    return new int[] {inChannels, inputSize, inputSize};
  }

  @Override
  public Layer features() {
    Sequential.Builder b = Sequential.builder();
    int flat = Blocks.leNetTrunk(b, new Conv2d(inChannels, 20, 5, 1, 0, true), new Conv2d(20, 50, 5, 1, 0, true), inputSize);
    return b.add("fc", new Linear(flat, featureDim, true))
        .add("relu", new ReLU())
        .build();
  }
}
