package arcus.core;

/** Element type of a tensor: float32 for speed, float64 for checking gradients. */
public enum DType {
  F32("float32", 4),
  F64("float64", 8);

  private final String label;
  private final int bytes;

  DType(String label, int bytes) {
    this.label = label;
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  /** Smallest ε used to keep cos θ away from ±1 where arccos is differentiated (docs/losses.md). */
  public double acosEpsilon() {
    return this == F64 ? 1e-7 : 1e-6;
  }

  public static DType parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "float32", "f32", "float" -> F32;
      case "float64", "f64", "double" -> F64;
      default -> throw new IllegalArgumentException("unknown dtype '" + s + "' (use float32 or float64)");
    };
  }

  @Override
  public String toString() {
    return label;
  }
}
