package arcus.core.cpu;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
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

  /**
   * Runs {@code body} over [0, n) split into at most {@code threads()} chunks (each at least
   * {@code grain} long). Runs inline when there is one chunk or when already inside the pool.
   */
  public static void forRange(int n, int grain, RangeBody body) {
    if (n <= 0) return;
    boolean inWorker = Thread.currentThread() instanceof Worker;
    Executor ex = current();
    int chunks = Math.min(ex.threads, Math.max(1, n / Math.max(1, grain)));
    if (chunks <= 1 || inWorker) {
      body.run(0, n);
      return;
    }
    ex.pool.invoke(new Split(body, n, chunks, 0, chunks));
  }

  private static final class Split extends RecursiveAction {
    private final RangeBody body;
    private final int n, chunks, lo, hi;

    Split(RangeBody body, int n, int chunks, int lo, int hi) {
      this.body = body;
      this.n = n;
      this.chunks = chunks;
      this.lo = lo;
      this.hi = hi;
    }

    @Override
    protected void compute() {
      if (hi - lo == 1) {
        int from = (int) ((long) n * lo / chunks);
        int to = (int) ((long) n * hi / chunks);
        body.run(from, to);
        return;
      }
      int mid = (lo + hi) >>> 1;
      invokeAll(new Split(body, n, chunks, lo, mid), new Split(body, n, chunks, mid, hi));
    }
  }
}
