package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The fused batch-norm kernels split over images and over channels: the same bits. */
class NormKernelsProperties {
  /**
   * Forward (output, mean, variance, scale), the recomputation, the reverse pass (dz, dγ, dβ, dα)
   * and evaluation mode with the batch's statistics, with PReLU and without, split over images (NormKernels.BY_IMAGE) and over channels, on 2
   * and 3 threads: the same bits. Runs of every length up to 70 (tails past the last whole vector,
   * runs shorter than one), one to twelve images, values with exact zeros and both signs.
   */
  @Property(tries = 150)
  void splitOverImagesIsSplitOverChannelsBitForBit(@ForAll @IntRange(min = 1, max = 12) int n, @ForAll @IntRange(min = 1, max = 6) int c,
                                                   @ForAll @IntRange(min = 1, max = 70) int s, @ForAll boolean prelu,
                                                   @ForAll @IntRange(min = 2, max = 3) int threads, @ForAll long seed) {
    Random r = new Random(seed);
    int len = n * c * s;
    float[] z = new float[len], g = new float[len];
    for (int i = 0; i < len; i++) {
      z[i] = r.nextInt(8) == 0 ? 0f : (float) (r.nextGaussian() * 2 + 0.3);
      g[i] = (float) r.nextGaussian();
    }
    float[] alpha = prelu ? new float[c] : null, gamma = new float[c], beta = new float[c];
    for (int ch = 0; ch < c; ch++) {
      if (prelu) alpha[ch] = (float) (r.nextDouble() * 0.5);
      gamma[ch] = (float) (0.5 + r.nextDouble());
      beta[ch] = (float) r.nextGaussian();
    }
    boolean was = NormKernels.BY_IMAGE;
    float[][] byImage, byChannel;
    try {
      NormKernels.BY_IMAGE = true;
      byImage = Parallel.executor(threads).call(() -> all(z, g, n, c, s, alpha, gamma, beta));
      NormKernels.BY_IMAGE = false;
      byChannel = Parallel.executor(threads).call(() -> all(z, g, n, c, s, alpha, gamma, beta));
    } finally {
      NormKernels.BY_IMAGE = was;
    }
    String[] names = {"y", "mean", "var", "scale", "applied", "dz", "dgamma", "dbeta", "dalpha", "evaluated"};
    for (int k = 0; k < names.length; k++) {
      if (byImage[k] == null) continue;
      for (int i = 0; i < byImage[k].length; i++) {
        assertEquals(Float.floatToRawIntBits(byChannel[k][i]), Float.floatToRawIntBits(byImage[k][i]),
            names[k] + "[" + i + "]: " + byChannel[k][i] + " split over channels, " + byImage[k][i] + " over images (n " + n + ", c " + c + ", s " + s + ")");
      }
    }
  }

  static float[][] all(float[] z, float[] g, int n, int c, int s, float[] alpha, float[] gamma, float[] beta) {
    int len = n * c * s;
    float[] y = new float[len], mean = new float[c], var = new float[c], scale = new float[c], applied = new float[len];
    NormKernels.batchNormTrain(z, n, c, s, alpha, gamma, beta, 1e-5, y, mean, var, scale);
    NormKernels.batchNormApply(z, n, c, s, alpha, mean, scale, beta, applied);
    float[] evaluated = new float[len];
    NormKernels.batchNormEval(z, n, c, s, gamma, beta, mean, var, 1e-5, evaluated);
    float[] dz = new float[len], dgamma = new float[c], dbeta = new float[c], dalpha = alpha == null ? null : new float[c];
    NormKernels.batchNormTrainBackward(z, n, c, s, alpha, gamma, mean, var, 1e-5, g, dz, dgamma, dbeta, dalpha);
    return new float[][] {y, mean, var, scale, applied, dz, dgamma, dbeta, dalpha, evaluated};
  }
}
