package arcus.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Shuffles and masks for stride-m deinterleaving and interleaving with vectors of L lanes (m
 * divides L): m consecutive vectors hold m·L values, "phase" k the values k, k + m, k + 2m, ...
 *
 * <p>Split: lane t of phase k is lane (m·t + k) mod L of source vector (m·t) / L, so phase k is
 * every source vector permuted by {@code split[k]}, source v's lanes chosen by
 * {@code splitFrom[v]}. Merge: lane s of output vector u is lane u·L/m + s div m of phase s mod m,
 * so output u is every phase permuted by {@code merge[u]}, phase l's lanes chosen by
 * {@code mergeFrom[l]}. Winograd's row copies use m = 4 (tile columns), the 2×2 max pool's
 * gradient m = 2 (even and odd columns).
 */
final class Phases {
  static final Phases M2 = new Phases(Species.FLOAT, 2), M4 = new Phases(Species.FLOAT, 4);

  final int m;
  final VectorShuffle<Float>[] split, merge;
  final VectorMask<Float>[] splitFrom, mergeFrom;

  static Phases of(int m) {
    return m == 4 ? M4 : m == 2 ? M2 : new Phases(Species.FLOAT, m);
  }

  /** For vectors of species {@code fs} (the 2×2 pool takes 8-lane ones on 16-lane machines). */
  @SuppressWarnings("unchecked")
  Phases(VectorSpecies<Float> fs, int m) {
    int L = fs.length();
    if (L % m != 0) throw new IllegalStateException("vector length " + L + " is not a multiple of the stride " + m);
    this.m = m;
    split = new VectorShuffle[m];
    merge = new VectorShuffle[m];
    splitFrom = new VectorMask[m];
    mergeFrom = new VectorMask[m];
    for (int k = 0; k < m; k++) {
      int[] s = new int[L], g = new int[L];
      boolean[] from = new boolean[L], phase = new boolean[L];
      for (int t = 0; t < L; t++) {
        s[t] = (m * t + k) % L;
        g[t] = k * L / m + t / m;
        from[t] = m * t / L == k;
        phase[t] = t % m == k;
      }
      split[k] = VectorShuffle.fromArray(fs, s, 0);
      merge[k] = VectorShuffle.fromArray(fs, g, 0);
      splitFrom[k] = VectorMask.fromArray(fs, from, 0);
      mergeFrom[k] = VectorMask.fromArray(fs, phase, 0);
    }
  }
}
