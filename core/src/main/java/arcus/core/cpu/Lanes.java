package arcus.core.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Horizontal sums in a fixed order. {@code reduceLanes(ADD)} leaves the order unspecified, and
 * HotSpot uses a different one before and after C2 compiles the caller, so the same vector
 * summed to different bits depending on how warm the JVM was; a training run resumed in a fresh
 * JVM then drifted from the uninterrupted one. A float vector is summed as a tree of halves (lane
 * i + L/2 onto lane i, then i + L/4, ..., then lane 0): log2(L) vector adds where adding lane by
 * lane was a chain of L scalar adds, the larger part of a 49-float batch-norm run's cost with 16
 * lanes. The order depends only on the vector length, so it is the same in every JVM.
 */
final class Lanes {
  private Lanes() {}

  private static final VectorSpecies<Float> FS = Species.FLOAT;
  private static final int L = FS.length();
  private static final VectorShuffle<Float> DOWN8 = down(8), DOWN4 = down(4), DOWN2 = down(2), DOWN1 = down(1);

  /** Lane i takes lane i + d (wrapping: the wrapped lanes are never read). */
  private static VectorShuffle<Float> down(int d) {
    return VectorShuffle.fromOp(FS, i -> (i + d) % L);
  }

  static float sum(FloatVector v) {
    if (L > 16 || v.length() != L) {
      // another species (PeakFlops's preferred one under -Darcus.vector.bits), or vectors longer
      // than any machine's today: lane by lane
      float s = 0f;
      for (int i = 0; i < v.length(); i++) s += v.lane(i);
      return s;
    }
    if (L == 16) v = v.add(v.rearrange(DOWN8));
    if (L >= 8) v = v.add(v.rearrange(DOWN4));
    if (L >= 4) v = v.add(v.rearrange(DOWN2));
    if (L >= 2) v = v.add(v.rearrange(DOWN1));
    return v.lane(0);
  }

  static double sum(DoubleVector v) {
    double s = 0.0;
    for (int i = 0; i < v.length(); i++) s += v.lane(i);
    return s;
  }
}
