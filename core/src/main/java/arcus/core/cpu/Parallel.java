package arcus.core.cpu;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The worker threads CPU kernels split their work over. There is no process-wide setting to
 * change: a caller that wants N threads takes the {@link Executor} for N ({@link #executor}) and
 * runs its work inside it ({@link Executor#call}, {@link Executor#run}); kernels called from
 * that work, and from the executor's own helper threads, use that executor. Code that binds none uses the
 * default executor, whose size comes from {@code -Darcus.threads=N} (default: all available
 * processors). So two trainings with different thread counts can run in one process, and a
 * command that asks for 1 thread changes nothing for anybody else.
 * Work is split into contiguous index ranges; small work runs on the calling thread.
 */
public final class Parallel {
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  /**
   * A fixed set of workers, shared by everyone who asks for that number: the calling thread plus
   * {@code threads - 1} helper threads. A helper that has just finished a job waits for the next
   * one spinning for {@link #spinNanos}, then parks: a training step calls a parallel kernel every
   * few hundred microseconds, and a parked thread took 46–159 µs to wake on this project's 2-core
   * machines (measured per call in a batch-50 step), which the caller spent on both halves alone.
   */
  public static final class Executor {
    private final int threads;
    private final Helper[] helpers;
    /** The job helpers should join; null when none is open. */
    private final AtomicReference<Job> posted = new AtomicReference<>();

    private Executor(int threads) {
      this.threads = threads;
      this.helpers = new Helper[threads - 1];
      for (int i = 0; i < helpers.length; i++) {
        helpers[i] = new Helper(this, i + 1, "arcus-" + threads + "-worker-" + (i + 1));
        helpers[i].start();
      }
    }

    public int threads() {
      return threads;
    }

    /** Runs {@code body} with the kernels it calls on this executor; returns its result. */
    public <T> T call(Supplier<T> body) {
      return ScopedValue.where(CURRENT, this).call(body::get);
    }

    /** Runs {@code body} with the kernels it calls on this executor. */
    public void run(Runnable body) {
      ScopedValue.where(CURRENT, this).run(body);
    }

    /** Offers {@code job} to the helpers, waking those that parked. A job posted over another leaves that one to its caller alone. */
    private void post(Job job) {
      posted.set(job);
      for (Helper h : helpers) if (h.parked) LockSupport.unpark(h);
    }

    /** Withdraws {@code job} once it is done, so no helper keeps its data reachable. */
    private void withdraw(Job job) {
      posted.compareAndSet(job, null);
    }

    @Override
    public String toString() {
      return "Parallel.Executor[" + threads + " thread(s)]";
    }
  }

  /**
   * How long an idle helper spins before it parks: {@code -Darcus.spin.us} (default 2000; 0 parks
   * at once). With 250 µs a helper joined a batch-50 step's parallel calls 13–56 µs late on
   * average (it had parked before many of them: the gaps around a collection or a serial stretch
   * are longer), with 2 ms 4–7 µs. Not final so that a measurement can compare two values in one
   * JVM.
   */
  static volatile long spinNanos = spinNanosProperty();

  private static long spinNanosProperty() {
    String p = System.getProperty("arcus.spin.us", "2000").trim();
    try {
      long us = Long.parseLong(p);
      if (us < 0) throw new NumberFormatException();
      return us * 1000;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-Darcus.spin.us must be a whole number of microseconds >= 0, got '" + p + "'");
    }
  }

  /** A helper knows its executor, so kernels nested inside a parallel kernel stay on it (and run inline). */
  private static final class Helper extends Thread {
    final Executor owner;
    /** This helper's worker number: chunk {@code index} of a job is its own. */
    final int index;
    volatile boolean parked;

    Helper(Executor owner, int index, String name) {
      super(name);
      this.owner = owner;
      this.index = index;
      setDaemon(true);
    }

    @Override
    public void run() {
      IN_CHUNK.get()[0] = true;
      long lastId = -1, idleSince = System.nanoTime();
      while (true) {
        long id = runPosted(lastId);
        if (id != lastId) {
          lastId = id;
          idleSince = System.nanoTime();
        } else if (System.nanoTime() - idleSince < spinNanos) {
          Thread.onSpinWait();
        } else {
          parked = true;
          if (postedId(lastId) == lastId) LockSupport.park(this);
          parked = false;
          idleSince = System.nanoTime();
        }
      }
    }

    /**
     * Claims chunks of the posted job unless it is the one last run; returns the id of the job run,
     * or {@code lastId}. The job is only ever referenced from this frame, so an idle helper keeps
     * no finished job's data reachable.
     */
    private long runPosted(long lastId) {
      Job j = owner.posted.get();
      if (j == null || j.id == lastId) return lastId;
      j.claimAll(index);
      return j.id;
    }

    private long postedId(long lastId) {
      Job j = owner.posted.get();
      return j == null ? lastId : j.id;
    }
  }

  private static final ScopedValue<Executor> CURRENT = ScopedValue.newInstance();
  private static final ConcurrentHashMap<Integer, Executor> EXECUTORS = new ConcurrentHashMap<>();
  private static final int DEFAULT_THREADS = initialThreads();

  private Parallel() {}

  private static int initialThreads() {
    String p = System.getProperty("arcus.threads");
    int n = Runtime.getRuntime().availableProcessors();
    if (p != null && !p.isBlank()) {
      try {
        n = Integer.parseInt(p.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("-Darcus.threads must be a positive integer, got '" + p + "'");
      }
      if (n < 1) throw new IllegalArgumentException("-Darcus.threads must be >= 1, got " + n);
    }
    return n;
  }

  /** The executor with {@code threads} workers (created once, then shared; its workers are daemons). */
  public static Executor executor(int threads) {
    if (threads < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
    return EXECUTORS.computeIfAbsent(threads, Executor::new);
  }

  /** The executor used when none is bound: {@code -Darcus.threads} workers. */
  public static Executor defaultExecutor() {
    return executor(DEFAULT_THREADS);
  }

  /** The executor kernels called from here run on: this worker's, the bound one, or the default. */
  public static Executor current() {
    if (Thread.currentThread() instanceof Helper h) return h.owner;
    return CURRENT.isBound() ? CURRENT.get() : defaultExecutor();
  }

  /** Number of worker threads kernels called from here split their work over. */
  public static int threads() {
    return current().threads;
  }

  /** Set while the calling thread runs a chunk of its own {@link #forRange}, and for good in a helper: kernels nested in a chunk run inline. */
  private static final ThreadLocal<boolean[]> IN_CHUNK = ThreadLocal.withInitial(() -> new boolean[1]);

  /**
   * Runs {@code body} over [0, n) split into at most {@code threads()} chunks (each at least
   * {@code grain} long). Runs inline when there is one chunk or when already inside a chunk.
   *
   * <p>The calling thread works too: it posts the job to the executor's helpers and then runs
   * its own chunk, the first, and waits (spinning, then parked until the last chunk's thread wakes
   * it) for the others. Handing the whole range to a pool and blocking, as {@code
   * ForkJoinPool.invoke} does, cost ~20 µs per call here, and when the second worker woke late the
   * first ran both halves: 256³ sgemm on 2 threads read 309–496 µs against 201 µs for half of it
   * on one. Chunk t belongs to worker t (the caller is worker 0), so consecutive kernels that
   * split the same images find them on the core that wrote them; a worker with nothing left
   * takes a chunk whose owner has not started it. Chunk boundaries depend on n, grain and the
   * thread count only, never on which thread runs a chunk, so results stay the same bits.
   */
  public static void forRange(int n, int grain, RangeBody body) {
    forPieces(n, grain, 1, body);
  }

  /**
   * {@link #forRange} with each worker's chunk cut further into up to {@code pieces} equal pieces:
   * a worker runs its own pieces first to last, then takes the last pieces not yet started from the
   * other workers' chunks. A core slowed by another tenant, or a helper that joins late, then costs
   * the call a piece, not the rest of its half. Only for bodies whose results do not depend on
   * where the range is cut (each index's output computed alike whatever piece it is in): which
   * thread runs a piece varies from run to run. {@code -Darcus.parallel.pieces=false} keeps one
   * piece per chunk (for measurements; the bits are the same).
   */
  public static void forPieces(int n, int grain, int pieces, RangeBody body) {
    if (n <= 0) return;
    boolean[] inChunk = IN_CHUNK.get();
    Executor ex = current();
    int chunks = Math.min(ex.threads, Math.max(1, n / Math.max(1, grain)));
    if (chunks <= 1 || inChunk[0]) {
      body.run(0, n);
      return;
    }
    Job job = new Job(body, n, chunks, PIECES ? Math.max(1, pieces) : 1);
    ex.post(job);
    inChunk[0] = true;
    try {
      job.claimAll(0);
    } finally {
      inChunk[0] = false;
    }
    try {
      job.await();
    } finally {
      ex.withdraw(job);
    }
  }

  /** Whether {@link #forPieces} cuts chunks into pieces; not final so that a measurement can compare both in one JVM. */
  static volatile boolean PIECES = !"false".equals(System.getProperty("arcus.parallel.pieces"));

  /**
   * One forRange / forPieces call: chunk t (worker t's) is cut into pieces; state[t] holds the
   * chunk's next piece from the front (its owner's) and its end from the back (others'), taken by
   * compare-and-set so that every piece runs once. Pieces are counted when done.
   */
  private static final class Job {
    private static final AtomicLong IDS = new AtomicLong();
    /** Tells helpers one job from the next without holding on to the one they ran. */
    final long id = IDS.getAndIncrement();
    private final RangeBody body;
    private final int n, chunks, pieces, total;
    private final AtomicLongArray state;
    private final AtomicInteger done = new AtomicInteger();
    private volatile Throwable failure;
    /** The calling thread, woken by whoever finishes the last piece. */
    private final Thread waiter = Thread.currentThread();

    Job(RangeBody body, int n, int chunks, int pieces) {
      this.body = body;
      this.n = n;
      this.chunks = chunks;
      this.pieces = pieces;
      this.state = new AtomicLongArray(chunks);
      int sum = 0;
      for (int t = 0; t < chunks; t++) {
        state.set(t, pieceCount(t));
        sum += pieceCount(t);
      }
      this.total = sum;
    }

    /** Pieces of chunk t: as asked, at most one per index. */
    private int pieceCount(int t) {
      return Math.min(pieces, chunkEnd(t) - chunkEnd(t - 1));
    }

    /** The end of chunk t (t = −1: 0). */
    private int chunkEnd(int t) {
      return (int) ((long) n * (t + 1) / chunks);
    }

    /** Piece j of chunk t from the front (owner) or the back; −1 when the chunk has none left. */
    private int take(int t, boolean front) {
      while (true) {
        long v = state.get(t);
        int f = (int) (v >>> 32), b = (int) v;
        if (f >= b) return -1;
        long next = front ? ((long) (f + 1) << 32) | b : ((long) f << 32) | (b - 1);
        if (state.compareAndSet(t, v, next)) return front ? f : b - 1;
      }
    }

    /** Worker {@code self} runs its chunk's pieces, then takes what is left of the others'. */
    void claimAll(int self) {
      if (self < chunks) for (int j; (j = take(self, true)) >= 0; ) run(self, j);
      for (int k = 1; k <= chunks; k++) {
        int t = (self + k) % chunks;
        if (t == self) continue;
        for (int j; (j = take(t, false)) >= 0; ) run(t, j);
      }
    }

    private void run(int t, int j) {
      try {
        int from = chunkEnd(t - 1), len = chunkEnd(t) - from, count = pieceCount(t);
        if (failure == null) body.run(from + (int) ((long) len * j / count), from + (int) ((long) len * (j + 1) / count));
      } catch (Throwable e) {
        synchronized (this) {
          if (failure == null) failure = e;
          else if (failure != e) failure.addSuppressed(e);
        }
      } finally {
        if (done.incrementAndGet() == total) LockSupport.unpark(waiter);
      }
    }

    /** Waits until every chunk has run (spinning a little first: chunks are usually even), then rethrows the first failure. */
    void await() {
      for (int spins = 0; done.get() < total; spins++) {
        if (spins < 10_000) Thread.onSpinWait();
        else LockSupport.park(this);
      }
      Throwable t = failure;
      if (t instanceof RuntimeException r) throw r;
      if (t instanceof Error e) throw e;
      if (t != null) throw new RuntimeException(t);
    }
  }
}
