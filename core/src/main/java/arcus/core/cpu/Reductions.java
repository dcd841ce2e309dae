package arcus.core.cpu;

import arcus.core.ReduceOp;
import arcus.core.Shape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Sum and max over any set of axes. The input is walked in memory order as inner runs (see
 * {@link Broadcast}); the output's stride along a run is 0 (the run reduces into one cell) or 1
 * (the run adds into a row). Runs are split over threads, each with its own partial output,
 * and the partials are combined at the end, so no two threads write one cell.
 */
final class Reductions {
  private Reductions() {}

  private static final int GRAIN = 1 << 15;

  static float[] reduce(ReduceOp op, float[] x, Shape xs, Shape kept) {
    Broadcast p = Broadcast.plan(xs, kept, xs);
    int inner = p.inner(), outer = p.outer();
    int os = p.innerStride(0);
    boolean max = op == ReduceOp.MAX;
    int chunks = Math.max(1, Math.min(Parallel.threads(), (int) Math.min(outer, ((long) outer * inner) / GRAIN)));
    if ((long) chunks * kept.size() > 4L * xs.size() + 4096) chunks = 1;
    float[][] parts = new float[chunks][];
    int fchunks = chunks;
    Parallel.forRange(chunks, 1, (c0, c1) -> {
      for (int c = c0; c < c1; c++) {
        float[] out = new float[kept.size()];
        if (max) java.util.Arrays.fill(out, Float.NEGATIVE_INFINITY);
        int from = (int) ((long) outer * c / fchunks), to = (int) ((long) outer * (c + 1) / fchunks);
        for (int r = from; r < to; r++) {
          int xo = p.offset(1, r), oo = p.offset(0, r);
          if (os == 0) {
            float v = max ? maxRun(x, xo, inner) : sumRun(x, xo, inner);
            out[oo] = max ? Math.max(out[oo], v) : out[oo] + v;
          } else if (max) {
            for (int i = 0; i < inner; i++) out[oo + i] = Math.max(out[oo + i], x[xo + i]);
          } else {
            addRun(x, xo, out, oo, inner);
          }
        }
        parts[c] = out;
      }
    });
    float[] out = parts[0];
    for (int c = 1; c < chunks; c++)
      for (int i = 0; i < out.length; i++) out[i] = max ? Math.max(out[i], parts[c][i]) : out[i] + parts[c][i];
    return out;
  }

  /**
   * Σ x[off, off + len) in float: four accumulators over whole vectors (vector j of the run into
   * accumulator j mod 4), added as (a0 + a1) + (a2 + a3), the lanes summed by {@link Lanes#sum},
   * then the tail in order. One accumulator was a chain of dependent adds, three cycles each,
   * where the loads need less than one.
   */
  static float sumRun(float[] x, int off, int len) {
    var fs = Elementwise.FS;
    int l = fs.length(), i = 0, upper = fs.loopBound(len);
    FloatVector a0 = FloatVector.zero(fs), a1 = a0, a2 = a0, a3 = a0;
    for (; i <= upper - 4 * l; i += 4 * l) {
      a0 = a0.add(FloatVector.fromArray(fs, x, off + i));
      a1 = a1.add(FloatVector.fromArray(fs, x, off + i + l));
      a2 = a2.add(FloatVector.fromArray(fs, x, off + i + 2 * l));
      a3 = a3.add(FloatVector.fromArray(fs, x, off + i + 3 * l));
    }
    if (i < upper) {
      a0 = a0.add(FloatVector.fromArray(fs, x, off + i));
      i += l;
    }
    if (i < upper) {
      a1 = a1.add(FloatVector.fromArray(fs, x, off + i));
      i += l;
    }
    if (i < upper) {
      a2 = a2.add(FloatVector.fromArray(fs, x, off + i));
      i += l;
    }
    float s = Lanes.sum(a0.add(a1).add(a2.add(a3)));
    for (; i < len; i++) s += x[off + i];
    return s;
  }

  static float maxRun(float[] x, int off, int len) {
    var fs = Elementwise.FS;
    int i = 0, upper = fs.loopBound(len);
    float m = Float.NEGATIVE_INFINITY;
    if (upper > 0) {
      FloatVector acc = FloatVector.broadcast(fs, Float.NEGATIVE_INFINITY);
      for (; i < upper; i += fs.length()) acc = acc.max(FloatVector.fromArray(fs, x, off + i));
      m = acc.reduceLanes(VectorOperators.MAX);
    }
    for (; i < len; i++) m = Math.max(m, x[off + i]);
    return m;
  }

  static void addRun(float[] x, int xo, float[] out, int oo, int len) {
    var fs = Elementwise.FS;
    int i = 0, upper = fs.loopBound(len);
    for (; i < upper; i += fs.length())
      FloatVector.fromArray(fs, out, oo + i).add(FloatVector.fromArray(fs, x, xo + i)).intoArray(out, oo + i);
    for (; i < len; i++) out[oo + i] += x[xo + i];
  }

  static double[] reduce(ReduceOp op, double[] x, Shape xs, Shape kept) {
    Broadcast p = Broadcast.plan(xs, kept, xs);
    int inner = p.inner(), outer = p.outer();
    int os = p.innerStride(0);
    boolean max = op == ReduceOp.MAX;
    double[] out = new double[kept.size()];
    if (max) java.util.Arrays.fill(out, Double.NEGATIVE_INFINITY);
    for (int r = 0; r < outer; r++) {
      int xo = p.offset(1, r), oo = p.offset(0, r);
      for (int i = 0; i < inner; i++) {
        int o = oo + i * os;
        out[o] = max ? Math.max(out[o], x[xo + i]) : out[o] + x[xo + i];
      }
    }
    return out;
  }

  static int[] argmax(float[] xf, double[] xd, Shape xs, int axis) {
    int a = xs.dim(axis);
    int inner = 1, outer = 1;
    for (int i = axis + 1; i < xs.rank(); i++) inner *= xs.dim(i);
    for (int i = 0; i < axis; i++) outer *= xs.dim(i);
    int[] out = new int[outer * inner];
    for (int o = 0; o < outer; o++)
      for (int i = 0; i < inner; i++) {
        int best = 0;
        double bv = xf != null ? xf[o * a * inner + i] : xd[o * a * inner + i];
        for (int k = 1; k < a; k++) {
          int idx = (o * a + k) * inner + i;
          double v = xf != null ? xf[idx] : xd[idx];
          if (v > bv) {
            bv = v;
            best = k;
          }
        }
        out[o * inner + i] = best;
      }
    return out;
  }
}
