package arcus.core.cpu;

import arcus.core.Shape;

/**
 * Data movement for the shape ops. Written once for both element types: every kernel moves
 * contiguous blocks with System.arraycopy (which takes float[] and double[] alike); only the
 * accumulating scatter needs typed loops.
 */
final class ShapeKernels {
  private ShapeKernels() {}

  static Object alloc(Object like, int n) {
    return like instanceof float[] ? new float[n] : new double[n];
  }

  static Object permute(Object x, Shape xs, int[] perm) {
    int r = xs.rank();
    int[] xst = xs.strides();
    int[] od = new int[r];
    int[] srcStride = new int[r];
    for (int i = 0; i < r; i++) {
      od[i] = xs.dim(perm[i]);
      srcStride[i] = xst[perm[i]];
    }
    int n = xs.size();
    Object out = alloc(x, n);
    if (n == 0) return out;
    int inner = od[r - 1], is = srcStride[r - 1];
    int outer = n / inner;
    Parallel.forRange(outer, Math.max(1, 16384 / inner), (from, to) -> {
      for (int run = from; run < to; run++) {
        int rem = run, off = 0;
        for (int i = r - 2; i >= 0; i--) {
          off += (rem % od[i]) * srcStride[i];
          rem /= od[i];
        }
        int o = run * inner;
        if (x instanceof float[] xf) {
          float[] of = (float[]) out;
          for (int k = 0; k < inner; k++) of[o + k] = xf[off + k * is];
        } else {
          double[] xd = (double[]) x, odd = (double[]) out;
          for (int k = 0; k < inner; k++) odd[o + k] = xd[off + k * is];
        }
      }
    });
    return out;
  }

  static Object broadcastTo(Object x, Shape xs, Shape out) {
    Broadcast p = Broadcast.plan(out, xs);
    Object y = alloc(x, out.size());
    int inner = p.inner(), s = p.innerStride(0);
    for (int r = 0, n = p.outer(); r < n; r++) {
      int xo = p.offset(0, r);
      if (s == 1) System.arraycopy(x, xo, y, r * inner, inner);
      else if (x instanceof float[] xf) java.util.Arrays.fill((float[]) y, r * inner, (r + 1) * inner, xf[xo]);
      else java.util.Arrays.fill((double[]) y, r * inner, (r + 1) * inner, ((double[]) x)[xo]);
    }
    return y;
  }

  /** Copies the box [begin, begin+box) of src (shape ss) into dst (shape ds) at dstBegin. */
  static void copyBox(Object src, Shape ss, int[] srcBegin, Object dst, Shape ds, int[] dstBegin, int[] box) {
    int r = box.length;
    if (r == 0) {
      System.arraycopy(src, 0, dst, 0, 1);
      return;
    }
    for (int b : box) if (b == 0) return;
    int[] sst = ss.strides(), dst_ = ds.strides();
    int inner = box[r - 1];
    int outer = 1;
    for (int i = 0; i < r - 1; i++) outer *= box[i];
    for (int run = 0; run < outer; run++) {
      int rem = run, so = srcBegin[r - 1], doff = dstBegin[r - 1];
      for (int i = r - 2; i >= 0; i--) {
        int c = rem % box[i];
        rem /= box[i];
        so += (c + srcBegin[i]) * sst[i];
        doff += (c + dstBegin[i]) * dst_[i];
      }
      System.arraycopy(src, so, dst, doff, inner);
    }
  }

  static Object slice(Object x, Shape xs, int[] begin, int[] end) {
    int[] box = new int[begin.length];
    for (int i = 0; i < box.length; i++) box[i] = end[i] - begin[i];
    Shape os = Shape.of(box);
    Object out = alloc(x, os.size());
    copyBox(x, xs, begin, out, os, new int[box.length], box);
    return out;
  }

  static Object pad(Object x, Shape xs, int[] before, int[] after) {
    int[] d = new int[xs.rank()];
    for (int i = 0; i < d.length; i++) d[i] = xs.dim(i) + before[i] + after[i];
    Shape os = Shape.of(d);
    Object out = alloc(x, os.size());
    copyBox(x, xs, new int[d.length], out, os, before, xs.dims());
    return out;
  }

  static Object concat(Object[] parts, Shape[] shapes, int axis, Shape out) {
    Object y = alloc(parts[0], out.size());
    int[] at = new int[out.rank()];
    for (int i = 0; i < parts.length; i++) {
      copyBox(parts[i], shapes[i], new int[out.rank()], y, out, at.clone(), shapes[i].dims());
      at[axis] += shapes[i].dim(axis);
    }
    return y;
  }

  private static int[] split(Shape s, int axis) {
    int outer = 1, inner = 1;
    for (int i = 0; i < axis; i++) outer *= s.dim(i);
    for (int i = axis + 1; i < s.rank(); i++) inner *= s.dim(i);
    return new int[] {outer, s.dim(axis), inner};
  }

  static Object takeAlong(Object x, Shape xs, int axis, int[] idx) {
    int[] oai = split(xs, axis);
    int outer = oai[0], a = oai[1], inner = oai[2];
    Object y = alloc(x, outer * inner);
    for (int o = 0; o < outer; o++)
      for (int i = 0; i < inner; i++) {
        int p = o * inner + i;
        System.arraycopy(x, (o * a + idx[p]) * inner + i, y, p, 1);
      }
    return y;
  }

  static Object scatterAlong(Object g, int axis, int[] idx, int size, Shape outShape) {
    int[] oai = split(outShape, axis);
    int outer = oai[0], inner = oai[2];
    Object y = alloc(g, outShape.size());
    for (int o = 0; o < outer; o++)
      for (int i = 0; i < inner; i++) {
        int p = o * inner + i;
        System.arraycopy(g, p, y, (o * size + idx[p]) * inner + i, 1);
      }
    return y;
  }

  static Object indexSelect(Object x, Shape xs, int axis, int[] idx) {
    int[] oai = split(xs, axis);
    int outer = oai[0], a = oai[1], inner = oai[2];
    Object y = alloc(x, outer * idx.length * inner);
    for (int o = 0; o < outer; o++)
      for (int j = 0; j < idx.length; j++)
        System.arraycopy(x, (o * a + idx[j]) * inner, y, (o * idx.length + j) * inner, inner);
    return y;
  }

  static Object indexAdd(Object g, Shape gs, int axis, int[] idx, int size) {
    int[] oai = split(gs, axis);
    int outer = oai[0], n = oai[1], inner = oai[2];
    Object y = alloc(g, outer * size * inner);
    for (int o = 0; o < outer; o++)
      for (int j = 0; j < n; j++) {
        int src = (o * n + j) * inner, dst = (o * size + idx[j]) * inner;
        if (g instanceof float[] gf) {
          float[] yf = (float[]) y;
          for (int i = 0; i < inner; i++) yf[dst + i] += gf[src + i];
        } else {
          double[] gd = (double[]) g, yd = (double[]) y;
          for (int i = 0; i < inner; i++) yd[dst + i] += gd[src + i];
        }
      }
    return y;
  }
}
