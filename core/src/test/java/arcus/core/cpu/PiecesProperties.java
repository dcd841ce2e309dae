package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.concurrent.Callable;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The kernels that cut each thread's share into pieces ({@link Parallel#forPieces}: a thread that
 * finishes first takes the other's last pieces) give the bits of one piece per thread: the
 * Winograd forward pass (plain, flipped for the input gradient, keeping V), the batch-norm passes
 * split over images, and the 2×2 max pool both ways. The shapes are large enough that every
 * thread's share is several pieces.
 */
class PiecesProperties {
  /**
   * Winograd forward passes of 11–16 images of 30–36 cells a side (outputs of 28–36: 7–9 tile
   * rows of 7–9 tiles, chunks of 18–24 tile rows, so on 3 threads a thread's 26 rows or more are
   * at least two pieces; kept, the fixed chunks of 14–18 rows, at least five), odd channel counts,
   * padding 0 and 1, on 2 and 3 threads.
   */
  @Property(tries = 25)
  void winogradForwardInPiecesIsBitForBit(@ForAll @IntRange(min = 11, max = 16) int n, @ForAll @IntRange(min = 1, max = 12) int c,
                                          @ForAll @IntRange(min = 30, max = 36) int h, @ForAll @IntRange(min = 30, max = 36) int w,
                                          @ForAll @IntRange(min = 1, max = 12) int oc, @ForAll @IntRange(min = 0, max = 1) int pad,
                                          @ForAll @IntRange(min = 2, max = 3) int threads, @ForAll long seed) {
    ConvKernels.Geom g = ConvKernels.Geom.of(n, c, h, w, oc, 3, 3, 1, 1, pad, pad, 1, 1);
    Random r = new Random(seed);
    float[] x = GemmProperties.randomF(r, n * c * h * w), wt = GemmProperties.randomF(r, oc * c * 9);
    float[] gy = GemmProperties.randomF(r, n * oc * g.oh() * g.ow());
    Callable<float[][]> passes = () -> {
      float[] y = new float[n * oc * g.oh() * g.ow()], yKeeping = new float[y.length], gx = new float[x.length];
      float[] keep = new float[(int) Winograd.keptLength(Winograd.DEFAULT, g)];
      Winograd.forward(Winograd.DEFAULT, x, g, wt, false, y);
      Winograd.forward(Winograd.DEFAULT, x, g, wt, false, null, yKeeping, keep);
      ConvKernels.Geom f = ConvKernels.flipped(g);
      Winograd.forward(Winograd.DEFAULT, gy, f, wt, true, gx);
      return new float[][] {y, gx, yKeeping, keep};
    };
    compare(threads, passes, new String[] {"y", "input gradient", "y keeping V", "V"}, g.toString());
  }

  /** Batch norm's passes over images (forward, recomputation, reverse, evaluation), with PReLU and without. */
  @Property(tries = 60)
  void batchNormInPiecesIsBitForBit(@ForAll @IntRange(min = 4, max = 24) int n, @ForAll @IntRange(min = 1, max = 6) int c,
                                    @ForAll @IntRange(min = 1, max = 70) int s, @ForAll boolean prelu,
                                    @ForAll @IntRange(min = 2, max = 3) int threads, @ForAll long seed) {
    Random r = new Random(seed);
    int len = n * c * s;
    float[] z = GemmProperties.randomF(r, len), g = GemmProperties.randomF(r, len);
    float[] alpha = prelu ? GemmProperties.randomF(r, c) : null, gamma = GemmProperties.randomF(r, c), beta = GemmProperties.randomF(r, c);
    for (int ch = 0; ch < c; ch++) gamma[ch] = 0.5f + Math.abs(gamma[ch]);
    boolean was = NormKernels.BY_IMAGE;
    try {
      NormKernels.BY_IMAGE = true;
      compare(threads, () -> NormKernelsProperties.all(z, g, n, c, s, alpha, gamma, beta),
          new String[] {"y", "mean", "var", "scale", "applied", "dz", "dgamma", "dbeta", "dalpha", "evaluated"}, "n " + n + ", c " + c + ", s " + s);
    } finally {
      NormKernels.BY_IMAGE = was;
    }
  }

  /** The 2×2/2 max pool, forward and gradient, over 64–256 planes of up to 30 × 30 (odd sizes: the scalar edges too). */
  @Property(tries = 40)
  void maxPoolInPiecesIsBitForBit(@ForAll @IntRange(min = 4, max = 8) int n, @ForAll @IntRange(min = 16, max = 32) int c,
                                  @ForAll @IntRange(min = 8, max = 30) int h, @ForAll @IntRange(min = 8, max = 30) int w,
                                  @ForAll @IntRange(min = 2, max = 3) int threads, @ForAll long seed) {
    Random r = new Random(seed);
    int oh = h / 2, ow = w / 2;
    float[] x = GemmProperties.randomF(r, n * c * h * w), gy = GemmProperties.randomF(r, n * c * oh * ow);
    compare(threads, () -> {
      float[] y = new float[gy.length], gx = new float[x.length];
      PoolKernels.maxPool2dForward(x, n, c, h, w, 2, 2, 2, 2, 0, 0, false, y);
      PoolKernels.maxPool2dBackward(x, n, c, h, w, 2, 2, 2, 2, 0, 0, false, gy, gx);
      return new float[][] {y, gx};
    }, new String[] {"y", "gx"}, n + "x" + c + "x" + h + "x" + w);
  }

  /** Runs {@code passes} on {@code threads} with pieces and with one piece a thread; every output the same bits. */
  private static void compare(int threads, Callable<float[][]> passes, String[] names, String what) {
    boolean was = Parallel.PIECES;
    float[][] inPieces, whole;
    try {
      Parallel.PIECES = true;
      inPieces = Parallel.executor(threads).call(() -> call(passes));
      Parallel.PIECES = false;
      whole = Parallel.executor(threads).call(() -> call(passes));
    } finally {
      Parallel.PIECES = was;
    }
    for (int k = 0; k < names.length; k++) {
      if (whole[k] == null) continue;
      for (int i = 0; i < whole[k].length; i++) {
        assertEquals(Float.floatToRawIntBits(whole[k][i]), Float.floatToRawIntBits(inPieces[k][i]),
            names[k] + "[" + i + "]: " + whole[k][i] + " one piece a thread, " + inPieces[k][i] + " in pieces (" + what + ", " + threads + " threads)");
      }
    }
  }

  private static float[][] call(Callable<float[][]> c) {
    try {
      return c.call();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
