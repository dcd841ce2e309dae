package arcus.core;

import java.util.Arrays;

/**
 * Every primitive op, each with its forward (a backend call) and its vector-Jacobian product side
 * by side. Gradient rules are written with tensor ops, so they are themselves differentiable.
 * Everything that is not here (softmax, cross-entropy, normalisation, ...) is composed from these.
 */
final class Ops {
  private Ops() {}

  /**
   * Wraps a kernel result as a tensor, recording a node when an input is being traced. The
   * gradient rule gets y = null: it keeps what it needs by capturing it (and should capture
   * shapes, not tensors, where shapes are all it needs, so the graph keeps no storage for it).
   */
  static Tensor result(String op, Shape shape, DType dtype, Storage s, Node.Vjp vjp, Tensor... inputs) {
    return result(op, shape, dtype, s, false, vjp, inputs);
  }

  /** The same for a gradient rule that reads the output y. */
  static Tensor resultKeepingOutput(String op, Shape shape, DType dtype, Storage s, Node.Vjp vjp, Tensor... inputs) {
    return result(op, shape, dtype, s, true, vjp, inputs);
  }

  private static Tensor result(String op, Shape shape, DType dtype, Storage s, boolean keepOutput, Node.Vjp vjp, Tensor... inputs) {
    Trace[] traces = Node.openTraces(inputs);
    if (traces == null) return new Tensor(shape, dtype, s, null);
    Node node = new Node(op, inputs, vjp, traces);
    Tensor t = new Tensor(shape, dtype, s, node);
    if (keepOutput) node.keepOutput(t);
    return t;
  }

  /** A tensor a gradient rule reads later: kept, or recomputed when asked for (see {@link #kept}). */
  @FunctionalInterface
  interface Kept {
    Tensor get();
  }

  /**
   * What a gradient rule should capture to read x later: x itself, or, where x is the traced
   * output of a cheap op that can recompute it from what its own rule keeps anyway (PReLU, batch
   * norm: {@link Node#recompute}), a recipe giving a tensor with x's node and the same values,
   * so that x's storage need not live from the forward pass to the reverse pass.
   */
  static Kept kept(Tensor x) {
    java.util.function.Supplier<Storage> r = x.node == null ? null : x.node.recompute;
    if (r == null) return () -> x;
    Shape s = x.shape;
    DType dt = x.dtype;
    Node n = x.node;
    return () -> new Tensor(s, dt, Autodiff.recomputed(r.get()), n);
  }

  /**
   * Marks t's node as reading its input 0 (x) only through x's recompute recipe, when
   * {@link #kept}(x) gave one: for an op whose gradient rule captures x through {@code kept} and
   * nothing else of it. Returns t.
   */
  private static Tensor readsInput0ThroughRecipe(Tensor t, Tensor x) {
    if (t.node != null && x.node != null && x.node.recompute != null) t.node.input0Recomputed = true;
    return t;
  }

  static Backend sameBackend(String op, Tensor a, Tensor b) {
    if (a.backend() != b.backend())
      throw new IllegalArgumentException(op + ": operands live on different backends (" + a.backend().name() + " and " + b.backend().name() + "); move one with to(backend)");
    if (a.dtype != b.dtype)
      throw new IllegalArgumentException(op + ": dtype mismatch, " + a.dtype + a.shape + " vs " + b.dtype + b.shape + "; convert one with to(dtype)");
    return a.backend();
  }

  static void checkIndex(String op, int index, int size, int position) {
    if (index < 0 || index >= size)
      throw new IllegalArgumentException(op + ": index " + index + " at position " + position + " is out of range [0, " + size + ")");
  }

  // ------------------------------------------------------------------ elementwise

  static Tensor unary(UnaryOp op, Tensor x) {
    Storage s = x.backend().unary(op, x.storage);
    String name = op.name().toLowerCase();
    return switch (op) {
      // these read the output (or nothing), never x
      case EXP, SQRT, TANH, SIGMOID -> resultKeepingOutput(name, x.shape, x.dtype, s, (g, y, need) -> new Tensor[] {unaryVjp(op, null, y, g)}, x);
      case NEG, SIGN -> result(name, x.shape, x.dtype, s, (g, y, need) -> new Tensor[] {unaryVjp(op, null, null, g)}, x);
      default -> result(name, x.shape, x.dtype, s, (g, y, need) -> new Tensor[] {unaryVjp(op, x, null, g)}, x);
    };
  }

  private static Tensor unaryVjp(UnaryOp op, Tensor x, Tensor y, Tensor g) {
    return switch (op) {
      case NEG -> g.neg();
      case EXP -> g.mul(y);
      case LOG -> g.div(x);
      case SQRT -> g.div(y.mul(2.0));
      case ABS -> g.mul(x.sign());
      case SIN -> g.mul(x.cos());
      case COS -> g.mul(x.sin()).neg();
      case ACOS -> g.div(x.square().rsub(1.0).sqrt()).neg();
      case TANH -> g.mul(y.square().rsub(1.0));
      case SIGMOID -> g.mul(y.mul(y.rsub(1.0)));
      case RELU -> g.mul(x.gt(0.0));
      case SIGN -> null;
    };
  }

  static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
    String name = op.name().toLowerCase();
    Backend be = sameBackend(name, a, b);
    Shape out = Shape.broadcast(name, a.shape, b.shape);
    Storage s = be.binary(op, a.storage, a.shape, b.storage, b.shape, out);
    if (op.isComparison()) return new Tensor(out, a.dtype, s, null);
    Shape as = a.shape, bs = b.shape;
    if (op == BinaryOp.ADD || op == BinaryOp.SUB) {
      // linear: the rule needs the shapes only, so neither operand's storage is kept
      boolean sub = op == BinaryOp.SUB;
      return result(name, out, a.dtype, s, (g, y, need) -> new Tensor[] {
        need[0] ? unbroadcast(g, as) : null,
        need[1] ? unbroadcast(sub ? g.neg() : g, bs) : null
      }, a, b);
    }
    boolean readsY = op == BinaryOp.DIV || op == BinaryOp.POW;
    Node.Vjp rule = (g, y, need) -> {
      Tensor ga = null, gb = null;
      switch (op) {
        case MUL -> {
          if (need[0]) ga = g.mul(b);
          if (need[1]) gb = g.mul(a);
        }
        case DIV -> {
          if (need[0]) ga = g.div(b);
          if (need[1]) gb = g.mul(y).div(b).neg();
        }
        case POW -> {
          if (need[0]) ga = g.mul(b).mul(a.pow(b.sub(1.0)));
          if (need[1]) gb = g.mul(y).mul(Tensor.where(a.gt(0.0), a.log(), a.constant(0.0)));
        }
        case MAX -> {
          if (need[0]) ga = g.mul(a.ge(b));
          if (need[1]) gb = g.mul(a.lt(b));
        }
        case MIN -> {
          if (need[0]) ga = g.mul(a.le(b));
          if (need[1]) gb = g.mul(a.gt(b));
        }
        default -> throw new AssertionError(op);
      }
      return new Tensor[] {unbroadcast(ga, as), unbroadcast(gb, bs)};
    };
    return readsY ? resultKeepingOutput(name, out, a.dtype, s, rule, a, b) : result(name, out, a.dtype, s, rule, a, b);
  }

  static Tensor where(Tensor cond, Tensor a, Tensor b) {
    Backend be = sameBackend("where", a, b);
    if (cond.backend() != be) throw new IllegalArgumentException("where: condition lives on " + cond.backend().name() + ", values on " + be.name());
    Shape out = Shape.broadcast("where", Shape.broadcast("where", cond.shape, a.shape), b.shape);
    Storage s = be.where(cond.storage, cond.shape, a.storage, a.shape, b.storage, b.shape, out);
    Tensor c = Autodiff.stopGradient(cond);
    Shape as = a.shape, bs = b.shape;
    return result("where", out, a.dtype, s, (g, y, need) -> {
      Tensor zero = g.constant(0.0);
      return new Tensor[] {
        null,
        need[1] ? unbroadcast(Tensor.where(c, g, zero), as) : null,
        need[2] ? unbroadcast(Tensor.where(c, zero, g), bs) : null
      };
    }, c, a, b);
  }

  /** Sums a broadcast cotangent back down to {@code target}. */
  static Tensor unbroadcast(Tensor g, Shape target) {
    if (g == null || g.shape.equals(target)) return g;
    int lead = g.rank() - target.rank();
    int n = 0;
    int[] axes = new int[g.rank()];
    for (int i = 0; i < g.rank(); i++) if (i < lead || (target.dim(i - lead) == 1 && g.shape.dim(i) != 1)) axes[n++] = i;
    Tensor s = n == 0 ? g : reduce(ReduceOp.SUM, g, Arrays.copyOf(axes, n), true);
    return reshape(s, target);
  }

  static Tensor cast(Tensor x, DType to) {
    if (x.dtype == to) return x;
    Storage s = x.backend().cast(x.storage, to);
    DType from = x.dtype;
    return result("cast", x.shape, to, s, (g, y, need) -> new Tensor[] {cast(g, from)}, x);
  }

  static Tensor toBackend(Tensor x, Backend target) {
    if (x.backend() == target) return x;
    Storage s = x.dtype == DType.F32 ? target.fromHost(x.toFloatArray()) : target.fromHost(x.toDoubleArray());
    Backend from = x.backend();
    return result("to", x.shape, x.dtype, s, (g, y, need) -> new Tensor[] {toBackend(g, from)}, x);
  }

  // ------------------------------------------------------------------ reductions

  static Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
    boolean[] flags = new boolean[x.rank()];
    for (int a : axes) {
      int n = x.shape.axis(a);
      if (flags[n]) throw new IllegalArgumentException(op.name().toLowerCase() + ": axis " + a + " given twice for shape " + x.shape);
      flags[n] = true;
    }
    int[] kept = x.shape.dims();
    for (int i = 0; i < kept.length; i++) if (flags[i]) kept[i] = 1;
    Shape keptShape = Shape.of(kept);
    if (op == ReduceOp.MAX) for (int i = 0; i < flags.length; i++)
      if (flags[i] && x.shape.dim(i) == 0) throw new IllegalArgumentException("max: cannot reduce the empty axis " + i + " of shape " + x.shape);
    Storage s = x.backend().reduce(op, x.storage, x.shape, flags);
    Shape xs = x.shape;
    Tensor r = op == ReduceOp.SUM
        ? result("sum", keptShape, x.dtype, s, (g, y, need) -> new Tensor[] {broadcastTo(g, xs)}, x)
        : resultKeepingOutput(op.name().toLowerCase(), keptShape, x.dtype, s, (g, y, need) -> {
          // max: the cotangent is shared among tied maxima
          Tensor mask = x.eq(Autodiff.stopGradient(y));
          Tensor count = reduce(ReduceOp.SUM, mask, axes, true);
          return new Tensor[] {g.mul(mask).div(count)};
        }, x);
    if (keepDims) return r;
    int[] dims = new int[x.rank() - Math.min(axes.length, x.rank())];
    for (int i = 0, j = 0; i < flags.length; i++) if (!flags[i]) dims[j++] = x.shape.dim(i);
    return reshape(r, Shape.of(dims));
  }

  // ------------------------------------------------------------------ shape ops

  static Shape inferShape(Shape from, int[] dims) {
    int infer = -1;
    long known = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == -1) {
        if (infer >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(dims));
        infer = i;
      } else if (dims[i] < 0) throw new IllegalArgumentException("reshape: negative size in " + Arrays.toString(dims));
      else known *= dims[i];
    }
    int[] d = dims.clone();
    if (infer >= 0) {
      if (known == 0 || from.size() % known != 0)
        throw new IllegalArgumentException("reshape: cannot reshape " + from + " to " + Arrays.toString(dims));
      d[infer] = (int) (from.size() / known);
    }
    return Shape.of(d);
  }

  static Tensor reshape(Tensor x, Shape s) {
    if (s.size() != x.size()) throw new IllegalArgumentException("reshape: cannot reshape " + x.shape + " (" + x.size() + " elements) to " + s + " (" + s.size() + " elements)");
    if (s.equals(x.shape)) return x;
    Shape xs = x.shape;
    return result("reshape", s, x.dtype, x.storage, (g, y, need) -> new Tensor[] {reshape(g, xs)}, x);
  }

  static Tensor permute(Tensor x, int[] perm) {
    if (perm.length != x.rank()) throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " does not match rank of shape " + x.shape);
    int[] inv = new int[perm.length];
    boolean[] seen = new boolean[perm.length];
    boolean identity = true;
    int[] dims = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      int p = perm[i];
      if (p < 0 || p >= perm.length || seen[p]) throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " is not a permutation of 0.." + (perm.length - 1));
      seen[p] = true;
      inv[p] = i;
      dims[i] = x.shape.dim(p);
      identity &= p == i;
    }
    if (identity) return x;
    Storage s = x.backend().permute(x.storage, x.shape, perm.clone());
    return result("permute", Shape.of(dims), x.dtype, s, (g, y, need) -> new Tensor[] {permute(g, inv)}, x);
  }

  static Tensor broadcastTo(Tensor x, Shape target) {
    if (x.shape.equals(target)) return x;
    if (!x.shape.broadcastsTo(target)) throw new IllegalArgumentException("broadcastTo: shape " + x.shape + " cannot be broadcast to " + target);
    Storage s = x.backend().broadcastTo(x.storage, x.shape, target);
    Shape xs = x.shape;
    return result("broadcastTo", target, x.dtype, s, (g, y, need) -> new Tensor[] {unbroadcast(g, xs)}, x);
  }

  static Tensor slice(Tensor x, int[] begin, int[] end) {
    if (begin.length != x.rank() || end.length != x.rank())
      throw new IllegalArgumentException("slice: begin " + Arrays.toString(begin) + " / end " + Arrays.toString(end) + " do not match the rank of " + x.shape);
    int[] dims = new int[x.rank()];
    int[] after = new int[x.rank()];
    for (int i = 0; i < dims.length; i++) {
      if (begin[i] < 0 || end[i] > x.shape.dim(i) || begin[i] > end[i])
        throw new IllegalArgumentException("slice: [" + begin[i] + ", " + end[i] + ") is out of range on axis " + i + " of shape " + x.shape);
      dims[i] = end[i] - begin[i];
      after[i] = x.shape.dim(i) - end[i];
    }
    Shape out = Shape.of(dims);
    if (out.equals(x.shape)) return x;
    Storage s = x.backend().slice(x.storage, x.shape, begin.clone(), end.clone());
    int[] before = begin.clone();
    return result("slice", out, x.dtype, s, (g, y, need) -> new Tensor[] {pad(g, before, after)}, x);
  }

  static Tensor pad(Tensor x, int[] before, int[] after) {
    if (before.length != x.rank() || after.length != x.rank())
      throw new IllegalArgumentException("pad: widths " + Arrays.toString(before) + "/" + Arrays.toString(after) + " do not match the rank of " + x.shape);
    int[] dims = new int[x.rank()];
    int[] begin = new int[x.rank()], end = new int[x.rank()];
    boolean none = true;
    for (int i = 0; i < dims.length; i++) {
      if (before[i] < 0 || after[i] < 0) throw new IllegalArgumentException("pad: negative width on axis " + i);
      dims[i] = x.shape.dim(i) + before[i] + after[i];
      begin[i] = before[i];
      end[i] = before[i] + x.shape.dim(i);
      none &= before[i] == 0 && after[i] == 0;
    }
    if (none) return x;
    Storage s = x.backend().pad(x.storage, x.shape, before.clone(), after.clone());
    return result("pad", Shape.of(dims), x.dtype, s, (g, y, need) -> new Tensor[] {slice(g, begin, end)}, x);
  }

  static Tensor concat(int axis, Tensor[] parts) {
    if (parts.length == 0) throw new IllegalArgumentException("concat: no tensors given");
    Tensor first = parts[0];
    int a = first.shape.axis(axis);
    int total = 0;
    Shape[] shapes = new Shape[parts.length];
    Storage[] storages = new Storage[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Tensor p = parts[i];
      sameBackend("concat", first, p);
      if (p.rank() != first.rank()) throw new IllegalArgumentException("concat: shapes " + first.shape + " and " + p.shape + " differ in rank");
      for (int d = 0; d < p.rank(); d++)
        if (d != a && p.shape.dim(d) != first.shape.dim(d))
          throw new IllegalArgumentException("concat along axis " + a + ": shapes " + first.shape + " and " + p.shape + " differ on axis " + d);
      total += p.shape.dim(a);
      shapes[i] = p.shape;
      storages[i] = p.storage;
    }
    if (parts.length == 1) return first;
    Shape out = first.shape.withDim(a, total);
    Storage s = first.backend().concat(storages, shapes, a, out);
    int np = parts.length;
    return result("concat", out, first.dtype, s, (g, y, need) -> {
      Tensor[] gs = new Tensor[np];
      int off = 0;
      for (int i = 0; i < np; i++) {
        int len = shapes[i].dim(a);
        if (need[i]) gs[i] = g.slice(a, off, off + len);
        off += len;
      }
      return gs;
    }, parts.clone());
  }

  private static void checkIndices(String op, Shape xs, int a, int[] idx, int expected, int bound) {
    if (expected >= 0 && idx.length != expected)
      throw new IllegalArgumentException(op + ": " + idx.length + " indices given for shape " + xs + " along axis " + a + ", expected " + expected);
    for (int i = 0; i < idx.length; i++) checkIndex(op, idx[i], bound, i);
  }

  static Tensor takeAlong(Tensor x, int axis, int[] idx) {
    int a = x.shape.axis(axis);
    Shape out = x.shape.without(a);
    checkIndices("takeAlong", x.shape, a, idx, out.size(), x.shape.dim(a));
    int[] ix = idx.clone();
    Storage s = x.backend().takeAlong(x.storage, x.shape, a, ix);
    int size = x.shape.dim(a);
    return result("takeAlong", out, x.dtype, s, (g, y, need) -> new Tensor[] {scatterAlong(g, a, ix, size)}, x);
  }

  static Tensor scatterAlong(Tensor g0, int axis, int[] idx, int size) {
    int a = axis < 0 ? axis + g0.rank() + 1 : axis;
    if (a < 0 || a > g0.rank()) throw new IllegalArgumentException("scatterAlong: axis " + axis + " out of range for shape " + g0.shape);
    checkIndices("scatterAlong", g0.shape, a, idx, g0.size(), size);
    int[] ix = idx.clone();
    Shape out = g0.shape.inserting(a, size);
    Storage s = g0.backend().scatterAlong(g0.storage, g0.shape, a, ix, size);
    return result("scatterAlong", out, g0.dtype, s, (g, y, need) -> new Tensor[] {takeAlong(g, a, ix)}, g0);
  }

  static Tensor indexSelect(Tensor x, int axis, int[] idx) {
    int a = x.shape.axis(axis);
    checkIndices("indexSelect", x.shape, a, idx, -1, x.shape.dim(a));
    int[] ix = idx.clone();
    Storage s = x.backend().indexSelect(x.storage, x.shape, a, ix);
    int size = x.shape.dim(a);
    return result("indexSelect", x.shape.withDim(a, ix.length), x.dtype, s, (g, y, need) -> new Tensor[] {indexAdd(g, a, ix, size)}, x);
  }

  static Tensor indexAdd(Tensor g0, int axis, int[] idx, int size) {
    int a = g0.shape.axis(axis);
    checkIndices("indexAdd", g0.shape, a, idx, g0.shape.dim(a), size);
    int[] ix = idx.clone();
    Storage s = g0.backend().indexAdd(g0.storage, g0.shape, a, ix, size);
    return result("indexAdd", g0.shape.withDim(a, size), g0.dtype, s, (g, y, need) -> new Tensor[] {indexSelect(g, a, ix)}, g0);
  }

  // ------------------------------------------------------------------ matmul

  static Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) {
    Backend be = sameBackend("matmul", a, b);
    if (a.rank() < 2 || a.rank() > 3 || b.rank() < 2 || b.rank() > 3)
      throw new IllegalArgumentException("matmul: operands must have rank 2 or 3, got " + a.shape + " and " + b.shape);
    int m = a.dim(ta ? -1 : -2), ka = a.dim(ta ? -2 : -1);
    int kb = b.dim(tb ? -1 : -2), n = b.dim(tb ? -2 : -1);
    if (ka != kb)
      throw new IllegalArgumentException("matmul: inner dimensions differ: " + a.shape + (ta ? "ᵀ" : "") + " · " + b.shape + (tb ? "ᵀ" : "") + " (" + ka + " vs " + kb + ")");
    boolean bA = a.rank() == 3, bB = b.rank() == 3;
    int batch = bA ? a.dim(0) : bB ? b.dim(0) : 1;
    if (bA && bB && a.dim(0) != b.dim(0))
      throw new IllegalArgumentException("matmul: batch sizes differ: " + a.shape + " vs " + b.shape);
    Shape out = bA || bB ? Shape.of(batch, m, n) : Shape.of(m, n);
    Storage s = be.matmul(a.storage, b.storage, new MatmulSpec(batch, bA, bB, m, n, ka, ta, tb));
    return result("matmul", out, a.dtype, s, (g, y, need) -> {
      Tensor ga = null, gb = null;
      if (need[0]) {
        ga = ta ? matmul(b, g, tb, true) : matmul(g, b, false, !tb);
        if (!bA && ga.rank() == 3) ga = ga.sum(0);
      }
      if (need[1]) {
        gb = tb ? matmul(g, a, true, ta) : matmul(a, g, !ta, false);
        if (!bB && gb.rank() == 3) gb = gb.sum(0);
      }
      return new Tensor[] {ga, gb};
    }, a, b);
  }

  // ------------------------------------------------------------------ convolution

  private static void checkConv(Tensor x, Tensor w, Conv2dSpec spec) {
    if (x.rank() != 4) throw new IllegalArgumentException("conv2d: input must be NCHW (rank 4), got " + x.shape);
    if (w.rank() != 4) throw new IllegalArgumentException("conv2d: weight must be [outC, inC, kH, kW], got " + w.shape);
    if (x.dim(1) != w.dim(1)) throw new IllegalArgumentException("conv2d: input " + x.shape + " has " + x.dim(1) + " channels but weight " + w.shape + " expects " + w.dim(1));
    if (spec.outH(x.dim(2), w.dim(2)) < 1 || spec.outW(x.dim(3), w.dim(3)) < 1)
      throw new IllegalArgumentException("conv2d: kernel " + w.shape + " does not fit input " + x.shape + " with " + spec);
  }

  static Tensor conv2d(Tensor x, Tensor w, Conv2dSpec spec) {
    sameBackend("conv2d", x, w);
    checkConv(x, w, spec);
    return convolve(x, w, null, spec);
  }

  /**
   * conv2d(x, w) + b[c], the bias added into the convolution's fresh output instead of as a
   * broadcast add: the forward pass writes one activation instead of two and makes one pass
   * fewer over it. Same values, bit for bit, as {@code conv2d(x, w).add(b.reshape(1, C, 1, 1))}
   * (one float rounding per element either way), and the bias gradient is the same reduction.
   */
  static Tensor conv2d(Tensor x, Tensor w, Tensor b, Conv2dSpec spec) {
    sameBackend("conv2d", x, w);
    sameBackend("conv2d", x, b);
    checkConv(x, w, spec);
    if (b.rank() != 1 || b.dim(0) != w.dim(0))
      throw new IllegalArgumentException("conv2d: bias must be [outC] = [" + w.dim(0) + "] for weight " + w.shape + ", got " + b.shape);
    return convolve(x, w, b, spec);
  }

  /**
   * The convolution (b null: none) and its gradient rule. In a recorded forward pass whose weights
   * are traced, the backend may keep part of its work for the weight gradient
   * ({@link Backend#conv2dForTraining}); the rule then computes the weight gradient from that,
   * without reading x, whenever nothing it computes is recorded (no differentiation open on this
   * thread), and the node hands the kept storage back to the backend when a one-shot reverse pass
   * releases it ({@link Node#keptForRule}).
   */
  private static Tensor convolve(Tensor x, Tensor w, Tensor b, Conv2dSpec spec) {
    Backend be = x.backend();
    Shape out = Shape.of(x.dim(0), w.dim(0), spec.outH(x.dim(2), w.dim(2)), spec.outW(x.dim(3), w.dim(3)));
    Storage bs = b == null ? null : b.storage;
    Backend.ConvForward f = Node.openTraces(w) != null
        ? be.conv2dForTraining(x.storage, x.shape, w.storage, w.shape, bs, spec)
        : new Backend.ConvForward(be.conv2dOptionalBias(x.storage, x.shape, w.storage, w.shape, bs, spec), null);
    Storage kept = f.kept();
    Kept xk = kept(x);
    Shape xs = x.shape, ws = w.shape;
    Tensor t = b == null
        ? result("conv2d", out, x.dtype, f.y(), (g, y, need) -> new Tensor[] {
            need[0] ? conv2dInputGrad(g, w, xs, spec) : null,
            need[1] ? conv2dWeightGrad(kept, xk, g, xs, ws, spec) : null
          }, x, w)
        : result("conv2dBias", out, x.dtype, f.y(), (g, y, need) -> new Tensor[] {
            need[0] ? conv2dInputGrad(g, w, xs, spec) : null,
            need[1] ? conv2dWeightGrad(kept, xk, g, xs, ws, spec) : null,
            need[2] ? g.sum(new int[] {0, 2, 3}, true).reshape(ws.dim(0)) : null
          }, x, w, b);
    if (t.node != null) {
      if (kept != null) t.node.keptForRule = kept;
      // x is read by this rule alone (the weight gradient, through xk), so a container that
      // hands x over (a max pool's output) can have it released once the rule has run
      t.node.input0OnlyHere = true;
    }
    return readsInput0ThroughRecipe(t, x);
  }

  /** The weight gradient in a convolution's rule: from what the forward pass kept when it may, else from x. */
  private static Tensor conv2dWeightGrad(Storage kept, Kept xk, Tensor g0, Shape xs, Shape ws, Conv2dSpec spec) {
    if (kept == null || Trace.anyOpenHere()) return conv2dWeightGrad(xk.get(), g0, ws, spec);
    // nothing is recorded: a plain tensor, whose rule (which reads x) no reverse pass will ask for
    Storage s = g0.backend().conv2dBackwardWeightKept(kept, xs, g0.storage, g0.shape, ws, spec);
    return new Tensor(ws, g0.dtype, s, null);
  }

  /** The input gradient of conv2d, linear in both g and w. */
  static Tensor conv2dInputGrad(Tensor g0, Tensor w, Shape xs, Conv2dSpec spec) {
    Backend be = sameBackend("conv2d", g0, w);
    Storage s = be.conv2dBackwardInput(g0.storage, g0.shape, w.storage, w.shape, xs, spec);
    return result("conv2dInputGrad", xs, g0.dtype, s, (c, y, need) -> new Tensor[] {
      need[0] ? conv2d(c, w, spec) : null,
      need[1] ? conv2dWeightGrad(c, g0, w.shape, spec) : null
    }, g0, w);
  }

  /** The weight gradient of conv2d, linear in both x and g. */
  static Tensor conv2dWeightGrad(Tensor x, Tensor g0, Shape ws, Conv2dSpec spec) {
    Backend be = sameBackend("conv2d", x, g0);
    Storage s = be.conv2dBackwardWeight(x.storage, x.shape, g0.storage, g0.shape, ws, spec);
    return result("conv2dWeightGrad", ws, x.dtype, s, (c, y, need) -> new Tensor[] {
      need[0] ? conv2dInputGrad(g0, c, x.shape, spec) : null,
      need[1] ? conv2d(x, c, spec) : null
    }, x, g0);
  }

  // ------------------------------------------------------------------ pooling

  static Tensor pool2d(PoolKind kind, Tensor x, Pool2dSpec spec) {
    if (x.rank() != 4) throw new IllegalArgumentException(kind.name().toLowerCase() + "Pool2d: input must be NCHW (rank 4), got " + x.shape);
    int oh = spec.outH(x.dim(2)), ow = spec.outW(x.dim(3));
    if (oh < 1 || ow < 1) throw new IllegalArgumentException("pool2d: window " + spec + " does not fit input " + x.shape);
    Shape out = Shape.of(x.dim(0), x.dim(1), oh, ow);
    Storage s = x.backend().pool2d(kind, x.storage, x.shape, spec);
    Kept xk = kept(x);
    return readsInput0ThroughRecipe(
        result(kind.name().toLowerCase() + "Pool2d", out, x.dtype, s, (g, y, need) -> new Tensor[] {pool2dBackward(kind, Autodiff.stopGradient(xk.get()), g, spec)}, x), x);
  }

  /** The pooling gradient: linear in g; x (a constant here) only fixes where the maxima are. */
  static Tensor pool2dBackward(PoolKind kind, Tensor x, Tensor g0, Pool2dSpec spec) {
    Storage s = x.backend().pool2dBackward(kind, x.storage, x.shape, g0.storage, spec);
    return result("pool2dBackward", x.shape, x.dtype, s, (c, y, need) -> new Tensor[] {
      kind == PoolKind.AVG ? pool2d(PoolKind.AVG, c, spec) : maxPool2dGather(x, c, spec)
    }, g0);
  }

  static Tensor maxPool2dGather(Tensor x, Tensor c0, Pool2dSpec spec) {
    Storage s = x.backend().maxPool2dGather(x.storage, x.shape, c0.storage, spec);
    Shape out = Shape.of(x.dim(0), x.dim(1), spec.outH(x.dim(2)), spec.outW(x.dim(3)));
    return result("maxPool2dGather", out, x.dtype, s, (g, y, need) -> new Tensor[] {pool2dBackward(PoolKind.MAX, x, g, spec)}, c0);
  }
}
