package arcus.nn;

import arcus.core.Autodiff;
import arcus.core.Backend;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.nn.optim.OptState;
import arcus.nn.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;

/**
 * One optimisation step of a feature model plus a loss head, as a pure function of
 * {@link State}. Parameters are one tree: the model's under {@code "model."}, the head's under
 * {@code "head."}, so one optimizer state covers both and a checkpoint stores one tree.
 */
public record TrainStep(Layer model, Head head, Optimizer optimizer) {
  /** Everything a training loop carries between steps. */
  public record State(Params params, Params modelState, OptState optState) {
    public Params modelParams() {
      return params.sub("model");
    }

    public Params headParams() {
      return params.sub("head");
    }

    /** The same state with every tensor (parameters, model state, optimiser slots) on backend {@code b}. */
    public State to(Backend b) {
      return new State(params.map(t -> t.to(b)), modelState.map(t -> t.to(b)), new OptState(optState.step(), optState.slots().map(t -> t.to(b))));
    }
  }

  public record Result(double loss, State state) {}

  /** Fresh model parameters and state, the given head parameters, and a fresh optimizer state. */
  public State init(Rng rng, DType dtype, Params headParams) {
    Params params = model.init(rng, dtype).prefixed("model").merge(headParams.prefixed("head"));
    return new State(params, model.initState(dtype), optimizer.init(params));
  }

  /** Runs the model in TRAIN mode on x, the head on its features, and one optimizer update. */
  public Result step(State s, Tensor x, int[] labels, double lr, Rng rng) {
    if (x.dim(0) != labels.length)
      throw new IllegalArgumentException("TrainStep: " + labels.length + " labels for a batch of " + x.dim(0) + ", shape " + x.shape());
    var r = Autodiff.valueAndGradAux(p -> {
      Output o = model.apply(p.sub("model"), s.modelState(), x, Mode.TRAIN, rng);
      Tensor loss = head.loss(p.sub("head"), o.y(), labels);
      return new Autodiff.WithAux<>(loss, o.state().map(Autodiff::stopGradient));
    }, s.params());
    Optimizer.Update u = optimizer.update(r.grad(), s.optState(), s.params(), lr);
    arcus.core.StepClock.mark(arcus.core.StepClock.Phase.UPDATE);
    return new Result(r.value().item(), new State(u.params(), r.aux(), u.state()));
  }

  /** Features [N, d] of x in EVAL mode, computed {@code batchSize} rows at a time. */
  public static Tensor features(Layer model, Params modelParams, Params modelState, Tensor x, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("features: batch size must be >= 1, got " + batchSize);
    int n = x.dim(0);
    List<Tensor> parts = new ArrayList<>();
    for (int start = 0; start < n; start += batchSize) {
      Tensor batch = x.slice(0, start, Math.min(n, start + batchSize));
      parts.add(model.forward(modelParams, modelState, batch));
    }
    if (parts.isEmpty()) throw new IllegalArgumentException("features: empty input, shape " + x.shape());
    return parts.size() == 1 ? parts.get(0) : Tensor.concat(0, parts);
  }
}
