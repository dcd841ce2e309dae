package arcus.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused batch-norm and PReLU kernels over [N, C, S] data (S = product of the spatial axes). Work
 * is split over images where there are images for every thread ({@link #BY_IMAGE}: each run's
 * sums stored and added per channel in image order), otherwise over channels; the bits are the
 * same either way. Statistics accumulate in double: a channel of a 256×28×28 batch has 200k values.
 */
final class NormKernels {
  private NormKernels() {}

  private static final VectorSpecies<Float> FS = Species.FLOAT;

  /**
   * Training-mode batch norm split over images rather than channels, when there are images for
   * every thread: each thread then reads the activations the convolution before it wrote on the
   * same thread (the Winograd and im2col passes, the pools split over images too) and writes what
   * the next convolution reads on it. Split over channels, half of every batch norm's input and
   * output crossed between cores, and on this project's 2-core machines a megabyte written by one
   * core read ~3× slower on the other (42 against 14.5 µs, 139 against 48 µs for 4 MB). The per-run
   * sums are stored and added per channel in image order afterwards, so the bits are the same
   * either way. {@code -Darcus.norm.byImage=false} keeps the split over channels; not final so
   * that a measurement can compare both in one JVM.
   */
  static boolean BY_IMAGE = !"false".equals(System.getProperty("arcus.norm.byImage"));

  /**
   * The largest share of an activation per thread (bytes) that is split over images: past it the
   * three passes over a thread's images come from memory, where the split over channels reads each
   * channel once from memory and twice from L2 (batch 256 at 28², 25.7 MB a thread: whole steps
   * 0.985, 0.986, 0.999 split over images in every layer).
   */
  static final long BY_IMAGE_MAX_BYTES = 16L << 20;

  private static boolean byImage(int n, int c, int s) {
    return byImageOnePass(n) && 4L * n * c * s / Parallel.threads() <= BY_IMAGE_MAX_BYTES;
  }

  /** For the kernels that read each cell once (evaluation, the recomputation): no size limit, no channel is read twice either way. */
  private static boolean byImageOnePass(int n) {
    int t = Parallel.threads();
    return BY_IMAGE && t > 1 && n >= t;
  }

  /** The calling thread's buffers for the per-run values of the split over images (reused: at batch 256 they were 11 MB a step). */
  private static final ThreadLocal<double[]> RUNS = ThreadLocal.withInitial(() -> new double[0]);
  private static final ThreadLocal<int[]> COUNTS = ThreadLocal.withInitial(() -> new int[0]);

  private static double[] runs(int len) {
    double[] a = RUNS.get();
    if (a.length < len) RUNS.set(a = new double[len]);
    return a;
  }

  private static int[] counts(int len) {
    int[] a = COUNTS.get();
    if (a.length < len) COUNTS.set(a = new int[len]);
    return a;
  }

  /** mean[c], var[c] (biased) and y = (x − mean)·γ/√(var + ε) + β. */
  static void batchNormTrain(float[] x, int n, int c, int s, float[] gamma, float[] beta, double eps, float[] y, float[] mean, float[] var) {
    batchNormTrain(x, n, c, s, null, gamma, beta, eps, y, mean, var, null);
  }

  /**
   * The same over x = PReLU(z) when {@code alpha} is not null (x = z < 0 ? α[c]·z : z, formed in
   * registers as the PReLU kernel forms it, so the bits are those of the PReLU kernel followed by
   * this one, without writing x or reading it back). {@code scale}, when not null, receives each
   * channel's γ/√(var + ε) as applied (from the unrounded variance), for {@link #batchNormApply}.
   */
  static void batchNormTrain(float[] z, int n, int c, int s, float[] alpha, float[] gamma, float[] beta, double eps, float[] y,
                             float[] mean, float[] var, float[] scale) {
    boolean p = alpha != null;
    double count = (double) n * s;
    // each run's Σ, then its Σ (x − m)², then its output; a channel's statistics are its runs'
    // values added in image order, whichever split ran them
    double[] runs = runs(n * c), m = new double[c];
    float[] k = new float[c];
    RunBody sums = (b, ch) -> {
      int off = (b * c + ch) * s;
      runs[b * c + ch] = p ? sumPreluRun(z, off, s, alpha[ch]) : Reductions.sumRun(z, off, s);
    };
    ChannelBody means = ch -> m[ch] = imageSum(runs, 0, n, c, ch) / count;
    RunBody sqDevs = (b, ch) -> {
      int off = (b * c + ch) * s;
      runs[b * c + ch] = p ? sqDevPreluRun(z, off, s, (float) m[ch], alpha[ch]) : sqDevRun(z, off, s, (float) m[ch]);
    };
    ChannelBody stats = ch -> {
      double v = imageSum(runs, 0, n, c, ch) / count;
      mean[ch] = (float) m[ch];
      var[ch] = (float) v;
      k[ch] = scale(gamma[ch], v, eps);
      if (scale != null) scale[ch] = k[ch];
    };
    RunBody outputs = (b, ch) -> {
      int off = (b * c + ch) * s;
      if (p) affinePreluRun(z, y, off, s, (float) m[ch], k[ch], beta[ch], alpha[ch]);
      else affineRun(z, y, off, s, (float) m[ch], k[ch], beta[ch]);
    };
    if (byImage(n, c, s)) {
      // three parallel passes over the threads' own images, the channels' sums between them
      // (each pass's loop written out: see forRuns)
      Parallel.forPieces(n, 1, PIECES, (b0, b1) -> {
        for (int b = b0; b < b1; b++) for (int ch = 0; ch < c; ch++) sums.run(b, ch);
      });
      for (int ch = 0; ch < c; ch++) means.run(ch);
      Parallel.forPieces(n, 1, PIECES, (b0, b1) -> {
        for (int b = b0; b < b1; b++) for (int ch = 0; ch < c; ch++) sqDevs.run(b, ch);
      });
      for (int ch = 0; ch < c; ch++) stats.run(ch);
      Parallel.forPieces(n, 1, PIECES, (b0, b1) -> {
        for (int b = b0; b < b1; b++) for (int ch = 0; ch < c; ch++) outputs.run(b, ch);
      });
    } else {
      // one parallel pass, each channel's three passes in turn (its runs stay in L2 between them)
      Parallel.forRange(c, 1, (c0, c1) -> {
        for (int ch = c0; ch < c1; ch++) {
          for (int b = 0; b < n; b++) sums.run(b, ch);
          means.run(ch);
          for (int b = 0; b < n; b++) sqDevs.run(b, ch);
          stats.run(ch);
          for (int b = 0; b < n; b++) outputs.run(b, ch);
        }
      });
    }
  }

  /**
   * Pieces per thread of the passes split over images ({@link Parallel#forPieces}): every run's
   * values are stored by run and added in image order, so the bits do not depend on the cut.
   */
  private static final int PIECES = 4;

  /** Work on run (image b, channel ch). */
  @FunctionalInterface
  private interface RunBody {
    void run(int b, int ch);
  }

  /** Work on channel ch. */
  @FunctionalInterface
  private interface ChannelBody {
    void run(int ch);
  }

  /**
   * body on every run, in parallel over images (each image's channels in order) or over channels
   * (each channel's images in order). For one-pass kernels: the training passes write their loops
   * out, so that each loop's call of its body has one target (through this method it had several,
   * and C2 then calls every run's body without inlining it).
   */
  private static void forRuns(int n, int c, boolean byImage, RunBody body) {
    if (byImage) {
      Parallel.forPieces(n, 1, PIECES, (b0, b1) -> {
        for (int b = b0; b < b1; b++) for (int ch = 0; ch < c; ch++) body.run(b, ch);
      });
    } else {
      Parallel.forRange(c, 1, (c0, c1) -> {
        for (int ch = c0; ch < c1; ch++) for (int b = 0; b < n; b++) body.run(b, ch);
      });
    }
  }

  /** Σ over images b, in order, of values[base + b·c + ch]. */
  private static double imageSum(double[] values, int base, int n, int c, int ch) {
    double t = 0;
    for (int b = 0; b < n; b++) t += values[base + b * c + ch];
    return t;
  }

  /*
   * PReLU with slope av, the vector form of {@link #prelu}, is written out where it is used:
   * (t = v).blend(t.mul(av), t.lt(0f)). As a helper method taking and returning a vector, C2
   * sometimes compiled it on its own first and then declined to inline it ("already compiled into
   * a medium method"), and the hot loops of the batch-norm passes then boxed every vector they
   * passed it (2026-11-29: NormKernels.act a separate symbol under perf, its vectors in JFR's
   * allocation samples).
   */

  /** The scalar form, for run tails. */
  private static float act(float v, float a) {
    return v < 0 ? a * v : v;
  }

  /** Σ over a run of PReLU(x) with slope a, in {@link Reductions#sumRun}'s order. */
  private static float sumPreluRun(float[] x, int off, int len, float a) {
    int l = FS.length(), i = 0, upper = FS.loopBound(len);
    FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0, av = FloatVector.broadcast(FS, a);
    FloatVector t0, t1, t2, t3; // PReLU's inputs (see act)
    for (; i <= upper - 4 * l; i += 4 * l) {
      a0 = a0.add((t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)));
      a1 = a1.add((t1 = FloatVector.fromArray(FS, x, off + i + l)).blend(t1.mul(av), t1.lt(0f)));
      a2 = a2.add((t2 = FloatVector.fromArray(FS, x, off + i + 2 * l)).blend(t2.mul(av), t2.lt(0f)));
      a3 = a3.add((t3 = FloatVector.fromArray(FS, x, off + i + 3 * l)).blend(t3.mul(av), t3.lt(0f)));
    }
    if (i < upper) {
      a0 = a0.add((t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)));
      i += l;
    }
    if (i < upper) {
      a1 = a1.add((t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)));
      i += l;
    }
    if (i < upper) {
      a2 = a2.add((t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)));
      i += l;
    }
    float r = Lanes.sum(a0.add(a1).add(a2.add(a3)));
    for (; i < len; i++) r += act(x[off + i], a);
    return r;
  }

  private static float scale(float gamma, double v, double eps) {
    return (float) (gamma / Math.sqrt(v + eps));
  }

  /**
   * y = (PReLU(z) − mean[c])·scale[c] + β[c] with {@link #batchNormTrain}'s mean and scale: its
   * output again, bit for bit, in one pass over z (for a reverse pass that reads it).
   */
  static void batchNormApply(float[] z, int n, int c, int s, float[] alpha, float[] mean, float[] scale, float[] beta, float[] y) {
    forRuns(n, c, byImageOnePass(n), (b, ch) -> {
      if (alpha != null) affinePreluRun(z, y, (b * c + ch) * s, s, mean[ch], scale[ch], beta[ch], alpha[ch]);
      else affineRun(z, y, (b * c + ch) * s, s, mean[ch], scale[ch], beta[ch]);
    });
  }

  /**
   * Evaluation mode over x = PReLU(z) when {@code alpha} is not null: {@link #prelu} then
   * {@link #batchNormEval} bit for bit (PReLU formed in registers, then the same subtraction and
   * fused multiply-add per cell), in one pass, x never stored.
   */
  static void preluBatchNormEval(float[] z, int n, int c, int s, float[] alpha, float[] gamma, float[] beta, float[] mean, float[] var,
                                 double eps, float[] y) {
    float[] k = new float[c];
    for (int ch = 0; ch < c; ch++) k[ch] = scale(gamma[ch], var[ch], eps);
    batchNormApply(z, n, c, s, alpha, mean, k, beta, y);
  }

  /** y = (x − mean[c])·γ[c]/√(var[c] + ε) + β[c]: evaluation mode, the statistics given. */
  static void batchNormEval(float[] x, int n, int c, int s, float[] gamma, float[] beta, float[] mean, float[] var, double eps, float[] y) {
    preluBatchNormEval(x, n, c, s, null, gamma, beta, mean, var, eps, y);
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

  /** {@link #sqDevRun} of PReLU(x) with slope pa, in the same order. */
  private static double sqDevPreluRun(float[] x, int off, int len, float m, float pa) {
    int l = FS.length(), i = 0, upper = FS.loopBound(len);
    FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0, mv = FloatVector.broadcast(FS, m), av = FloatVector.broadcast(FS, pa);
    FloatVector t0, t1, t2, t3; // PReLU's inputs (see act)
    for (; i <= upper - 4 * l; i += 4 * l) {
      FloatVector d0 = (t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)).sub(mv), d1 = (t1 = FloatVector.fromArray(FS, x, off + i + l)).blend(t1.mul(av), t1.lt(0f)).sub(mv);
      FloatVector d2 = (t2 = FloatVector.fromArray(FS, x, off + i + 2 * l)).blend(t2.mul(av), t2.lt(0f)).sub(mv), d3 = (t3 = FloatVector.fromArray(FS, x, off + i + 3 * l)).blend(t3.mul(av), t3.lt(0f)).sub(mv);
      a0 = d0.fma(d0, a0);
      a1 = d1.fma(d1, a1);
      a2 = d2.fma(d2, a2);
      a3 = d3.fma(d3, a3);
    }
    if (i < upper) {
      FloatVector d = (t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)).sub(mv);
      a0 = d.fma(d, a0);
      i += l;
    }
    if (i < upper) {
      FloatVector d = (t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)).sub(mv);
      a1 = d.fma(d, a1);
      i += l;
    }
    if (i < upper) {
      FloatVector d = (t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)).sub(mv);
      a2 = d.fma(d, a2);
      i += l;
    }
    double r = Lanes.sum(a0.add(a1).add(a2.add(a3)));
    for (; i < len; i++) {
      double d = act(x[off + i], pa) - m;
      r += d * d;
    }
    return r;
  }

  /**
   * y = (x − m)·a + b, with the same fma in the vector lanes and the tail; subtracting first:
   * folding m into the shift (x·scale + shift) cancels catastrophically when |x·scale| ≫ |y|, e.g.
   * one value per channel (var = 0, scale = γ/√ε), where it gave errors of 1e-4 instead of exactly β.
   */
  private static void affineRun(float[] x, float[] y, int off, int len, float m, float a, float b) {
    int i = 0, upper = FS.loopBound(len);
    FloatVector mv = FloatVector.broadcast(FS, m), av = FloatVector.broadcast(FS, a), bv = FloatVector.broadcast(FS, b);
    for (; i < upper; i += FS.length()) FloatVector.fromArray(FS, x, off + i).sub(mv).fma(av, bv).intoArray(y, off + i);
    for (; i < len; i++) y[off + i] = Math.fma(x[off + i] - m, a, b);
  }

  /** {@link #affineRun} of PReLU(x) with slope pa. */
  private static void affinePreluRun(float[] x, float[] y, int off, int len, float m, float a, float b, float pa) {
    int i = 0, upper = FS.loopBound(len);
    FloatVector mv = FloatVector.broadcast(FS, m), av = FloatVector.broadcast(FS, a), bv = FloatVector.broadcast(FS, b),
        pv = FloatVector.broadcast(FS, pa);
    FloatVector t0; // PReLU's input (see act)
    for (; i < upper; i += FS.length()) (t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(pv), t0.lt(0f)).sub(mv).fma(av, bv).intoArray(y, off + i);
    for (; i < len; i++) y[off + i] = Math.fma(act(x[off + i], pa) - m, a, b);
  }

  /**
   * With x̂ = (x − mean)/σ: dβ = Σ g, dγ = Σ g·x̂, dx = γ/(σ·M) · (M·g − dβ − x̂·dγ), M = N·S.
   */
  static void batchNormTrainBackward(float[] x, int n, int c, int s, float[] gamma, float[] mean, float[] var, double eps, float[] g,
                                     float[] dx, float[] dgamma, float[] dbeta) {
    batchNormTrainBackward(x, n, c, s, null, gamma, mean, var, eps, g, dx, dgamma, dbeta, null);
  }

  /**
   * The same for batch norm over x = PReLU(z) when {@code alpha} is not null: dz and dα are
   * {@link #preluBackward} of batch norm's dx, which is formed in registers and never stored.
   * Every value is computed by the same operations in the same order as the two kernels one
   * after the other, so the bits are theirs.
   */
  static void batchNormTrainBackward(float[] z, int n, int c, int s, float[] alpha, float[] gamma, float[] mean, float[] var, double eps,
                                     float[] g, float[] dz, float[] dgamma, float[] dbeta, float[] dalpha) {
    double count = (double) n * s;
    boolean p = alpha != null;
    int per = 1 + s - FS.loopBound(s), nc = n * c;
    // per run: Σg at [run], Σg·(x − m) at [nc + run], then (with PReLU) dα's addends from
    // [2·nc + run·per] (its lane sum and its tail's products, as bnPreluBackRun adds them; their
    // number in counts[run]); a channel's sums are its runs' added in image order
    double[] buf = runs(nc * (p ? 2 + per : 2));
    int[] counts = p ? counts(nc) : null;
    float[] k1 = new float[c], k2 = new float[c], gbar = new float[c];
    RunBody sums = (b, ch) -> {
      int off = (b * c + ch) * s, run = b * c + ch;
      buf[run] = Reductions.sumRun(g, off, s);
      buf[nc + run] = p ? dotDevPreluRun(g, z, off, s, mean[ch], alpha[ch]) : dotDevRun(g, z, off, s, mean[ch]);
    };
    ChannelBody coefficients = ch -> {
      double inv = 1.0 / Math.sqrt(var[ch] + eps);
      double sg = imageSum(buf, 0, n, c, ch), sgx = imageSum(buf, nc, n, c, ch) * inv;
      dbeta[ch] = (float) sg;
      dgamma[ch] = (float) sgx;
      // dx = k1·(g − ḡ) + k2·(x − m) with k1 = γσ⁻¹, k2 = −γσ⁻²·Σg·x̂/M, ḡ = Σg/M. Both differences
      // are formed before scaling: k1·g − k1·ḡ cancels catastrophically when the channel is
      // nearly constant (one value per channel: dx must be exactly 0).
      k1[ch] = (float) (gamma[ch] * inv);
      k2[ch] = (float) (-gamma[ch] * inv * inv * sgx / count);
      gbar[ch] = (float) (sg / count);
    };
    RunBody grads = (b, ch) -> {
      int off = (b * c + ch) * s, run = b * c + ch;
      if (p) counts[run] = bnPreluBackRun(g, z, dz, off, s, gbar[ch], mean[ch], k1[ch], k2[ch], alpha[ch], buf, 2 * nc + run * per);
      else bnBackRun(g, z, dz, off, s, gbar[ch], mean[ch], k1[ch], k2[ch]);
    };
    ChannelBody slopes = ch -> {
      double da = 0;
      for (int b = 0; b < n; b++) {
        int run = b * c + ch;
        for (int j = 0; j < counts[run]; j++) da += buf[2 * nc + run * per + j];
      }
      dalpha[ch] = (float) da;
    };
    if (byImage(n, c, s)) {
      // two parallel passes over the threads' own images (loops written out: see forRuns)
      Parallel.forPieces(n, 1, PIECES, (b0, b1) -> {
        for (int b = b0; b < b1; b++) for (int ch = 0; ch < c; ch++) sums.run(b, ch);
      });
      for (int ch = 0; ch < c; ch++) coefficients.run(ch);
      Parallel.forPieces(n, 1, PIECES, (b0, b1) -> {
        for (int b = b0; b < b1; b++) for (int ch = 0; ch < c; ch++) grads.run(b, ch);
      });
      if (p) for (int ch = 0; ch < c; ch++) slopes.run(ch);
    } else {
      Parallel.forRange(c, 1, (c0, c1) -> {
        for (int ch = c0; ch < c1; ch++) {
          for (int b = 0; b < n; b++) sums.run(b, ch);
          coefficients.run(ch);
          for (int b = 0; b < n; b++) grads.run(b, ch);
          if (p) slopes.run(ch);
        }
      });
    }
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

  /** {@link #dotDevRun} with x = PReLU(z), slope pa, in the same order. */
  private static double dotDevPreluRun(float[] g, float[] x, int off, int len, float m, float pa) {
    int l = FS.length(), i = 0, upper = FS.loopBound(len);
    FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0, mv = FloatVector.broadcast(FS, m), av = FloatVector.broadcast(FS, pa);
    FloatVector t0, t1, t2, t3; // PReLU's inputs (see act)
    for (; i <= upper - 4 * l; i += 4 * l) {
      a0 = (t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)).sub(mv).fma(FloatVector.fromArray(FS, g, off + i), a0);
      a1 = (t1 = FloatVector.fromArray(FS, x, off + i + l)).blend(t1.mul(av), t1.lt(0f)).sub(mv).fma(FloatVector.fromArray(FS, g, off + i + l), a1);
      a2 = (t2 = FloatVector.fromArray(FS, x, off + i + 2 * l)).blend(t2.mul(av), t2.lt(0f)).sub(mv).fma(FloatVector.fromArray(FS, g, off + i + 2 * l), a2);
      a3 = (t3 = FloatVector.fromArray(FS, x, off + i + 3 * l)).blend(t3.mul(av), t3.lt(0f)).sub(mv).fma(FloatVector.fromArray(FS, g, off + i + 3 * l), a3);
    }
    if (i < upper) {
      a0 = (t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)).sub(mv).fma(FloatVector.fromArray(FS, g, off + i), a0);
      i += l;
    }
    if (i < upper) {
      a1 = (t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)).sub(mv).fma(FloatVector.fromArray(FS, g, off + i), a1);
      i += l;
    }
    if (i < upper) {
      a2 = (t0 = FloatVector.fromArray(FS, x, off + i)).blend(t0.mul(av), t0.lt(0f)).sub(mv).fma(FloatVector.fromArray(FS, g, off + i), a2);
      i += l;
    }
    double r = Lanes.sum(a0.add(a1).add(a2.add(a3)));
    for (; i < len; i++) r += (double) g[off + i] * (act(x[off + i], pa) - m);
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

  /**
   * {@link #bnBackRun} over x = PReLU(z), then {@link #preluBackward}'s run on its result d:
   * dz = z < 0 ? α·d : d. This run's terms of dα = Σ d·z over z < 0, as that kernel adds them (the
   * vector lanes' sum, then the tail's products cell by cell), are written to addends from aOff
   * (at most 1 + len − loopBound(len)); returns how many. The caller adds them to dα in order.
   */
  private static int bnPreluBackRun(float[] g, float[] z, float[] dz, int off, int len, float gbar, float m, float k1, float k2,
                                    float a, double[] addends, int aOff) {
    int i = 0, upper = FS.loopBound(len), count = 0;
    FloatVector gm = FloatVector.broadcast(FS, gbar), mv = FloatVector.broadcast(FS, m), kv = FloatVector.broadcast(FS, k1),
        bv = FloatVector.broadcast(FS, k2), av = FloatVector.broadcast(FS, a), acc = FloatVector.zero(FS);
    for (; i < upper; i += FS.length()) {
      FloatVector zv = FloatVector.fromArray(FS, z, off + i);
      var neg = zv.compare(VectorOperators.LT, 0f);
      FloatVector d = FloatVector.fromArray(FS, g, off + i).sub(gm).fma(kv, zv.blend(zv.mul(av), neg).sub(mv).mul(bv));
      d.blend(d.mul(av), neg).intoArray(dz, off + i);
      acc = acc.add(d.mul(zv).blend(0f, neg.not()));
    }
    addends[aOff + count++] = Lanes.sum(acc);
    for (; i < len; i++) {
      float v = z[off + i], d = Math.fma(g[off + i] - gbar, k1, (act(v, a) - m) * k2);
      dz[off + i] = v < 0 ? a * d : d;
      if (v < 0) addends[aOff + count++] = d * v;
    }
    return count;
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
    Parallel.forRange(n * c, Math.max(1, 16384 / Math.max(1, s)), (r0, r1) -> addChannelBias(y, c, s, bias, r0, r1));
  }

  /** y[r·s + i] += bias[r mod c] for the planes r in [r0, r1) of [n, c, s] (one image's: [img·c, (img+1)·c)). */
  static void addChannelBias(float[] y, int c, int s, float[] bias, int r0, int r1) {
    int upper = FS.loopBound(s);
    for (int r = r0; r < r1; r++) {
      int off = r * s, i = 0;
      float b = bias[r % c];
      FloatVector bv = FloatVector.broadcast(FS, b);
      for (; i < upper; i += FS.length()) FloatVector.fromArray(FS, y, off + i).add(bv).intoArray(y, off + i);
      for (; i < s; i++) y[off + i] += b;
    }
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
