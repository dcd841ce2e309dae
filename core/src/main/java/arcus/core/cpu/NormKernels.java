package arcus.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused batch-norm and PReLU kernels over [N, C, S] data (S = product of the spatial axes).
 * Work is split over channels, so each thread owns its channels' statistics and outputs.
 * Statistics accumulate in double: a channel of a 256×28×28 batch has 200k values.
 */
final class NormKernels {
  private NormKernels() {}

  private static final VectorSpecies<Float> FS = Species.FLOAT;

  /** mean[c], var[c] (biased) and y = (x − mean)·γ/√(var + ε) + β. */
  static void batchNormTrain(float[] x, int n, int c, int s, float[] gamma, float[] beta, double eps, float[] y, float[] mean, float[] var) {
    Parallel.forRange(c, 1, (c0, c1) -> {
      for (int ch = c0; ch < c1; ch++) {
        double sum = 0;
        for (int b = 0; b < n; b++) sum += Reductions.sumRun(x, (b * c + ch) * s, s);
        double m = sum / ((double) n * s);
        double sq = 0;
        for (int b = 0; b < n; b++) sq += sqDevRun(x, (b * c + ch) * s, s, (float) m);
        double v = sq / ((double) n * s);
        mean[ch] = (float) m;
        var[ch] = (float) v;
        normalize(x, y, n, c, s, ch, (float) m, v, gamma[ch], beta[ch], eps);
      }
    });
  }

  /**
   * Channel ch of y = (x − m)·γ/√(v + ε) + β, subtracting first: folding m into the shift
   * (x·scale + shift) cancels catastrophically when |x·scale| ≫ |y|, e.g. one value per channel
   * (var = 0, scale = γ/√ε), where it gave errors of 1e-4 instead of exactly β.
   */
  private static void normalize(float[] x, float[] y, int n, int c, int s, int ch, float m, double v, float gamma, float beta, double eps) {
    float scale = (float) (gamma / Math.sqrt(v + eps));
    for (int b = 0; b < n; b++) affineRun(x, y, (b * c + ch) * s, s, m, scale, beta);
  }

  /** y = (x − mean[c])·γ[c]/√(var[c] + ε) + β[c]: evaluation mode, the statistics given. */
  static void batchNormEval(float[] x, int n, int c, int s, float[] gamma, float[] beta, float[] mean, float[] var, double eps, float[] y) {
    Parallel.forRange(c, 1, (c0, c1) -> {
      for (int ch = c0; ch < c1; ch++) normalize(x, y, n, c, s, ch, mean[ch], var[ch], gamma[ch], beta[ch], eps);
    });
  }

  static void batchNormEval(double[] x, int n, int c, int s, double[] gamma, double[] beta, double[] mean, double[] var, double eps, double[] y) {
    for (int ch = 0; ch < c; ch++) {
      double inv = 1 / Math.sqrt(var[ch] + eps);
      for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) {
        int k = (b * c + ch) * s + i;
        y[k] = (x[k] - mean[ch]) * inv * gamma[ch] + beta[ch];
      }
    }
  }

  /** Σ (x − m)² over a run, four accumulators as in {@link Reductions#sumRun}. */
  private static double sqDevRun(float[] x, int off, int len, float m) {
    int l = FS.length(), i = 0, upper = FS.loopBound(len);
    FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0, mv = FloatVector.broadcast(FS, m);
    for (; i <= upper - 4 * l; i += 4 * l) {
      FloatVector d0 = FloatVector.fromArray(FS, x, off + i).sub(mv), d1 = FloatVector.fromArray(FS, x, off + i + l).sub(mv);
      FloatVector d2 = FloatVector.fromArray(FS, x, off + i + 2 * l).sub(mv), d3 = FloatVector.fromArray(FS, x, off + i + 3 * l).sub(mv);
      a0 = d0.fma(d0, a0);
      a1 = d1.fma(d1, a1);
      a2 = d2.fma(d2, a2);
      a3 = d3.fma(d3, a3);
    }
    if (i < upper) {
      FloatVector d = FloatVector.fromArray(FS, x, off + i).sub(mv);
      a0 = d.fma(d, a0);
      i += l;
    }
    if (i < upper) {
      FloatVector d = FloatVector.fromArray(FS, x, off + i).sub(mv);
      a1 = d.fma(d, a1);
      i += l;
    }
    if (i < upper) {
      FloatVector d = FloatVector.fromArray(FS, x, off + i).sub(mv);
      a2 = d.fma(d, a2);
      i += l;
    }
    double r = Lanes.sum(a0.add(a1).add(a2.add(a3)));
    for (; i < len; i++) {
      double d = x[off + i] - m;
      r += d * d;
    }
    return r;
  }

  /** y = (x − m)·a + b, with the same fma in the vector lanes and the tail. */
  private static void affineRun(float[] x, float[] y, int off, int len, float m, float a, float b) {
    int i = 0, upper = FS.loopBound(len);
    FloatVector mv = FloatVector.broadcast(FS, m), av = FloatVector.broadcast(FS, a), bv = FloatVector.broadcast(FS, b);
    for (; i < upper; i += FS.length()) FloatVector.fromArray(FS, x, off + i).sub(mv).fma(av, bv).intoArray(y, off + i);
    for (; i < len; i++) y[off + i] = Math.fma(x[off + i] - m, a, b);
  }

  /**
   * With x̂ = (x − mean)/σ: dβ = Σ g, dγ = Σ g·x̂, dx = γ/(σ·M) · (M·g − dβ − x̂·dγ), M = N·S.
   */
  static void batchNormTrainBackward(float[] x, int n, int c, int s, float[] gamma, float[] mean, float[] var, double eps, float[] g,
                                     float[] dx, float[] dgamma, float[] dbeta) {
    double count = (double) n * s;
    Parallel.forRange(c, 1, (c0, c1) -> {
      for (int ch = c0; ch < c1; ch++) {
        float m = mean[ch];
        double inv = 1.0 / Math.sqrt(var[ch] + eps);
        double sg = 0, sgx = 0;
        for (int b = 0; b < n; b++) {
          int off = (b * c + ch) * s;
          sg += Reductions.sumRun(g, off, s);
          sgx += dotDevRun(g, x, off, s, m);
        }
        sgx *= inv;
        dbeta[ch] = (float) sg;
        dgamma[ch] = (float) sgx;
        // dx = k1·(g − ḡ) + k2·(x − m) with k1 = γσ⁻¹, k2 = −γσ⁻²·Σg·x̂/M, ḡ = Σg/M. Both differences
        // are formed before scaling: k1·g − k1·ḡ cancels catastrophically when the channel is
        // nearly constant (one value per channel: dx must be exactly 0).
        float k1 = (float) (gamma[ch] * inv);
        float k2 = (float) (-gamma[ch] * inv * inv * sgx / count);
        float gbar = (float) (sg / count);
        for (int b = 0; b < n; b++) bnBackRun(g, x, dx, (b * c + ch) * s, s, gbar, m, k1, k2);
      }
    });
  }

  /** Σ g·(x − m) over a run, four accumulators as in {@link Reductions#sumRun}. */
  private static double dotDevRun(float[] g, float[] x, int off, int len, float m) {
    int l = FS.length(), i = 0, upper = FS.loopBound(len);
    FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0, mv = FloatVector.broadcast(FS, m);
    for (; i <= upper - 4 * l; i += 4 * l) {
      a0 = FloatVector.fromArray(FS, x, off + i).sub(mv).fma(FloatVector.fromArray(FS, g, off + i), a0);
      a1 = FloatVector.fromArray(FS, x, off + i + l).sub(mv).fma(FloatVector.fromArray(FS, g, off + i + l), a1);
      a2 = FloatVector.fromArray(FS, x, off + i + 2 * l).sub(mv).fma(FloatVector.fromArray(FS, g, off + i + 2 * l), a2);
      a3 = FloatVector.fromArray(FS, x, off + i + 3 * l).sub(mv).fma(FloatVector.fromArray(FS, g, off + i + 3 * l), a3);
    }
    if (i < upper) {
      a0 = FloatVector.fromArray(FS, x, off + i).sub(mv).fma(FloatVector.fromArray(FS, g, off + i), a0);
      i += l;
    }
    if (i < upper) {
      a1 = FloatVector.fromArray(FS, x, off + i).sub(mv).fma(FloatVector.fromArray(FS, g, off + i), a1);
      i += l;
    }
    if (i < upper) {
      a2 = FloatVector.fromArray(FS, x, off + i).sub(mv).fma(FloatVector.fromArray(FS, g, off + i), a2);
      i += l;
    }
    double r = Lanes.sum(a0.add(a1).add(a2.add(a3)));
    for (; i < len; i++) r += (double) g[off + i] * (x[off + i] - m);
    return r;
  }

  private static void bnBackRun(float[] g, float[] x, float[] dx, int off, int len, float gbar, float m, float k1, float k2) {
    int i = 0, upper = FS.loopBound(len);
    FloatVector gm = FloatVector.broadcast(FS, gbar), mv = FloatVector.broadcast(FS, m), a = FloatVector.broadcast(FS, k1),
        b = FloatVector.broadcast(FS, k2);
    for (; i < upper; i += FS.length()) {
      FloatVector gv = FloatVector.fromArray(FS, g, off + i), xv = FloatVector.fromArray(FS, x, off + i);
      gv.sub(gm).fma(a, xv.sub(mv).mul(b)).intoArray(dx, off + i);
    }
    for (; i < len; i++) dx[off + i] = Math.fma(g[off + i] - gbar, k1, (x[off + i] - m) * k2);
  }

  static void batchNormTrain(double[] x, int n, int c, int s, double[] gamma, double[] beta, double eps, double[] y, double[] mean, double[] var) {
    for (int ch = 0; ch < c; ch++) {
      double sum = 0;
      for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) sum += x[(b * c + ch) * s + i];
      double m = sum / ((double) n * s), sq = 0;
      for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) {
        double d = x[(b * c + ch) * s + i] - m;
        sq += d * d;
      }
      double v = sq / ((double) n * s), inv = 1 / Math.sqrt(v + eps);
      mean[ch] = m;
      var[ch] = v;
      for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) {
        int k = (b * c + ch) * s + i;
        y[k] = (x[k] - m) * inv * gamma[ch] + beta[ch];
      }
    }
  }

  static void batchNormTrainBackward(double[] x, int n, int c, int s, double[] gamma, double[] mean, double[] var, double eps, double[] g,
                                     double[] dx, double[] dgamma, double[] dbeta) {
    double count = (double) n * s;
    for (int ch = 0; ch < c; ch++) {
      double inv = 1 / Math.sqrt(var[ch] + eps), sg = 0, sgx = 0;
      for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) {
        int k = (b * c + ch) * s + i;
        sg += g[k];
        sgx += g[k] * (x[k] - mean[ch]) * inv;
      }
      dbeta[ch] = sg;
      dgamma[ch] = sgx;
      for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) {
        int k = (b * c + ch) * s + i;
        double xh = (x[k] - mean[ch]) * inv;
        dx[k] = gamma[ch] * inv / count * (count * g[k] - sg - xh * sgx);
      }
    }
  }

  /**
   * y[b, ch, :] += bias[ch], in place (y is a convolution's fresh output): one float addition per
   * element, in vectors then the tail. Written out rather than through {@code SimdLoops.binary}:
   * called once per (image, channel) run, that entry's stride checks and op switch were 1.5% of
   * LeNet's one-thread training step (its second layer's runs are 64 floats).
   */
  static void addChannelBias(float[] y, int n, int c, int s, float[] bias) {
    Parallel.forRange(n * c, Math.max(1, 16384 / Math.max(1, s)), (r0, r1) -> {
      int upper = FS.loopBound(s);
      for (int r = r0; r < r1; r++) {
        int off = r * s, i = 0;
        float b = bias[r % c];
        FloatVector bv = FloatVector.broadcast(FS, b);
        for (; i < upper; i += FS.length()) FloatVector.fromArray(FS, y, off + i).add(bv).intoArray(y, off + i);
        for (; i < s; i++) y[off + i] += b;
      }
    });
  }

  static void addChannelBias(double[] y, int n, int c, int s, double[] bias) {
    for (int r = 0; r < n * c; r++) {
      double b = bias[r % c];
      for (int i = r * s; i < (r + 1) * s; i++) y[i] += b;
    }
  }

  static void prelu(float[] x, int n, int c, int s, float[] alpha, float[] y) {
    Parallel.forRange(n * c, Math.max(1, 16384 / Math.max(1, s)), (r0, r1) -> {
      for (int r = r0; r < r1; r++) {
        int off = r * s, i = 0, upper = FS.loopBound(s);
        float a = alpha[r % c];
        FloatVector av = FloatVector.broadcast(FS, a);
        for (; i < upper; i += FS.length()) {
          FloatVector v = FloatVector.fromArray(FS, x, off + i);
          v.blend(v.mul(av), v.compare(VectorOperators.LT, 0f)).intoArray(y, off + i);
        }
        for (; i < s; i++) {
          float v = x[off + i];
          y[off + i] = v < 0 ? a * v : v;
        }
      }
    });
  }

  /** dx = g·(x > 0 ? 1 : α), dα[c] = Σ g·min(x, 0); split over channels so dα needs no merging. */
  static void preluBackward(float[] x, int n, int c, int s, float[] alpha, float[] g, float[] dx, float[] dalpha) {
    Parallel.forRange(c, 1, (c0, c1) -> {
      for (int ch = c0; ch < c1; ch++) {
        float a = alpha[ch];
        FloatVector av = FloatVector.broadcast(FS, a);
        double da = 0;
        for (int b = 0; b < n; b++) {
          int off = (b * c + ch) * s, i = 0, upper = FS.loopBound(s);
          FloatVector acc = FloatVector.zero(FS);
          for (; i < upper; i += FS.length()) {
            FloatVector v = FloatVector.fromArray(FS, x, off + i), gv = FloatVector.fromArray(FS, g, off + i);
            var neg = v.compare(VectorOperators.LT, 0f);
            gv.blend(gv.mul(av), neg).intoArray(dx, off + i);
            acc = acc.add(gv.mul(v).blend(0f, neg.not()));
          }
          da += Lanes.sum(acc);
          for (; i < s; i++) {
            float v = x[off + i], gv = g[off + i];
            dx[off + i] = v < 0 ? a * gv : gv;
            if (v < 0) da += gv * v;
          }
        }
        dalpha[ch] = (float) da;
      }
    });
  }

  static void prelu(double[] x, int n, int c, int s, double[] alpha, double[] y) {
    for (int k = 0; k < x.length; k++) y[k] = x[k] < 0 ? alpha[(k / s) % c] * x[k] : x[k];
  }

  static void preluBackward(double[] x, int n, int c, int s, double[] alpha, double[] g, double[] dx, double[] dalpha) {
    java.util.Arrays.fill(dalpha, 0);
    for (int k = 0; k < x.length; k++) {
      int ch = (k / s) % c;
      dx[k] = x[k] < 0 ? alpha[ch] * g[k] : g[k];
      if (x[k] < 0) dalpha[ch] += g[k] * x[k];
    }
  }
}
