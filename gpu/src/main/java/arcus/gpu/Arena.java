package arcus.gpu;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device memory of a {@link TornadoBackend}: one flat array per element type (float32,
 * float64, int32), each carved into blocks by a free-list allocator. A tensor's
 * storage is a block (offset, size); kernels read and write the arena at those offsets, so every
 * kernel is compiled once for all shapes and data stays where it is between launches.
 *
 * <p>The TornadoVM executor holds the same arrays on the device for the life of its one execution
 * plan (fixed size: TornadoVM sizes a device buffer by its host array); the JVM executor runs the
 * kernels on these host arrays directly and lets them grow up to the same limit. A block returns
 * to its free list when its {@link DeviceStorage} becomes unreachable: a phantom reference per
 * block, drained from a reference queue on every allocation (the allocating thread frees, so the
 * free lists need no other thread). When no block fits, the arena asks for a garbage collection
 * and drains again before it gives up with a message naming the limit and the property that
 * raises it.
 */
final class Arena {
  /** Element types of the arena arrays. */
  static final int F32 = 0, F64 = 1, I32 = 2;

  private static final String[] NAMES = {"float32", "float64", "int32"};
  private static final String[] PROPS = {"arcus.tornado.arenaMB", "arcus.tornado.arenaMB.f64", "arcus.tornado.arenaMB.i32"};
  private static final int[] BYTES = {4, 8, 4};
  /**
   * Default limits in MB: float32 sized for a training step of the L-Softmax MNIST network with
   * ArcFace at batch 256 (3 GB failed: 2.7 GB live when backward asked for a 462 MB im2col
   * buffer; 4000 MB trains, see docs/gpu.md) and just under PoCL's largest buffer (4 GB),
   * float64 for tests and small runs, int32 for argmax results.
   */
  static final int[] DEFAULT_MB = {4000, 256, 16};
  /** Blocks start at multiples of this many elements. */
  static final int ALIGN = 16;
  private static final int INITIAL = 1 << 16;

  float[] f;
  double[] d;
  int[] i;
  private final long[] max = new long[3];
  private final Allocator[] alloc = new Allocator[3];
  private final boolean growable;
  /**
   * The checking mode of the tests (-Darcus.arena.poison=true; host arenas only): each block is
   * followed by {@link #ALIGN} guard elements holding a sentinel that a launch must leave as it
   * found them ({@link #checkGuard}), and a block is filled with NaN (int32: MIN_VALUE) when it is
   * freed, so a write past a block's end is caught at the launch that did it and a read of a freed
   * block gives NaN, not plausible numbers. It also keeps every block in use ({@link #inUse}) and
   * fails at once when the allocator hands out a block overlapping one of them, or frees a block
   * it did not hand out.
   */
  private final boolean checking;
  /** In the checking mode: the blocks in use of each kind, start → elements reserved. */
  private final List<TreeMap<Integer, Integer>> inUse = List.of(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
  private static final int GUARD_F32 = 0x7fa0dead;
  private static final long GUARD_F64 = 0x7ff4dead0000deadL;
  private static final int GUARD_I32 = 0x7eadbeef;
  private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
  private final Set<Block> live = ConcurrentHashMap.newKeySet();
  private long gcs;

  /** A block and the storage that owns it; enqueued when the storage is unreachable. */
  private static final class Block extends PhantomReference<Object> {
    final int kind, offset, size;

    Block(Object owner, ReferenceQueue<Object> q, int kind, int offset, int size) {
      super(owner, q);
      this.kind = kind;
      this.offset = offset;
      this.size = size;
    }
  }

  /**
   * Arenas with the limits of the system properties (MB); {@code growable}: start small and grow
   * up to the limit (JVM executor), else allocate the limit at once (a device's fixed buffers).
   */
  Arena(boolean growable) {
    this.growable = growable;
    this.checking = growable && Boolean.getBoolean("arcus.arena.poison");
    for (int k = 0; k < 3; k++) {
      long mb = Long.getLong(PROPS[k], DEFAULT_MB[k]);
      if (mb <= 0) throw new IllegalArgumentException("-D" + PROPS[k] + " must be a positive number of MB, got " + mb);
      max[k] = Math.min(Integer.MAX_VALUE - 64, mb * (1 << 20) / BYTES[k]);
      int cap = (int) (growable ? Math.min(max[k], INITIAL) : max[k]);
      alloc[k] = new Allocator(cap);
    }
    if (!growable) {
      long need = 0;
      for (int k = 0; k < 3; k++) need += max[k] * BYTES[k];
      long heap = Runtime.getRuntime().maxMemory();
      if (need + (512L << 20) > heap)
        throw new IllegalStateException("the tornado backend's device arenas (" + (need >> 20) + " MB: -D" + PROPS[0] + "=" + max[F32] * 4 / (1 << 20) + ", -D" + PROPS[1] + "=" + max[F64] * 8 / (1 << 20) + ", -D"
            + PROPS[2] + "=" + max[I32] * 4 / (1 << 20) + ") need host arrays of the same size, and this JVM's heap (" + (heap >> 20)
            + " MB) lacks that plus 512 MB: give the JVM more heap (bin/arcus: ARCUS_HEAP=-Xmx8g) or make the arenas smaller");
    }
    f = new float[alloc[F32].capacity];
    d = new double[alloc[F64].capacity];
    i = new int[alloc[I32].capacity];
  }

  /** A block of {@code n} elements of {@code kind} for {@code owner}, freed when the owner is unreachable. */
  synchronized int allocate(int kind, int n, Object owner) {
    int off = allocate(kind, n);
    if (n > 0) live.add(new Block(owner, queue, kind, off, n));
    return off;
  }

  /** A block freed only by {@link #free}. */
  synchronized int allocate(int kind, int n) {
    if (n == 0) return 0;
    int r = reserved(n), off = reserve(kind, r);
    if (checking) {
      taken(kind, off, r);
      guard(kind, off, n);
    }
    return off;
  }

  /** Elements a block of {@code n} takes from its arena: {@code n} rounded up to ALIGN, plus the guard when checking. */
  private int reserved(int n) {
    return round(n) + (checking ? ALIGN : 0);
  }

  private int reserve(int kind, int n) {
    drain();
    int off = alloc[kind].allocate(n);
    if (off >= 0) return off;
    if (growable && alloc[kind].capacity < max[kind]) {
      long want = Math.max(2L * alloc[kind].capacity, (long) alloc[kind].capacity + round(n));
      grow(kind, (int) Math.min(max[kind], want));
      off = alloc[kind].allocate(n);
      if (off >= 0) return off;
    }
    for (int attempt = 0; attempt < 3 && off < 0; attempt++) {
      gcs++;
      System.gc();
      awaitReclaimed();
      off = alloc[kind].allocate(n);
    }
    if (off < 0)
      throw new IllegalStateException("the tornado backend is out of device memory: the " + NAMES[kind] + " arena of " + max[kind] * BYTES[kind] / (1 << 20) + " MB has no free block of "
          + n + " elements (" + alloc[kind].used * BYTES[kind] / (1 << 20) + " MB in use); give it more with -D" + PROPS[kind] + "=<MB>");
    return off;
  }

  synchronized void free(int kind, int offset, int n) {
    if (n > 0) giveBack(kind, offset, reserved(n));
  }

  /** Returns the {@code r} reserved elements at {@code offset} to the free list (checked and poisoned in the checking mode). */
  private void giveBack(int kind, int offset, int r) {
    if (checking) returned(kind, offset, r);
    alloc[kind].free(offset, r);
    if (checking) poison(kind, offset, r);
  }

  /** Whether blocks carry guards ({@link #checkGuard} is worth calling). */
  boolean checking() {
    return checking;
  }

  private void guard(int kind, int off, int n) {
    fill(kind, off + n, off + reserved(n), Float.intBitsToFloat(GUARD_F32), Double.longBitsToDouble(GUARD_F64), GUARD_I32);
  }

  /**
   * In the checking mode: fails, naming {@code kernel}, when it wrote past the end of the block of
   * {@code n} elements at {@code off} (into its padding or guard).
   */
  synchronized void checkGuard(int kind, int off, int n, String kernel) {
    if (!checking || n == 0) return;
    for (int j = off + n, end = off + reserved(n); j < end; j++) {
      boolean intact = switch (kind) {
        case F32 -> Float.floatToRawIntBits(f[j]) == GUARD_F32;
        case F64 -> Double.doubleToRawLongBits(d[j]) == GUARD_F64;
        default -> i[j] == GUARD_I32;
      };
      if (!intact)
        throw new IllegalStateException("kernel " + kernel + " wrote past the end of a " + NAMES[kind] + " block of " + n + " elements at offset " + off + " (element " + (j - off) + " of the block changed)");
    }
  }

  /** Bytes of {@code kind}'s arena at its limit. */
  long limitBytes(int kind) {
    return max[kind] * BYTES[kind];
  }

  static String describe(int kind) {
    return NAMES[kind];
  }

  static String property(int kind) {
    return PROPS[kind];
  }

  /** Bytes of all three arenas at their limits (what a device allocates at once). */
  long bytes() {
    long b = 0;
    for (int k = 0; k < 3; k++) b += max[k] * BYTES[k];
    return b;
  }

  /** Elements in use in {@code kind}'s arena. */
  synchronized long used(int kind) {
    drain();
    return alloc[kind].used;
  }

  /** The largest number of elements ever in use at once in {@code kind}'s arena. */
  synchronized long peak(int kind) {
    return alloc[kind].peak;
  }

  /** Capacity (elements) of {@code kind}'s arena now. */
  synchronized long capacity(int kind) {
    return alloc[kind].capacity;
  }

  /** Garbage collections the arena asked for because no block fitted. */
  synchronized long collections() {
    return gcs;
  }

  private void drain() {
    for (Reference<?> r; (r = queue.poll()) != null; ) release((Block) r);
  }

  private void awaitReclaimed() {
    try {
      for (Reference<?> r; (r = queue.remove(20)) != null; ) release((Block) r);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void release(Block b) {
    if (live.remove(b)) giveBack(b.kind, b.offset, reserved(b.size));
  }

  /** Checking mode: records a block handed out, failing if it overlaps a block in use (an allocator defect). */
  private void taken(int kind, int off, int n) {
    TreeMap<Integer, Integer> blocks = inUse.get(kind);
    var below = blocks.floorEntry(off + n - 1);
    if (below != null && below.getKey() + below.getValue() > off)
      throw new IllegalStateException("arena defect: the " + NAMES[kind] + " block [" + off + ", " + (off + n) + ") handed out overlaps the block in use ["
          + below.getKey() + ", " + (below.getKey() + below.getValue()) + ")");
    blocks.put(off, n);
  }

  /** Checking mode: records a block given back, failing unless exactly that block was in use. */
  private void returned(int kind, int off, int n) {
    Integer had = inUse.get(kind).remove(off);
    if (had == null || had != n)
      throw new IllegalStateException("arena defect: the " + NAMES[kind] + " block [" + off + ", " + (off + n) + ") given back was " + (had == null ? "not in use" : "in use with " + had + " elements"));
  }

  private void poison(int kind, int offset, int n) {
    fill(kind, offset, offset + n, Float.NaN, Double.NaN, Integer.MIN_VALUE);
  }

  /** Fills [from, to) of {@code kind}'s arena with that kind's value. */
  private void fill(int kind, int from, int to, float fv, double dv, int iv) {
    switch (kind) {
      case F32 -> java.util.Arrays.fill(f, from, to, fv);
      case F64 -> java.util.Arrays.fill(d, from, to, dv);
      default -> java.util.Arrays.fill(i, from, to, iv);
    }
  }

  private void grow(int kind, int cap) {
    alloc[kind].grow(cap);
    switch (kind) {
      case F32 -> f = java.util.Arrays.copyOf(f, cap);
      case F64 -> d = java.util.Arrays.copyOf(d, cap);
      default -> i = java.util.Arrays.copyOf(i, cap);
    }
  }

  private static int round(int n) {
    return (n + ALIGN - 1) / ALIGN * ALIGN;
  }

  /**
   * Free blocks kept by offset and coalesced on free. A block of at least 1/32 of the arena (on a
   * convolution network: the im2col buffers, large and short-lived) is taken from the high end
   * of the highest free block that fits, every other block first-fit from the bottom: the
   * transient giants and the many smaller activations then do not cut each other's free space
   * into pieces (with first-fit alone, the L-Softmax MNIST network at batch 256 failed for want
   * of a contiguous 462 MB with 1.3 GB free).
   */
  private static final class Allocator {
    int capacity;
    long used;
    long peak;
    private final TreeMap<Integer, Integer> free = new TreeMap<>();

    Allocator(int capacity) {
      this.capacity = capacity;
      if (capacity > 0) free.put(0, capacity);
    }

    int allocate(int n) {
      int size = round(n);
      if (size >= capacity / 32) {
        for (Map.Entry<Integer, Integer> e : free.descendingMap().entrySet()) {
          // read the entry before changing the map: removing a TreeMap entry with two children
          // refills that entry object with its successor's key and value, so e.getKey() after
          // free.remove would name the next block up (an exact fit then got a block overlapping
          // a live one: the JVM executor's wrong training steps, docs/gpu.md)
          int off = e.getKey(), have = e.getValue();
          if (have >= size) {
            int rest = have - size;
            if (rest > 0) free.put(off, rest);
            else free.remove(off);
            return took(off + rest, size);
          }
        }
        return -1;
      }
      for (Map.Entry<Integer, Integer> e : free.entrySet()) {
        if (e.getValue() >= size) {
          int off = e.getKey(), rest = e.getValue() - size;
          free.remove(off);
          if (rest > 0) free.put(off + size, rest);
          return took(off, size);
        }
      }
      return -1;
    }

    private int took(int off, int size) {
      used += size;
      peak = Math.max(peak, used);
      return off;
    }

    void free(int off, int size) {
      used -= size;
      insert(off, size);
    }

    /** Adds [capacity, cap) as free space. */
    void grow(int cap) {
      insert(capacity, cap - capacity);
      capacity = cap;
    }

    private void insert(int off, int size) {
      var below = free.floorEntry(off);
      if (below != null && below.getKey() + below.getValue() == off) {
        off = below.getKey();
        size += below.getValue();
        free.remove(off);
      }
      Integer above = free.get(off + size);
      if (above != null) {
        free.remove(off + size);
        size += above;
      }
      free.put(off, size);
    }
  }
}
