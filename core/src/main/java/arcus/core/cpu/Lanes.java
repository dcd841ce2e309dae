package arcus.core.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * Horizontal sums in a fixed order, lane 0 first. {@code reduceLanes(ADD)} leaves the order
 * unspecified, and HotSpot uses a different one before and after C2 compiles the caller, so
 * the same vector summed to different bits depending on how warm the JVM was; a training run
 * resumed in a fresh JVM then drifted from the uninterrupted one. This costs a handful of scalar
 * adds per reduced run, not per element.
 */
final class Lanes {
  private Lanes() {}

  static float sum(FloatVector v) {
    float s = 0f;
    for (int i = 0; i < v.length(); i++) s += v.lane(i);
    return s;
  }

  static double sum(DoubleVector v) {
    double s = 0.0;
    for (int i = 0; i < v.length(); i++) s += v.lane(i);
    return s;
  }
}
