package arcus.core;

/** Elementwise binary primitives with broadcasting; comparisons return 1/0 masks. */
public enum BinaryOp {
  ADD, SUB, MUL, DIV, POW, MAX, MIN, GT, GE, LT, LE, EQ, NE;

  public boolean isComparison() {
    return ordinal() >= GT.ordinal();
  }
}
