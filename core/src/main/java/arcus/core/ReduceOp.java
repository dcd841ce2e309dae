package arcus.core;

/** Reductions over a set of axes. */
public enum ReduceOp {
  SUM, MAX
}
