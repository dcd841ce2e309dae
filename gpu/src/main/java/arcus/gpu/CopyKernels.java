package arcus.gpu;

import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Host transfers of the TornadoVM executor: a tensor's block of the arena is copied to or from a
 * small staging array (one per size class), which TornadoVM moves between host and device
 * (it transfers whole Java arrays only; its partial-transfer API, {@code DataRange}, takes only
 * its off-heap {@code TornadoNativeArray}s). m = {n, from, arenaOff}. The JVM executor copies with
 * {@link System#arraycopy} instead.
 */
final class CopyKernels {
  private CopyKernels() {}

  static void copyIn(float[] stage, float[] a, int[] m) {
    int from = m[1], ao = m[2];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      a[ao + i] = stage[i];
    }
  }

  static void copyIn(double[] stage, double[] a, int[] m) {
    int from = m[1], ao = m[2];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      a[ao + i] = stage[i];
    }
  }

  static void copyOut(float[] a, float[] stage, int[] m) {
    int from = m[1], ao = m[2];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      stage[i] = a[ao + i];
    }
  }

  static void copyOut(double[] a, double[] stage, int[] m) {
    int from = m[1], ao = m[2];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      stage[i] = a[ao + i];
    }
  }

  static void copyOut(int[] a, int[] stage, int[] m) {
    int from = m[1], ao = m[2];
    for (@Parallel int wi = 0; wi < m[0]; wi++) {
      int i = from + wi;
      stage[i] = a[ao + i];
    }
  }

  /** Makes the arenas exist on the device: the first graph of the plan runs it once (writes only, so nothing is copied in). */
  static void touch(float[] f, double[] d, int[] i) {
    f[0] = 0;
    d[0] = 0;
    i[0] = 0;
  }
}
