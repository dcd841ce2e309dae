package arcus.nn;

import arcus.core.Params;
import arcus.core.Tensor;

/**
 * A loss head on top of a feature extractor: the scalar training loss of a batch of features
 * [N, d] with integer labels, given the head's own parameters (classifier weights and the like).
 * A plain functional interface, so the losses module plugs in without nn depending on it.
 */
@FunctionalInterface
public interface Head {
  Tensor loss(Params headParams, Tensor features, int[] labels);
}
