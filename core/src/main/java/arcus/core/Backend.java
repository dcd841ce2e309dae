package arcus.core;

/**
 * The kernels behind every primitive op, in terms of storages and shapes. A backend owns the
 * storages it returns; inputs always come from the same backend (the engine checks). The CPU
 * backend is the default and the reference every other backend is tested against.
 *
 * <p>Shapes passed in describe contiguous row-major data. Every method returns a new storage and
 * never writes its inputs.
 */
public interface Backend {
  String name();

  /** Wraps host data; the backend takes ownership of the array (callers pass a fresh one). */
  Storage fromHost(float[] data);

  Storage fromHost(double[] data);

  /** Copies the data to a fresh host array, converting to float if needed. */
  float[] toFloatArray(Storage s);

  double[] toDoubleArray(Storage s);

  Storage cast(Storage s, DType to);

  Storage fill(DType dtype, int size, double value);

  Storage unary(UnaryOp op, Storage x);

  Storage binary(BinaryOp op, Storage a, Shape as, Storage b, Shape bs, Shape out);

  /** out = cond != 0 ? a : b, all three broadcast to {@code out}. */
  Storage where(Storage cond, Shape cs, Storage a, Shape as, Storage b, Shape bs, Shape out);

  /** Reduces the axes flagged in {@code axes}; the result has those axes kept with size 1. */
  Storage reduce(ReduceOp op, Storage x, Shape xs, boolean[] axes);

  /** Index of the first maximum along {@code axis}, for each position of the other axes. */
  int[] argmax(Storage x, Shape xs, int axis);

  Storage permute(Storage x, Shape xs, int[] perm);

  Storage broadcastTo(Storage x, Shape xs, Shape out);

  /** The box [begin, end) of x. */
  Storage slice(Storage x, Shape xs, int[] begin, int[] end);

  /** x surrounded by zeros: {@code before[i]} and {@code after[i]} cells on axis i. */
  Storage pad(Storage x, Shape xs, int[] before, int[] after);

  Storage concat(Storage[] parts, Shape[] shapes, int axis, Shape out);

  /** out[..., ...] = x[..., idx[p], ...]: one element along {@code axis} per position p of the other axes. */
  Storage takeAlong(Storage x, Shape xs, int axis, int[] idx);

  /** Adjoint of takeAlong: zeros of size {@code size} along {@code axis} with g placed at idx. */
  Storage scatterAlong(Storage g, Shape gs, int axis, int[] idx, int size);

  /** Selects whole slices: out has idx.length entries along {@code axis}, entry i = x's entry idx[i]. */
  Storage indexSelect(Storage x, Shape xs, int axis, int[] idx);

  /** Adjoint of indexSelect: sums the slices of g into positions idx of a zero tensor of {@code size} entries. */
  Storage indexAdd(Storage g, Shape gs, int axis, int[] idx, int size);

  Storage matmul(Storage a, Storage b, MatmulSpec spec);

  Storage conv2d(Storage x, Shape xs, Storage w, Shape ws, Conv2dSpec spec);

  /**
   * conv2d plus a bias b [outC] added to every output of channel c. The default adds it with a
   * broadcast {@link #binary}; a backend may add it into the convolution's output in place.
   */
  default Storage conv2dBias(Storage x, Shape xs, Storage w, Shape ws, Storage b, Conv2dSpec spec) {
    Storage y = conv2d(x, xs, w, ws, spec);
    Shape ys = Shape.of(xs.dim(0), ws.dim(0), spec.outH(xs.dim(2), ws.dim(2)), spec.outW(xs.dim(3), ws.dim(3)));
    return binary(BinaryOp.ADD, y, ys, b, Shape.of(1, ws.dim(0), 1, 1), ys);
  }

  Storage conv2dBackwardInput(Storage gy, Shape ys, Storage w, Shape ws, Shape xs, Conv2dSpec spec);

  /** A forward convolution's output y, and what the backend kept of its work for the weight gradient (null: nothing). */
  record ConvForward(Storage y, Storage kept) {}

  /**
   * conv2d, plus the bias b when it is not null, in a recorded forward pass whose weights are
   * differentiated: the backend may keep part of its work (the CPU backend: the input's Winograd
   * transform) for {@link #conv2dBackwardWeightKept}, which then needs neither x nor that work
   * again. The default keeps nothing.
   */
  default ConvForward conv2dForTraining(Storage x, Shape xs, Storage w, Shape ws, Storage b, Conv2dSpec spec) {
    return new ConvForward(conv2dOptionalBias(x, xs, w, ws, b, spec), null);
  }

  /** {@link #conv2d}, or {@link #conv2dBias} when b is not null. */
  default Storage conv2dOptionalBias(Storage x, Shape xs, Storage w, Shape ws, Storage b, Conv2dSpec spec) {
    return b == null ? conv2d(x, xs, w, ws, spec) : conv2dBias(x, xs, w, ws, b, spec);
  }

  /** The weight gradient from what {@link #conv2dForTraining} kept: the same values as {@link #conv2dBackwardWeight} from x. */
  default Storage conv2dBackwardWeightKept(Storage kept, Shape xs, Storage gy, Shape ys, Shape ws, Conv2dSpec spec) {
    throw new UnsupportedOperationException(name() + ": keeps nothing from a forward convolution");
  }

  Storage conv2dBackwardWeight(Storage x, Shape xs, Storage gy, Shape ys, Shape ws, Conv2dSpec spec);

  Storage pool2d(PoolKind kind, Storage x, Shape xs, Pool2dSpec spec);

  /** Gradient of pool2d with respect to x, given the output cotangent gy. */
  Storage pool2dBackward(PoolKind kind, Storage x, Shape xs, Storage gy, Pool2dSpec spec);

  /** Adjoint of the max-pool backward in gy: gy'[o] = gx[argmax window o of x]. */
  Storage maxPool2dGather(Storage x, Shape xs, Storage gx, Pool2dSpec spec);

  /**
   * A one-shot reverse pass starts on this thread (nothing it computes is recorded for another
   * differentiation): from here until {@link #endReversePass} the backend may reuse the memory
   * of storages handed to {@link #recycle}. Returns whether it did open such a region (false:
   * not supported, switched off, or one is open already; then {@code endReversePass} is not called).
   */
  default boolean beginReversePass() {
    return false;
  }

  default void endReversePass() {}

  /**
   * Nothing refers to {@code s} any more (the caller guarantees it): its memory may back a later
   * result of the open reverse pass. Backends accept only storages they created in that pass.
   */
  default void recycle(Storage s) {}

  /**
   * Nothing refers to {@code s} any more and nothing will read it again (the caller guarantees
   * it; see {@link Autodiff#releaseConsumed}): its memory may back any later result computed on
   * this thread. Backends that do not reuse memory ignore it.
   */
  default void release(Storage s) {}
}
