package arcus.nn;

import arcus.core.DType;
import arcus.core.Fused;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * Parametric ReLU (He et al. 2015): y = max(0, x) + a_c · min(0, x) with a learned slope per
 * channel (axis 1 of [N, C] or [N, C, H, W]); {@code channels = 1} shares one slope. Parameter
 * {@code slope} [channels], initialised to {@code init}.
 */
public record PReLU(int channels, double init) implements Layer {
  public PReLU {
    Shapes.positive("PReLU", "channels", channels);
  }

  public PReLU(int channels) {
    this(channels, 0.25);
  }

  @Override
  public Params init(Rng rng, DType dtype) {
    return Params.of("slope", Init.constant(dtype, init, channels));
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    Shapes.requireRank(toString(), x, 2, 4);
    if (channels != 1) Shapes.requireDim(toString(), x, 1, channels, "channels");
    if (channels == x.dim(1)) return new Output(Fused.prelu(x, params.get("slope")), state);
    Tensor a = Shapes.channelView(params.get("slope"), x.rank());
    return new Output(x.relu().add(a.mul(x.minimum(0.0))), state);
  }

  @Override
  public String toString() {
    return "PReLU(" + channels + ")";
  }
}
