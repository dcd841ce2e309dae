package arcus.nn.optim;

import arcus.core.Params;

/**
 * An optimizer's state: how many updates have been applied and its per-parameter slots as a
 * {@link Params} tree (e.g. {@code "momentum.<param>"}, {@code "m.<param>"}, {@code "v.<param>"}),
 * so a checkpoint can store it like the parameters themselves.
 */
public record OptState(long step, Params slots) {
  public OptState {
    if (step < 0) throw new IllegalArgumentException("OptState: step must be >= 0, got " + step);
    if (slots == null) throw new IllegalArgumentException("OptState: slots is null");
  }
}
