package arcus.core.cpu;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Float arrays handed back by a reverse pass, to back the results it computes next.
 *
 * <p>A training step's reverse pass creates one cotangent per activation, each as large as the
 * activation, and most are dead as soon as the next node's gradient rule has read them. Left to
 * the collector, the L-Softmax MNIST network's step allocated ~2.3 GB at batch 256 (~0.46 GB at
 * batch 50): the JVM zeroed every new array on the calling thread (~12.5 GB/s here) and ran a
 * young or full collection every few hundred megabytes. While {@link Autodiff}'s one-shot
 * reverse pass runs, this thread has a pool: {@link CpuBackend#recycle} puts a dead cotangent's
 * array in it, and the kernels whose results overwrite every element ({@link #take}) take their
 * output from it instead of allocating.
 *
 * <p>Only arrays this pool itself handed out during the pass (new or reused: "born" in the pass)
 * are ever accepted back, so a forward activation, a user's tensor or a parameter can never be
 * overwritten, whatever a gradient rule returns; {@code Autodiff} decides when a cotangent is
 * dead (nothing else in the pass refers to its storage). The pool is dropped when the pass ends.
 * {@code -Darcus.recycle=false} turns it off; {@code -Darcus.recycle.poison=true} fills every
 * array taken from the pool with NaN, so a kernel that relied on a zeroed output, or a storage
 * recycled while still in use, shows up as NaN in the tests.
 */
final class Recycler {
  private Recycler() {}

  static volatile boolean enabled = !"false".equalsIgnoreCase(System.getProperty("arcus.recycle", "true"));
  static volatile boolean poison = Boolean.getBoolean("arcus.recycle.poison");

  private static final class Pool {
    final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    /** Weak: an array handed out and then simply dropped (a recomputed activation, say) must stay collectable. Arrays hash and compare by identity. */
    final Map<float[], Boolean> born = new WeakHashMap<>();
    long freeBytes;
  }

  /** At most this much dead memory waits in the pool; beyond it, arrays are left to the collector. */
  static final long MAX_FREE_BYTES = 256L << 20;

  private static final ThreadLocal<Pool> ACTIVE = new ThreadLocal<>();
  private static final java.util.concurrent.atomic.LongAdder REUSED = new java.util.concurrent.atomic.LongAdder();

  /** Opens this thread's pool; false (and nothing opened) when one is open already or recycling is off. */
  static boolean begin() {
    if (!enabled || ACTIVE.get() != null) return false;
    ACTIVE.set(new Pool());
    return true;
  }

  static void end() {
    ACTIVE.remove();
  }

  /**
   * An array of {@code len} floats whose every element the caller overwrites: a dead cotangent's
   * (contents arbitrary) while this thread's pool is open and has one of that length, else new.
   */
  static float[] take(int len) {
    Pool p = ACTIVE.get();
    if (p == null) return new float[len];
    ArrayDeque<float[]> q = p.free.get(len);
    float[] a = q == null ? null : q.pollLast();
    if (a == null) {
      a = new float[len];
    } else {
      REUSED.add(4L * len);
      p.freeBytes -= 4L * len;
      if (poison) Arrays.fill(a, Float.NaN);
    }
    p.born.put(a, Boolean.TRUE);
    return a;
  }

  /** Bytes handed out again so far, in this process (for tests and diagnostics). */
  static long reusedBytes() {
    return REUSED.sum();
  }

  /** Puts a dead array back: ignored unless this thread's pool is open and handed it out. */
  static void give(float[] a) {
    Pool p = ACTIVE.get();
    if (p == null || a == null || p.born.remove(a) == null) return;
    if (p.freeBytes + 4L * a.length > MAX_FREE_BYTES) return;
    p.freeBytes += 4L * a.length;
    p.free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(a);
  }
}
