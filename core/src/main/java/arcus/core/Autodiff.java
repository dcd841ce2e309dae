package arcus.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Function transforms for reverse-mode differentiation, as in JAX: {@code grad(f)},
 * {@code valueAndGrad(f)}, {@code vjp(f)}. Each call traces {@code f} on fresh copies of its
 * inputs, then walks the recorded graph backwards. There is no global tape and no mutable
 * gradient field, so two threads can differentiate at once, and because gradient rules are
 * written with tensor ops, differentiating a gradient works (Hessian-vector products).
 */
public final class Autodiff {
  private Autodiff() {}

  /** A value and the gradient of that value with respect to the inputs, in the inputs' structure. */
  public record ValueAndGrad<G>(Tensor value, G grad) {}

  /** Value, gradient and an auxiliary result the function returned beside its scalar. */
  public record ValueGradAux<G, A>(Tensor value, G grad, A aux) {}

  /** A scalar loss plus anything else the function wants to hand back (e.g. new batch-norm statistics). */
  public record WithAux<A>(Tensor value, A aux) {}

  /** The value of f and a pullback mapping an output cotangent to input cotangents. */
  public record VjpResult(Tensor value, Function<Tensor, List<Tensor>> pullback) {}

  /** A tensor with the same value that differentiation treats as a constant. */
  public static Tensor stopGradient(Tensor x) {
    return x.node == null ? x : new Tensor(x.shape, x.dtype, x.storage, null);
  }

  /**
   * Hands the memory of {@code y} back to its backend, for the results computed next on this
   * thread, when {@code y} has just been read by one op whose result is {@code out} and nothing
   * can read y's storage again. The caller guarantees that it holds the only reference to y
   * outside the graph and drops it now: containers call this for an activation passed from one
   * of the library's own layers to the next ({@code Sequential}). This method then checks what
   * the graph holds: out must not share y's storage (a view), and either nothing was recorded
   * (neither has a node, so no gradient rule keeps y) or y's node recomputes y for the rules
   * that read it and keeps neither it nor (as its output) its storage, and out's rule reads y
   * only through that recipe ({@code Ops.kept}: the convolutions and the pooling). So in a
   * training step, a batch norm's output is released once the next convolution or pooling has
   * read it: ~49 MB of a batch-50 step of the L-Softmax MNIST network that the JVM otherwise
   * zeroed afresh on the calling thread. Where out's rule keeps y and is the only reader of it
   * (a fused PReLU + batch norm reading its convolution's output, a convolution reading a max
   * pool's output for its weight gradient), y is released later, when a
   * one-shot reverse pass has run that rule and released its node. Returns whether y's memory
   * was released or will be; either way y must not be used after this call.
   */
  public static boolean releaseConsumed(Tensor y, Tensor out) {
    if (y.backend() != out.backend() || y.storage.equals(out.storage)) return false;
    boolean unrecorded = y.node == null && out.node == null;
    boolean readsAsInput0 = out.node != null && out.node.inputs.length > 0 && out.node.inputs[0] == y.node;
    boolean recomputed = y.node != null && y.node.recompute != null && !y.node.keepsOutput() && readsAsInput0 && out.node.input0Recomputed;
    if (unrecorded || recomputed) {
      y.backend().release(y.storage);
      return true;
    }
    // out's rule keeps y, and nothing else reads it: released when the reverse pass is done with that rule
    if (readsAsInput0 && out.node.input0OnlyHere && (y.node == null || !y.node.keepsOutput())) {
      out.node.releaseAfterRule = y.storage;
      return true;
    }
    return false;
  }

  public static ValueAndGrad<Tensor> valueAndGrad(Function<Tensor, Tensor> f, Tensor x) {
    ValueAndGrad<List<Tensor>> r = valueAndGrad((List<Tensor> xs) -> f.apply(xs.get(0)), List.of(x));
    return new ValueAndGrad<>(r.value(), r.grad().get(0));
  }

  public static Tensor grad(Function<Tensor, Tensor> f, Tensor x) {
    return valueAndGrad(f, x).grad();
  }

  public static ValueAndGrad<List<Tensor>> valueAndGrad(Function<List<Tensor>, Tensor> f, List<Tensor> xs) {
    ValueGradAux<List<Tensor>, Void> r = run(xs, leaves -> new WithAux<>(f.apply(leaves), null));
    return new ValueAndGrad<>(r.value(), r.grad());
  }

  public static List<Tensor> grad(Function<List<Tensor>, Tensor> f, List<Tensor> xs) {
    return valueAndGrad(f, xs).grad();
  }

  public static ValueAndGrad<Params> valueAndGrad(Function<Params, Tensor> f, Params p) {
    ValueGradAux<Params, Void> r = valueAndGradAux(q -> new WithAux<>(f.apply(q), null), p);
    return new ValueAndGrad<>(r.value(), r.grad());
  }

  public static Params grad(Function<Params, Tensor> f, Params p) {
    return valueAndGrad(f, p).grad();
  }

  /**
   * Differentiates a function that returns a scalar plus an auxiliary value. Tensors inside the
   * auxiliary value are handed back as computed; pass them through {@link #stopGradient} inside
   * f if they must not keep the graph alive (running statistics, say).
   */
  public static <A> ValueGradAux<Params, A> valueAndGradAux(Function<Params, WithAux<A>> f, Params p) {
    List<String> names = p.names();
    ValueGradAux<List<Tensor>, A> r = run(p.tensors(), leaves -> f.apply(Params.of(names, leaves)));
    return new ValueGradAux<>(r.value(), Params.of(names, r.grad()), r.aux());
  }

  /** Traces f and returns its value and a pullback; the pullback may be called many times. */
  public static VjpResult vjp(Function<List<Tensor>, Tensor> f, List<Tensor> xs) {
    Trace trace = new Trace();
    Tensor[] leaves = leaves(trace, xs);
    Tensor out;
    try {
      out = f.apply(List.of(leaves));
    } finally {
      trace.close();
    }
    Tensor value = detachIfOnly(out, trace);
    Function<Tensor, List<Tensor>> pullback = ct -> {
      if (!ct.shape.equals(out.shape) || ct.dtype != out.dtype)
        throw new IllegalArgumentException("vjp: cotangent " + ct.dtype + ct.shape + " does not match output " + out.dtype + out.shape);
      return List.of(backward(trace, out, ct, leaves, false));
    };
    return new VjpResult(value, pullback);
  }

  // ------------------------------------------------------------------ the machinery

  private static <A> ValueGradAux<List<Tensor>, A> run(List<Tensor> xs, Function<List<Tensor>, WithAux<A>> f) {
    Trace trace = new Trace();
    Tensor[] leaves = leaves(trace, xs);
    WithAux<A> r;
    try {
      r = f.apply(List.of(leaves));
    } finally {
      trace.close();
    }
    StepClock.mark(StepClock.Phase.FORWARD);
    Tensor out = r.value();
    if (out == null) throw new IllegalArgumentException("valueAndGrad: the function returned null");
    if (out.size() != 1)
      throw new IllegalArgumentException("valueAndGrad: the function must return a scalar, got shape " + out.shape + " (use vjp for non-scalar outputs)");
    Tensor seed = out.constant(1.0, out.shape.dims());
    List<Tensor> grads = List.of(backward(trace, out, seed, leaves, true));
    StepClock.mark(StepClock.Phase.BACKWARD);
    return new ValueGradAux<>(detachIfOnly(out, trace), grads, r.aux());
  }

  private static Tensor[] leaves(Trace trace, List<Tensor> xs) {
    Tensor[] leaves = new Tensor[xs.size()];
    for (int i = 0; i < leaves.length; i++) {
      Tensor x = xs.get(i);
      if (x == null) throw new IllegalArgumentException("valueAndGrad: input " + i + " is null");
      Trace[] outer = Node.openTraces(x);
      Trace[] traces = new Trace[(outer == null ? 0 : outer.length) + 1];
      if (outer != null) System.arraycopy(outer, 0, traces, 0, outer.length);
      traces[traces.length - 1] = trace;
      Node n = new Node("input", new Tensor[] {x}, (g, y, need) -> new Tensor[] {g}, traces);
      leaves[i] = new Tensor(x.shape, x.dtype, x.storage, n);
    }
    return leaves;
  }

  /** Drops the graph from a result unless an enclosing differentiation still needs it. */
  private static Tensor detachIfOnly(Tensor t, Trace trace) {
    if (t.node == null) return t;
    for (Trace other : t.node.traces) if (other != trace && other.isOpen()) return t;
    return stopGradient(t);
  }

  /**
   * Reverse pass over the nodes of {@code trace}: cotangents of the leaves (zeros where unused).
   * With {@code release} (a pass that runs once: the trace is closed and no pullback can call it
   * again), each processed node that records for no open trace drops its gradient rule, so the
   * activations only that rule kept are freed as the pass goes down the graph.
   *
   * <p>Such a pass, when no differentiation is in progress on this thread (so nothing it computes
   * is recorded anywhere), also hands each cotangent it is done with back to its backend
   * ({@link Backend#recycle}), which may reuse the memory for the cotangents computed next. A
   * cotangent is done with when its node's rule has run and no entry of the pass refers to its
   * storage: the rule's results may pass it on unchanged or as a view (the sum's and reshape's
   * rules do), and one result may reach several inputs, so entries count the storages they hold.
   */
  private static Tensor[] backward(Trace trace, Tensor out, Tensor seed, Tensor[] leaves, boolean release) {
    Tensor[] grads = new Tensor[leaves.length];
    Map<Node, Tensor> ct = new IdentityHashMap<>();
    if (out.node != null && out.node.dependsOn(trace)) {
      Backend backend = out.backend();
      boolean recycle = release && !Trace.anyOpenHere() && backend.beginReversePass();
      Map<Storage, int[]> held = recycle ? new HashMap<>() : null;
      List<Storage> recomputed = recycle ? new ArrayList<>() : null;
      if (recycle) RECOMPUTED.set(recomputed);
      try {
        List<Node> order = topologicalOrder(out.node, trace);
        ct.put(out.node, seed);
        if (recycle) hold(held, seed);
        Map<Node, Boolean> isLeaf = new IdentityHashMap<>();
        for (Tensor l : leaves) isLeaf.put(l.node, Boolean.TRUE);
        List<Storage> done = recycle ? new ArrayList<>() : null;
        for (int i = order.size() - 1; i >= 0; i--) {
          Node n = order.get(i);
          if (isLeaf.containsKey(n)) continue;
          Tensor g = ct.remove(n);
          if (g == null) continue;
          if (recycle) {
            done.clear();
            if (unhold(held, g)) done.add(g.storage);
          }
          boolean[] need = new boolean[n.inputs.length];
          boolean any = false;
          for (int j = 0; j < need.length; j++) {
            Node in = n.inputs[j];
            need[j] = in != null && in.dependsOn(trace);
            any |= need[j];
          }
          if (!any) {
            if (recycle) recycleDone(backend, held, done);
            continue;
          }
          Tensor[] gs = n.vjp(g, need);
          g = null;
          if (recycle) {
            // activations the rule recomputed (Ops.kept) are dead too, unless it returned them
            for (Storage r : recomputed) {
              boolean returned = false;
              for (Tensor t : gs) returned |= t != null && t.storage.equals(r);
              if (!returned) done.add(r);
            }
            recomputed.clear();
          }
          if (release && !n.recordsForOpenTrace()) {
            n.release();
            // an input only this node read (a conv unit's convolution output, Sequential's hand-over)
            Storage last = n.releaseAfterRule;
            n.releaseAfterRule = null;
            if (recycle && last != null && last.backend() == backend) backend.release(last);
            Storage kept = n.keptForRule;
            n.keptForRule = null;
            if (recycle && kept != null && kept.backend() == backend) backend.release(kept);
          }
          for (int j = 0; j < need.length; j++) {
            if (!need[j] || gs[j] == null) continue;
            if (!gs[j].shape.equals(n.inputShapes[j]))
              throw new IllegalStateException("backward of " + n.op + ": the gradient of input " + j + " has shape " + gs[j].shape + ", the input " + n.inputShapes[j]);
            Node in = n.inputs[j];
            Tensor prev = ct.get(in);
            Tensor next = prev == null ? gs[j] : prev.add(gs[j]);
            ct.put(in, next);
            if (recycle) {
              hold(held, next);
              if (prev != null) {
                if (unhold(held, prev)) done.add(prev.storage);
                done.add(gs[j].storage);
              }
            }
          }
          if (recycle) recycleDone(backend, held, done);
        }
      } finally {
        if (recycle) {
          RECOMPUTED.remove();
          backend.endReversePass();
        }
      }
    }
    for (int i = 0; i < leaves.length; i++) {
      Tensor g = ct.get(leaves[i].node);
      grads[i] = g != null ? g : leaves[i].constant(0.0, leaves[i].shape.dims());
    }
    return grads;
  }

  /** The recomputed activations of the node whose rule is running, while a recycling reverse pass runs on this thread. */
  private static final ThreadLocal<List<Storage>> RECOMPUTED = new ThreadLocal<>();

  /** Notes a storage a gradient rule recomputed for itself ({@link Ops#kept}); returns it. */
  static Storage recomputed(Storage s) {
    List<Storage> l = RECOMPUTED.get();
    if (l != null) l.add(s);
    return s;
  }

  private static void hold(Map<Storage, int[]> held, Tensor t) {
    held.computeIfAbsent(t.storage, k -> new int[1])[0]++;
  }

  /** One entry fewer refers to t's storage; true when none does any more. */
  private static boolean unhold(Map<Storage, int[]> held, Tensor t) {
    int[] c = held.get(t.storage);
    if (c == null) return true;
    if (--c[0] > 0) return false;
    held.remove(t.storage);
    return true;
  }

  /**
   * Recycles the storages in {@code done} (the node's cotangent, and entries replaced by a sum)
   * that no entry holds: the node's other results either went into an entry (held) or were
   * not needed, so nothing else refers to them.
   */
  private static void recycleDone(Backend backend, Map<Storage, int[]> held, List<Storage> done) {
    for (int k = 0; k < done.size(); k++) {
      Storage s = done.get(k);
      if (held.containsKey(s) || s.backend() != backend) continue;
      boolean dup = false;
      for (int q = 0; q < k && !dup; q++) dup = done.get(q).equals(s);
      if (!dup) backend.recycle(s);
    }
  }

  /** Nodes of the trace reachable from {@code root}, inputs before the nodes that use them. */
  private static List<Node> topologicalOrder(Node root, Trace trace) {
    List<Node> order = new ArrayList<>();
    Map<Node, Boolean> visited = new IdentityHashMap<>();
    ArrayDeque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {root, 0});
    visited.put(root, Boolean.TRUE);
    while (!stack.isEmpty()) {
      Object[] top = stack.peek();
      Node n = (Node) top[0];
      int i = (Integer) top[1];
      if (i < n.inputs.length) {
        top[1] = i + 1;
        Node in = n.inputs[i];
        if (in != null && in.dependsOn(trace) && !visited.containsKey(in)) {
          visited.put(in, Boolean.TRUE);
          stack.push(new Object[] {in, 0});
        }
      } else {
        stack.pop();
        order.add(n);
      }
    }
    return order;
  }
}
