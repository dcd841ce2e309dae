package arcus.losses;

import arcus.core.Params;
import arcus.core.Tensor;

/** A loss without a training-time margin: its training logits are its test scores. */
public sealed interface Unmargined extends MarginLoss permits Softmax, L2Softmax, PureAngular, Hinge {
  @Override
  default Tensor logits(Tensor x, Params p, int[] labels) {
    return scores(x, p);
  }
}
