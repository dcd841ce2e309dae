package arcus.losses;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * Plain softmax cross-entropy: f_j = w_jᵀx + b_j (docs/losses.md, "Softmax"). With {@code bias} the
 * parameter tree holds {@code "b"} [C]; {@code initialBias} (optional, length C) is its initial
 * value (zeros otherwise) and is what {@link #params(Tensor)} attaches to a bare weight tensor.
 */
public record Softmax(boolean bias, double[] initialBias) implements Unmargined {
  public Softmax {
    if (initialBias != null) {
      if (!bias) throw new IllegalArgumentException("softmax: an initial bias needs bias = true");
      initialBias = initialBias.clone();
    }
  }

  public Softmax() {
    this(false, null);
  }

  public static Softmax withBias() {
    return new Softmax(true, null);
  }

  /** Compares the bias values, not the array reference (a record's default would). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Softmax other && bias == other.bias && java.util.Arrays.equals(initialBias, other.initialBias);
  }

  @Override
  public int hashCode() {
    return 31 * Boolean.hashCode(bias) + java.util.Arrays.hashCode(initialBias);
  }

  @Override
  public String toString() {
    return "Softmax[bias=" + bias + (initialBias == null ? "" : ", initialBias=" + java.util.Arrays.toString(initialBias)) + "]";
  }

  @Override
  public double[] initialBias() {
    return initialBias == null ? null : initialBias.clone();
  }

  @Override
  public Tensor scores(Tensor x, Params p) {
    Tensor f = x.matmul(p.get("w"));
    return bias ? f.add(p.get("b")) : f;
  }

  @Override
  public Params init(Rng rng, DType dtype, int d, int c) {
    Params p = Params.of("w", Geometry.xavier(rng, dtype, d, c));
    return bias ? p.with("b", biasTensor(dtype, c)) : p;
  }

  @Override
  public Params params(Tensor weights) {
    Params p = Params.of("w", weights);
    return bias ? p.with("b", biasTensor(weights.dtype(), weights.dim(1))) : p;
  }

  private Tensor biasTensor(DType dtype, int c) {
    if (initialBias == null) return Tensor.zeros(dtype, c);
    if (initialBias.length != c) throw new IllegalArgumentException("softmax: bias has length " + initialBias.length + " for " + c + " classes");
    return Tensor.of(dtype, initialBias, c);
  }
}
