package arcus.core;

/** Elementwise unary primitives a backend implements. */
public enum UnaryOp {
  NEG, EXP, LOG, SQRT, ABS, SIN, COS, ACOS, TANH, SIGMOID, RELU, SIGN
}
