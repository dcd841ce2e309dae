package arcus.core;

/**
 * How a traced tensor was computed: its inputs, the traces it depends on, and its vector-Jacobian
 * product. Immutable.
 */
final class Node {
  /**
   * The vector-Jacobian product of one op: given the output cotangent g and the (traced) output y,
   * the cotangent of each input, or null where {@code needed} is false or the gradient is zero.
   */
  @FunctionalInterface
  interface Vjp {
    Tensor[] apply(Tensor g, Tensor y, boolean[] needed);
  }

  final Tensor[] inputs;
  final Vjp vjp;
  final Trace[] traces;
  final String op;
  /** The tensor this node computed; set once, before that tensor escapes. */
  Tensor output;

  Node(String op, Tensor[] inputs, Vjp vjp, Trace[] traces) {
    this.op = op;
    this.inputs = inputs;
    this.vjp = vjp;
    this.traces = traces;
  }

  boolean dependsOn(Trace t) {
    for (Trace x : traces) if (x == t) return true;
    return false;
  }

  /** The open traces among the inputs' (usually zero or one, more when nested). */
  static Trace[] openTraces(Tensor... inputs) {
    Trace[] out = null;
    int n = 0;
    for (Tensor in : inputs) {
      if (in == null || in.node == null) continue;
      for (Trace t : in.node.traces) {
        if (!t.isOpen()) continue;
        boolean seen = false;
        for (int i = 0; i < n; i++) if (out[i] == t) seen = true;
        if (seen) continue;
        if (out == null) out = new Trace[2];
        if (n == out.length) out = java.util.Arrays.copyOf(out, n * 2);
        out[n++] = t;
      }
    }
    return n == 0 ? null : java.util.Arrays.copyOf(out, n);
  }
}
