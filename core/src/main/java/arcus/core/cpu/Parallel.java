package arcus.core.cpu;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.Supplier;

/**
 * The thread pools CPU kernels split their work over. There is no process-wide setting to
 * change: a caller that wants N threads takes the {@link Executor} for N ({@link #executor}) and
 * runs its work inside it ({@link Executor#call}, {@link Executor#run}); kernels called from
 * that work, and from the pool's own workers, use that executor. Code that binds none uses the
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

  /** A fork-join pool of a fixed number of workers, shared by everyone who asks for that number. */
  public static final class Executor {
    private final int threads;
    private final ForkJoinPool pool;

    private Executor(int threads) {
      this.threads = threads;
      this.pool = new ForkJoinPool(threads, p -> new Worker(p, this), null, false);
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

    @Override
    public String toString() {
      return "Parallel.Executor[" + threads + " thread(s)]";
    }
  }

  /** A worker knows its executor, so kernels nested inside a parallel kernel stay on it. */
  private static final class Worker extends ForkJoinWorkerThread {
    final Executor owner;

    Worker(ForkJoinPool pool, Executor owner) {
      super(null, pool, true);
      this.owner = owner;
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
    if (Thread.currentThread() instanceof Worker w) return w.owner;
    return CURRENT.isBound() ? CURRENT.get() : defaultExecutor();
  }

  /** Number of worker threads kernels called from here split their work over. */
  public static int threads() {
    return current().threads;
  }

  /** Set while the calling thread runs a chunk of its own {@link #forRange}: kernels nested in it run inline, as in a worker. */
  private static final ThreadLocal<boolean[]> IN_CHUNK = ThreadLocal.withInitial(() -> new boolean[1]);

  /**
   * Runs {@code body} over [0, n) split into at most {@code threads()} chunks (each at least
   * {@code grain} long). Runs inline when there is one chunk or when already inside the pool.
   *
   * <p>The calling thread works too: it hands one claim loop per other chunk to the pool and
   * then claims chunks itself, in order, until none is left, and waits (spinning, then parked until
   * the last chunk's thread wakes it) for the chunks workers claimed. Handing the whole range to the pool and blocking, as
   * {@code ForkJoinPool.invoke} does, cost ~20 µs per call here, and when the second worker woke
   * late the first ran both halves: 256³ sgemm on 2 threads read 309–496 µs against 201 µs for
   * half of it on one. Chunk boundaries depend on n, grain and the thread count only, never on
   * which thread runs a chunk, so results stay the same bits.
   */
  public static void forRange(int n, int grain, RangeBody body) {
    if (n <= 0) return;
    boolean[] inChunk = IN_CHUNK.get();
    boolean inWorker = inChunk[0] || Thread.currentThread() instanceof Worker;
    Executor ex = current();
    int chunks = Math.min(ex.threads, Math.max(1, n / Math.max(1, grain)));
    if (chunks <= 1 || inWorker) {
      body.run(0, n);
      return;
    }
    Job job = new Job(body, n, chunks);
    for (int i = 1; i < chunks; i++) ex.pool.execute(job::claimAll);
    inChunk[0] = true;
    try {
      job.claimAll();
    } finally {
      inChunk[0] = false;
    }
    job.await();
  }

  /** One forRange call: chunks claimed in order by whoever comes, and counted when done. */
  private static final class Job {
    private final RangeBody body;
    private final int n, chunks;
    private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Throwable failure;
    /** The calling thread, woken by whoever finishes the last chunk. */
    private final Thread waiter = Thread.currentThread();

    Job(RangeBody body, int n, int chunks) {
      this.body = body;
      this.n = n;
      this.chunks = chunks;
    }

    void claimAll() {
      for (int c; (c = next.getAndIncrement()) < chunks; ) {
        try {
          if (failure == null) body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
        } catch (Throwable t) {
          synchronized (this) {
            if (failure == null) failure = t;
            else if (failure != t) failure.addSuppressed(t);
          }
        } finally {
          if (done.incrementAndGet() == chunks) java.util.concurrent.locks.LockSupport.unpark(waiter);
        }
      }
    }

    /** Waits until every chunk has run (spinning a little first: chunks are usually even), then rethrows the first failure. */
    void await() {
      for (int spins = 0; done.get() < chunks; spins++) {
        if (spins < 10_000) Thread.onSpinWait();
        else java.util.concurrent.locks.LockSupport.park(this);
      }
      Throwable t = failure;
      if (t instanceof RuntimeException r) throw r;
      if (t instanceof Error e) throw e;
      if (t != null) throw new RuntimeException(t);
    }
  }
}
