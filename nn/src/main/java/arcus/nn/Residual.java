package arcus.nn;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * ResNet basic block (He et al. 2016): relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), with
 * 3×3 convolutions (the first with {@code stride}) and an identity shortcut, or a 1×1 convolution
 * plus batch norm when the stride or the channel count changes. With a non-null {@code angle}
 * every convolution, the shortcut's included, is an {@link AngularConv2d} ([AngularNet]); plain
 * convolutions have no bias since batch norm follows.
 *
 * <p>Children: {@code conv1, bn1, conv2, bn2} and, when projecting, {@code down.conv, down.bn}.
 */
public record Residual(int inC, int outC, int stride, AngleFunction angle) implements Layer {
  public Residual {
    Shapes.positive("Residual", "inC", inC);
    Shapes.positive("Residual", "outC", outC);
    Shapes.positive("Residual", "stride", stride);
  }

  public static Residual plain(int inC, int outC, int stride) {
    return new Residual(inC, outC, stride, null);
  }

  public static Residual angular(int inC, int outC, int stride, AngleFunction g) {
    if (g == null) throw new IllegalArgumentException("Residual.angular: angle function is null");
    return new Residual(inC, outC, stride, g);
  }

  public boolean projects() {
    return stride != 1 || inC != outC;
  }

  /** A convolution of this block's kind: angular when {@code angle} is set. */
  static Layer conv(int in, int out, int kernel, int stride, int padding, AngleFunction angle) {
    return angle == null ? new Conv2d(in, out, kernel, stride, padding, false) : new AngularConv2d(in, out, kernel, stride, padding, angle);
  }

  private Sequential body() {
    return Sequential.builder()
        .add("conv1", conv(inC, outC, 3, stride, 1, angle))
        .add("bn1", new BatchNorm(outC))
        .add("relu", new ReLU())
        .add("conv2", conv(outC, outC, 3, 1, 1, angle))
        .add("bn2", new BatchNorm(outC))
        .build();
  }

  private Sequential shortcut() {
    return Sequential.builder().add("conv", conv(inC, outC, 1, stride, 0, angle)).add("bn", new BatchNorm(outC)).build();
  }

  /** The body's children sit at the top level; the projection under "down". */
  private Sequential all() {
    Sequential b = body();
    var names = new java.util.ArrayList<>(b.names());
    var layers = new java.util.ArrayList<>(b.layers());
    if (projects()) {
      names.add("down");
      layers.add(shortcut());
    }
    return new Sequential(names, layers);
  }

  @Override
  public Params init(Rng rng, DType dtype) {
    return all().init(rng, dtype);
  }

  @Override
  public Params initState(DType dtype) {
    return all().initState(dtype);
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    Shapes.requireRank(toString(), x, 4);
    Shapes.requireDim(toString(), x, 1, inC, "channels");
    Output main = body().apply(params, state, x, mode, rng);
    Tensor shortcut = x;
    Params next = main.state();
    if (projects()) {
      Output s = shortcut().apply(params.sub("down"), state.sub("down"), x, mode, rng);
      shortcut = s.y();
      next = next.merge(s.state().prefixed("down"));
    }
    return new Output(main.y().add(shortcut).relu(), next);
  }

  @Override
  public String toString() {
    return "Residual(" + inC + "→" + outC + ", stride " + stride + (angle == null ? "" : ", " + angle.spec()) + ")";
  }
}
