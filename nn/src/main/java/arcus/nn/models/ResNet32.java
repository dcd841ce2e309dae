package arcus.nn.models;

import arcus.nn.AngleFunction;
import arcus.nn.AngularConv2d;
import arcus.nn.BatchNorm;
import arcus.nn.Conv2d;
import arcus.nn.GlobalAvgPool;
import arcus.nn.Layer;
import arcus.nn.ReLU;
import arcus.nn.Residual;
import arcus.nn.Sequential;

/**
 * ResNet-32 for CIFAR (He et al. 2016, Section 4.2): 3×3 conv 16 → BN → ReLU, then three stages
 * of five basic blocks with 16, 32, 64 channels (the first block of stages 2 and 3 has stride 2
 * and a 1×1 conv + BN projection shortcut), global average pooling → 64-d features. With a
 * non-null {@code angle} every convolution is an {@link AngularConv2d} with that angle function
 * ([AngularNet]'s angular network; its angular classifier belongs to the loss head).
 */
public record ResNet32(AngleFunction angle) implements Model {
  public static final int FEATURE_DIM = 64;
  static final int BLOCKS_PER_STAGE = 5;

  public ResNet32() {
    this(null);
  }

  public boolean angular() {
    return angle != null;
  }

  @Override
  public String name() {
    return angular() ? "resnet32-angular" : "resnet32";
  }

  @Override
  public int featureDim() {
    return FEATURE_DIM;
  }

  @Override
  public int[] inputShape() {
    return new int[] {3, 32, 32};
  }

  @Override
  public Layer features() {
    Sequential.Builder b = Sequential.builder()
        .add("conv", angular() ? new AngularConv2d(3, 16, 3, 1, 1, angle) : new Conv2d(3, 16, 3, 1, 1, false))
        .add("bn", new BatchNorm(16))
        .add("relu", new ReLU());
    int in = 16;
    int[] widths = {16, 32, 64};
    for (int s = 0; s < widths.length; s++) {
      for (int i = 0; i < BLOCKS_PER_STAGE; i++) {
        int stride = s > 0 && i == 0 ? 2 : 1;
        b.add("stage" + (s + 1) + "_" + i, new Residual(in, widths[s], stride, angle));
        in = widths[s];
      }
    }
    return b.add("pool", new GlobalAvgPool()).build();
  }
}
