package arcus.nn;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Layers applied in order. Child i's parameters and state live under the prefix
 * {@code names.get(i) + "."}, so a weight reads e.g. {@code "3.weight"} or, with given names,
 * {@code "conv1.weight"}. Each child gets its own rng split off the one passed in, in order, so
 * results depend only on the seed.
 */
public record Sequential(List<String> names, List<Layer> layers) implements Layer {
  public Sequential {
    names = List.copyOf(names);
    layers = List.copyOf(layers);
    if (names.size() != layers.size())
      throw new IllegalArgumentException("Sequential: " + names.size() + " names for " + layers.size() + " layers");
    var seen = new HashSet<String>();
    for (String n : names) {
      if (n.isEmpty() || n.contains(".")) throw new IllegalArgumentException("Sequential: child name '" + n + "' must be non-empty and contain no '.'");
      if (!seen.add(n)) throw new IllegalArgumentException("Sequential: duplicate child name '" + n + "'");
    }
  }

  /** Children named "0", "1", .... */
  public Sequential(List<Layer> layers) {
    this(indexNames(layers.size()), layers);
  }

  public static Sequential of(Layer... layers) {
    return new Sequential(List.of(layers));
  }

  /** Builds a Sequential with explicit names, added in order. */
  public static final class Builder {
    private final List<String> names = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();

    public Builder add(String name, Layer layer) {
      names.add(name);
      layers.add(layer);
      return this;
    }

    public Sequential build() {
      return new Sequential(names, layers);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  private static List<String> indexNames(int n) {
    List<String> r = new ArrayList<>(n);
    for (int i = 0; i < n; i++) r.add(Integer.toString(i));
    return r;
  }

  @Override
  public Params init(Rng rng, DType dtype) {
    Params p = Params.empty();
    for (int i = 0; i < layers.size(); i++) p = p.merge(layers.get(i).init(rng.split(), dtype).prefixed(names.get(i)));
    return p;
  }

  @Override
  public Params initState(DType dtype) {
    Params s = Params.empty();
    for (int i = 0; i < layers.size(); i++) s = s.merge(layers.get(i).initState(dtype).prefixed(names.get(i)));
    return s;
  }

  /**
   * Whether a per-channel {@link PReLU} followed by a {@link BatchNorm} runs as one fused op
   * (same bits, fewer passes over the activation: {@link BatchNorm#trainAfterPrelu}, and in EVAL
   * mode {@link BatchNorm#evalAfterPrelu}). Not final
   * so that a test can compare both ways in one JVM.
   */
  static boolean fusePreluBatchNorm = true;

  /** Whether activations between two library layers are released once read (below); a switch for measurements and tests. */
  static boolean releaseActivations = true;

  @Override
  public Output apply(Params params, Params state, Tensor x, Mode mode, Rng rng) {
    Tensor y = x;
    // whether y was returned by one of this container's own library layers, so that only this
    // loop refers to it (x, the caller's, never is)
    boolean yInternal = false;
    Params next = Params.empty();
    for (int i = 0; i < layers.size(); i++) {
      String name = names.get(i);
      Layer consumer = layers.get(i);
      Output o;
      try {
        if (fusePreluBatchNorm && i + 1 < layers.size() && layers.get(i) instanceof PReLU p
            && layers.get(i + 1) instanceof BatchNorm bn && fuses(p, bn, y)) {
          // PReLU's rng split, then batch norm's (neither uses it; later layers' splits stay the same)
          if (rng != null) rng.split();
          String preluName = name;
          name = names.get(++i);
          Tensor slope = params.sub(preluName).get("slope");
          o = mode == Mode.TRAIN ? bn.trainAfterPrelu(params.sub(name), state.sub(name), y, slope)
              : bn.evalAfterPrelu(params.sub(name), state.sub(name), y, slope);
          if (rng != null) rng.split();
        } else {
          o = layers.get(i).apply(params.sub(name), state.sub(name), y, mode, rng == null ? null : rng.split());
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("layer '" + name + "': " + e.getMessage(), e);
      }
      // y is dead once a library layer has read it, unless the graph keeps it: Autodiff decides
      if (releaseActivations && yInternal && keepsNoTensor(consumer)) Autodiff.releaseConsumed(y, o.y());
      yInternal = keepsNoTensor(layers.get(i));
      y = o.y();
      next = next.merge(o.state().prefixed(name));
    }
    return new Output(y, next);
  }

  /**
   * The library's own layers that keep no reference to a tensor they read or return (records:
   * no subclass can). An activation one of them returns and the next reads is referred to by
   * this container alone, so its memory goes back for reuse once the graph does not need it
   * ({@link Autodiff#releaseConsumed}): in a training step, each conv unit's batch-norm output
   * after the next convolution or pooling has read it, and its convolution output once the
   * reverse pass has run the fused PReLU + batch norm's rule; with nothing recorded
   * (evaluation), every activation between two such layers.
   */
  static boolean keepsNoTensor(Layer l) {
    Class<?> c = l.getClass();
    return c == Conv2d.class || c == BatchNorm.class || c == PReLU.class || c == MaxPool2d.class || c == AvgPool2d.class
        || c == ReLU.class || c == Linear.class;
  }

  /** A pair the fused op computes exactly as the two layers: one slope per channel, batch norm of the same channels. */
  private static boolean fuses(PReLU p, BatchNorm bn, Tensor x) {
    return x.rank() >= 2 && x.rank() <= 4 && p.channels() == x.dim(1) && bn.features() == x.dim(1);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Sequential[");
    for (int i = 0; i < layers.size(); i++) b.append(i == 0 ? "" : ", ").append(names.get(i)).append(": ").append(layers.get(i));
    return b.append(']').toString();
  }
}
