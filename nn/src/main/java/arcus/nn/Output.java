package arcus.nn;

import arcus.core.Params;
import arcus.core.Tensor;

/**
 * What {@link Layer#apply} returns: the output and the layer's new non-trainable state (the
 * input state unchanged for stateless layers, or in {@link Mode#EVAL}).
 */
public record Output(Tensor y, Params state) {}
