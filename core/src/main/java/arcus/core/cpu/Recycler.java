package arcus.core.cpu;

import java.lang.ref.Reference;
import java.lang.ref.SoftReference;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Float arrays handed back by a reverse pass, to back the results computed next.
 *
 * <p>A training step's reverse pass creates one cotangent per activation, each as large as the
 * activation, and most are dead as soon as the next node's gradient rule has read them. Left to
 * the collector, the L-Softmax MNIST network's step allocated ~2.3 GB at batch 256 (~0.46 GB at
 * batch 50): the JVM zeroed every new array on the calling thread (~12.5 GB/s here) and ran a
 * young or full collection every few hundred megabytes. While {@code Autodiff}'s one-shot
 * reverse pass runs, this thread's pool accepts dead arrays ({@link CpuBackend#recycle}), and
 * the kernels whose results overwrite every element ({@link #take}) take their output from it
 * instead of allocating: the rest of that pass, and after it the next step's forward pass.
 *
 * <p>Only arrays the pool itself handed out during the open pass (new or reused: "born" in it)
 * are accepted back, so a forward activation, a user's tensor or a parameter can never be
 * overwritten, whatever a gradient rule returns; {@code Autodiff} decides when a cotangent is
 * dead (nothing else in the pass refers to its storage). Dead arrays are held by soft references
 * and at most {@link #MAX_FREE_BYTES} of them, so the pool never keeps memory a collection needs.
 * {@code -Darcus.recycle=false} turns it off; {@code -Darcus.recycle.poison=true} fills every
 * array taken from the pool with NaN, so a kernel that relied on a zeroed output, or a storage
 * recycled while still in use, shows up as NaN in the tests.
 */
final class Recycler {
  private Recycler() {}

  static volatile boolean enabled = !"false".equalsIgnoreCase(System.getProperty("arcus.recycle", "true"));
  static volatile boolean poison = Boolean.getBoolean("arcus.recycle.poison");

  private static final class Pool {
    /** Dead arrays by length, held softly (or weakly, {@link #SOFT}): a collection may still take them back. */
    final Map<Integer, ArrayDeque<Reference<float[]>>> free = new HashMap<>();
    long freeBytes;
    /** While a reverse pass is open: the arrays handed out in it (weak, identity: arrays hash and compare by identity). */
    Map<float[], Boolean> born;
  }

  /** At most this much dead memory waits in a thread's pool; beyond it, arrays are left to the collector. */
  static final long MAX_FREE_BYTES = 256L << 20;

  /**
   * Whether the pool holds its dead arrays by soft references (the default) or weak ones
   * ({@code -Darcus.recycle.soft=false}, for measurements). Held weakly, every young collection
   * took them back, and at batch 256 (the L-Softmax MNIST net in 768 MiB) a run could settle in
   * a state where the next step's activations were all fresh humongous arrays, whose allocation
   * started more collections, which cleared the pool again: bench runs of ~260 images/s with
   * ~335 collection pauses against ~380 with ~110 (docs/performance.md). Soft references are
   * cleared only when the heap runs short (always before an OutOfMemoryError), and with the
   * heap committed at its limit (bin/arcus) they cost no resident memory.
   */
  static final boolean SOFT = !"false".equalsIgnoreCase(System.getProperty("arcus.recycle.soft", "true"));

  private static final ThreadLocal<Pool> POOL = new ThreadLocal<>();
  private static final java.util.concurrent.atomic.LongAdder REUSED = new java.util.concurrent.atomic.LongAdder(), GIVEN = new java.util.concurrent.atomic.LongAdder();

  /** Opens a reverse pass on this thread; false (and nothing opened) when one is open already or recycling is off. */
  static boolean begin() {
    if (!enabled) return false;
    Pool p = POOL.get();
    if (p == null) POOL.set(p = new Pool());
    if (p.born != null) return false;
    p.born = new WeakHashMap<>();
    return true;
  }

  /** Closes the reverse pass; the dead arrays it left stay in the pool (softly held) for the next forward pass. */
  static void end() {
    Pool p = POOL.get();
    if (p != null) p.born = null;
  }

  /**
   * An array of {@code len} floats whose every element the caller overwrites: a dead cotangent's
   * (contents arbitrary) when this thread's pool has one of that length still uncollected, else
   * new. Arrays handed out while a reverse pass is open count as born in it.
   */
  static float[] take(int len) {
    if (!enabled) return new float[len];
    Pool p = POOL.get();
    if (p == null) return new float[len];
    float[] a = null;
    ArrayDeque<Reference<float[]>> q = p.free.get(len);
    while (a == null && q != null && !q.isEmpty()) {
      a = q.pollLast().get();
      p.freeBytes -= 4L * len;
    }
    if (a == null) {
      a = new float[len];
    } else {
      REUSED.add(4L * len);
      if (poison) Arrays.fill(a, Float.NaN);
    }
    if (p.born != null) p.born.put(a, Boolean.TRUE);
    return a;
  }

  /** Bytes handed out again so far, in this process (for tests and diagnostics). */
  static long reusedBytes() {
    return REUSED.sum();
  }

  /** Bytes put back into pools so far, in this process (for tests and diagnostics). */
  static long givenBytes() {
    return GIVEN.sum();
  }

  /**
   * Puts back an array its caller knows to be dead (a forward activation nothing refers to any
   * more, {@link CpuBackend#release}), whether or not a reverse pass is open. Taken out of the
   * open pass's born set, so that a later {@link #give} of the same array cannot put it in the
   * pool a second time.
   */
  static void giveDead(float[] a) {
    if (!enabled || a == null) return;
    Pool p = POOL.get();
    if (p == null) POOL.set(p = new Pool());
    if (p.born != null) p.born.remove(a);
    put(p, a);
  }

  private static void put(Pool p, float[] a) {
    if (p.freeBytes + 4L * a.length > MAX_FREE_BYTES) return;
    p.freeBytes += 4L * a.length;
    GIVEN.add(4L * a.length);
    p.free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(SOFT ? new SoftReference<>(a) : new WeakReference<>(a));
  }

  /** Puts a dead array back: ignored unless a reverse pass is open on this thread and handed it out. */
  static void give(float[] a) {
    Pool p = POOL.get();
    if (p == null || p.born == null || a == null || p.born.remove(a) == null) return;
    put(p, a);
  }
}
