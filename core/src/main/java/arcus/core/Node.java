package arcus.core;

import java.util.function.Supplier;

/**
 * How a traced tensor was computed: the nodes of its inputs (and their shapes), the traces it
 * depends on, and its vector-Jacobian product.
 *
 * <p>A node keeps the graph, not the data: it refers to its inputs' nodes and shapes, never to
 * their storage, and to its own output only when its gradient rule reads the output
 * ({@code keepOutput}: exp, sqrt, tanh, sigmoid, division, power, max). Everything else the
 * reverse pass needs is what the gradient rule itself captured. So an intermediate result that no
 * gradient rule needs (a convolution's output before its bias is added, say) is garbage as soon
 * as the forward pass has moved on, instead of living until the reverse pass ends. A one-shot
 * reverse pass ({@link Autodiff#valueAndGrad}) also {@linkplain #release releases} each node it
 * has processed, so the activations only it needed are freed while the pass goes on.
 */
final class Node {
  /**
   * The vector-Jacobian product of one op: given the output cotangent g and the (traced) output y,
   * the cotangent of each input, or null where {@code needed} is false or the gradient is zero.
   * y is null unless the node was built to keep its output.
   */
  @FunctionalInterface
  interface Vjp {
    Tensor[] apply(Tensor g, Tensor y, boolean[] needed);
  }

  /** The inputs' nodes (null for an input that is not traced) and shapes, in argument order. */
  final Node[] inputs;
  final Shape[] inputShapes;
  final Trace[] traces;
  final String op;
  private Vjp vjp;
  /** The tensor this node computed, where the gradient rule reads it; set once, before that tensor escapes. */
  private Tensor output;
  /**
   * For a cheap op: recomputes the output's storage from what the op's own gradient rule keeps
   * anyway, so a consumer's gradient rule can keep this instead of the output (see
   * {@link Ops#kept}). Null where there is no such recipe.
   */
  Supplier<Storage> recompute;
  /**
   * The gradient rule reads input 0 only through that input's {@link #recompute} recipe (set by
   * the ops that read their input through {@link Ops#kept} when it gave a recipe): the rule keeps
   * nothing of input 0's storage.
   */
  boolean input0Recomputed;
  /**
   * The gradient rule and the recompute recipe are all that read input 0 (set by the fused batch
   * norms, which capture their input's storage and nothing else reads it through them).
   */
  boolean input0OnlyHere;
  /**
   * Input 0's storage, handed over by a container that keeps no other reference to it
   * ({@link Autodiff#releaseConsumed}): released to its backend once a one-shot reverse pass has
   * run and released this node, the last thing that read it.
   */
  Storage releaseAfterRule;
  /**
   * What the backend kept of the forward pass for this node's gradient rule alone (a convolution's
   * input transform, {@link Backend#conv2dForTraining}): released to its backend once a one-shot
   * reverse pass has run and released this node.
   */
  Storage keptForRule;

  Node(String op, Tensor[] inputs, Vjp vjp, Trace[] traces) {
    this.op = op;
    this.inputs = new Node[inputs.length];
    this.inputShapes = new Shape[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i] == null) continue;
      this.inputs[i] = inputs[i].node;
      this.inputShapes[i] = inputs[i].shape;
    }
    this.vjp = vjp;
    this.traces = traces;
  }

  void keepOutput(Tensor y) {
    output = y;
  }

  /** Whether the gradient rule reads the output this node computed (so the graph holds it). */
  boolean keepsOutput() {
    return output != null;
  }

  Tensor[] vjp(Tensor g, boolean[] need) {
    if (vjp == null) throw new IllegalStateException("backward of " + op + ": this node was released by an earlier reverse pass");
    return vjp.apply(g, output, need);
  }

  /** Drops the gradient rule and whatever it captured: only for a node no reverse pass can reach again. */
  void release() {
    vjp = null;
    output = null;
    recompute = null;
  }

  boolean dependsOn(Trace t) {
    for (Trace x : traces) if (x == t) return true;
    return false;
  }

  /** Whether any trace this node records for is still open (an enclosing differentiation). */
  boolean recordsForOpenTrace() {
    for (Trace x : traces) if (x.isOpen()) return true;
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
