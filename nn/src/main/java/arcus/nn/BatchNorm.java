package arcus.nn;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Fused;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * Batch normalisation over the channel axis of [N, C] or [N, C, H, W] input (Ioffe & Szegedy
 * 2015), with PyTorch's conventions: TRAIN normalises with the batch mean and the biased
 * variance, and moves the running statistics by {@code momentum} towards the batch mean and the
 * unbiased variance; EVAL normalises with the running statistics.
 *
 * <p>Parameters {@code gamma} (ones) and {@code beta} (zeros), [C]. State {@code runningMean}
 * (zeros) and {@code runningVar} (ones), [C]; the new state is computed from stop-gradient
 * values so it never keeps an autodiff graph alive across steps.
 */
public record BatchNorm(int features, double eps, double momentum) implements Layer {
  public BatchNorm {
    Shapes.positive("BatchNorm", "features", features);
    if (!(eps > 0)) throw new IllegalArgumentException("BatchNorm: eps must be > 0, got " + eps);
    if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("BatchNorm: momentum must be in [0, 1], got " + momentum);
  }

  public BatchNorm(int features) {
    this(features, 1e-5, 0.1);
  }

  @Override
  public Params init(Rng rng, DType dtype) {
    return Params.of("gamma", Init.constant(dtype, 1.0, features)).with("beta", Init.zeros(dtype, features));
  }

  @Override
  public Params initState(DType dtype) {
    return Params.of("runningMean", Init.zeros(dtype, features)).with("runningVar", Init.constant(dtype, 1.0, features));
  }

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    Shapes.requireRank(toString(), x, 2, 4);
    Shapes.requireDim(toString(), x, 1, features, "channels");
    Tensor runningMean = state.get("runningMean");
    Tensor runningVar = state.get("runningVar");
    if (mode == Mode.EVAL) {
      // one fused pass over x (two as a mul and an add: 7% of an evaluation forward pass)
      return new Output(Fused.batchNormEval(x, params.get("gamma"), params.get("beta"), runningMean, runningVar, eps), state);
    }
    long n = valuesPerChannel(x);
    // the fused kernel (first-order gradients; Fused.batchNormComposed is the twin for higher orders)
    return train(Fused.batchNorm(x, params.get("gamma"), params.get("beta"), eps), state, n);
  }

  /**
   * TRAIN mode over x = PReLU(z) with per-channel {@code slope}, as one fused op
   * ({@link Fused#preluBatchNorm}): the values, gradients and new state of a {@link PReLU} then
   * this layer, bit for bit, without storing x. {@link Sequential} takes it for such a pair.
   */
  Output trainAfterPrelu(Params params, Params state, Tensor z, Tensor slope) {
    Shapes.requireRank(toString(), z, 2, 4);
    Shapes.requireDim(toString(), z, 1, features, "channels");
    long n = valuesPerChannel(z);
    return train(Fused.preluBatchNorm(z, slope, params.get("gamma"), params.get("beta"), eps), state, n);
  }

  /**
   * EVAL mode over x = PReLU(z), as one pass when nothing is recorded
   * ({@link Fused#preluBatchNormEval}): a {@link PReLU} then this layer, bit for bit.
   */
  Output evalAfterPrelu(Params params, Params state, Tensor z, Tensor slope) {
    Shapes.requireRank(toString(), z, 2, 4);
    Shapes.requireDim(toString(), z, 1, features, "channels");
    return new Output(Fused.preluBatchNormEval(z, slope, params.get("gamma"), params.get("beta"), state.get("runningMean"),
        state.get("runningVar"), eps), state);
  }

  private long valuesPerChannel(Tensor x) {
    long n = x.size() / features;
    if (n < 2) throw new IllegalArgumentException(this + ": training needs more than one value per channel, shape " + x.shape());
    return n;
  }

  private Output train(Fused.BatchNormResult bn, Params state, long n) {
    Tensor runningMean = state.get("runningMean");
    Tensor runningVar = state.get("runningVar");
    Tensor y = bn.y();
    Tensor mean = bn.mean(), var = bn.var();
    Tensor batchMean = Autodiff.stopGradient(mean).reshape(features);
    Tensor unbiasedVar = Autodiff.stopGradient(var).reshape(features).mul((double) n / (n - 1));
    Params next = Params.of("runningMean", runningMean.mul(1 - momentum).add(batchMean.mul(momentum)))
        .with("runningVar", runningVar.mul(1 - momentum).add(unbiasedVar.mul(momentum)));
    return new Output(y, next.map(Autodiff::stopGradient));
  }

  @Override
  public String toString() {
    return "BatchNorm(" + features + ")";
  }
}
