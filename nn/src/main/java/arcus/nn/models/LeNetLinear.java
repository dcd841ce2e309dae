package arcus.nn.models;

import arcus.nn.AngleFunction;
import arcus.nn.AngularConv2d;
import arcus.nn.BatchNorm;
import arcus.nn.Conv2d;
import arcus.nn.Layer;
import arcus.nn.Linear;
import arcus.nn.ReLU;
import arcus.nn.Sequential;

/**
 * LeNet with a linear feature layer, for sweeps of the feature dimension: Caffe's LeNet-5 (conv
 * 20@5×5 → max-pool 2 → conv 50@5×5 → max-pool 2 → FC 500 → ReLU) followed by an FC layer of
 * {@code featureDim} units and a batch norm, with no non-linearity after them (batch norm is an
 * affine map per unit at test time). {@link LeNet} uses its ReLU'd 500-unit
 * layer as the features, so a narrow feature layer there is half dead (every unit clipped at 0
 * can only say "not this"); here the d features span all of R^d, as the simplex argument of
 * [W-Softmax] assumes, and the 500-unit hidden layer keeps the capacity in front of them the same
 * for every d. The batch norm is what lets it train at [W-Softmax]'s learning rate: without it
 * the two stacked linear maps in front of the classifier start with logits in the tens and
 * diverge at lr 0.01 (measured, docs/results.md). The feature layer is named {@code fc} (its
 * batch norm {@code bn_fc}), the hidden one {@code fc1}.
 *
 * <p>With a non-null {@code angle} ({@code lenet-linear-angular}) both convolutions are {@link
 * AngularConv2d}s with that angle function (no bias): [AngularNet]'s angular convolution on the
 * same network, so a plain/angular comparison changes nothing else.
 */
public record LeNetLinear(int inChannels, int inputSize, int featureDim, AngleFunction angle) implements Model {
  /** The hidden layer's width (Caffe LeNet's ip1). */
  public static final int HIDDEN = 500;

  public LeNetLinear(int inChannels, int inputSize, int featureDim) {
    this(inChannels, inputSize, featureDim, null);
  }

  public LeNetLinear {
    if (inChannels < 1 || featureDim < 1) throw new IllegalArgumentException("lenet-linear: channels and featureDim must be >= 1, got " + inChannels + ", " + featureDim);
    if (inputSize < 12) throw new IllegalArgumentException("lenet-linear: input must be at least 12x12, got " + inputSize);
  }

  @Override
  public String name() {
    return angle == null ? "lenet-linear" : "lenet-linear-angular";
  }

  @Override
  public int[] inputShape() {
    return new int[] {inChannels, inputSize, inputSize};
  }

  @Override
  public Layer features() {
    Sequential.Builder b = Sequential.builder();
    int flat = Blocks.leNetTrunk(b, conv(inChannels, 20), conv(20, 50), inputSize);
    return b.add("fc1", new Linear(flat, HIDDEN, true))
        .add("relu1", new ReLU())
        .add("fc", new Linear(HIDDEN, featureDim, true))
        .add("bn_fc", new BatchNorm(featureDim))
        .build();
  }

  private Layer conv(int in, int out) {
    return angle == null ? new Conv2d(in, out, 5, 1, 0, true) : new AngularConv2d(in, out, 5, 1, 0, angle);
  }
}
