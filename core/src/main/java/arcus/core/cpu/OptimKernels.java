package arcus.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGD-with-momentum step in one pass. Composed from elementwise ops it took six passes over
 * every parameter, each writing a new array: 1.5 ms of LeNet's 40 ms one-thread step, 3 ms of the
 * MNIST network's. Each value is rounded exactly where the elementwise ops round it (the scalars
 * as the dtype's constants, a multiply then an add, never a fused multiply-add), so the results
 * are theirs bit for bit. The weight-decay and plain forms are separate loops: a vector chosen
 * between two branches inside one loop is boxed by C2.
 */
final class OptimKernels {
  private OptimKernels() {}

  private static final VectorSpecies<Float> FS = Species.FLOAT;
  /** Elements per chunk: the MNIST network's 64 × 64 × 3 × 3 weights (36,864) split over two threads. */
  private static final int GRAIN = 1 << 13;

  static void sgdMomentum(float[] p, float[] g, float[] buf, int n, double weightDecay, double momentum, double lr, float[] pOut,
                          float[] bufOut) {
    float wd = (float) weightDecay, mu = (float) momentum, rate = (float) lr;
    boolean decay = weightDecay != 0;
    Parallel.forRange(n, GRAIN, (from, to) -> {
      if (decay) decayRun(p, g, buf, from, to, wd, mu, rate, pOut, bufOut);
      else plainRun(p, g, buf, from, to, mu, rate, pOut, bufOut);
    });
  }

  /** g' = g + p·wd; buf' = buf·μ + g'; p' = p − buf'·lr. */
  private static void decayRun(float[] p, float[] g, float[] buf, int from, int to, float wd, float mu, float lr, float[] pOut, float[] bufOut) {
    FloatVector wv = FloatVector.broadcast(FS, wd), mv = FloatVector.broadcast(FS, mu), lv = FloatVector.broadcast(FS, lr);
    int i = from, upper = from + FS.loopBound(to - from);
    for (; i < upper; i += FS.length()) {
      FloatVector pv = FloatVector.fromArray(FS, p, i);
      FloatVector gv = FloatVector.fromArray(FS, g, i).add(pv.mul(wv));
      FloatVector b = FloatVector.fromArray(FS, buf, i).mul(mv).add(gv);
      b.intoArray(bufOut, i);
      pv.sub(b.mul(lv)).intoArray(pOut, i);
    }
    for (; i < to; i++) {
      float gv = g[i] + p[i] * wd, b = buf[i] * mu + gv;
      bufOut[i] = b;
      pOut[i] = p[i] - b * lr;
    }
  }

  /** buf' = buf·μ + g; p' = p − buf'·lr. */
  private static void plainRun(float[] p, float[] g, float[] buf, int from, int to, float mu, float lr, float[] pOut, float[] bufOut) {
    FloatVector mv = FloatVector.broadcast(FS, mu), lv = FloatVector.broadcast(FS, lr);
    int i = from, upper = from + FS.loopBound(to - from);
    for (; i < upper; i += FS.length()) {
      FloatVector b = FloatVector.fromArray(FS, buf, i).mul(mv).add(FloatVector.fromArray(FS, g, i));
      b.intoArray(bufOut, i);
      FloatVector.fromArray(FS, p, i).sub(b.mul(lv)).intoArray(pOut, i);
    }
    for (; i < to; i++) {
      float b = buf[i] * mu + g[i];
      bufOut[i] = b;
      pOut[i] = p[i] - b * lr;
    }
  }

  static void sgdMomentum(double[] p, double[] g, double[] buf, int n, double weightDecay, double momentum, double lr, double[] pOut,
                          double[] bufOut) {
    boolean decay = weightDecay != 0;
    for (int i = 0; i < n; i++) {
      double gv = decay ? g[i] + p[i] * weightDecay : g[i], b = buf[i] * momentum + gv;
      bufOut[i] = b;
      pOut[i] = p[i] - b * lr;
    }
  }
}
