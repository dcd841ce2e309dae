package arcus.core.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The one thread pool every CPU kernel shares. Its size comes from {@code -Darcus.threads=N}
 * (default: all available processors) or from {@link #setThreads(int)} before first use.
 * Work is split into contiguous index ranges; small work runs on the calling thread.
 */
public final class Parallel {
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  private static volatile ForkJoinPool pool;
  private static volatile int threads = initialThreads();

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

  /** Number of worker threads kernels split their work over. */
  public static int threads() {
    return threads;
  }

  /** Changes the thread count; the old pool is shut down once idle. */
  public static synchronized void setThreads(int n) {
    if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
    if (n == threads && pool != null) return;
    ForkJoinPool old = pool;
    threads = n;
    pool = null;
    if (old != null) old.shutdown();
  }

  static ForkJoinPool pool() {
    ForkJoinPool p = pool;
    if (p == null) {
      synchronized (Parallel.class) {
        p = pool;
        if (p == null) {
          p = new ForkJoinPool(threads);
          pool = p;
        }
      }
    }
    return p;
  }

  /**
   * Runs {@code body} over [0, n) split into at most {@code threads()} chunks (each at least
   * {@code grain} long). Runs inline when there is one chunk or when already inside the pool.
   */
  public static void forRange(int n, int grain, RangeBody body) {
    if (n <= 0) return;
    int t = threads;
    int chunks = Math.min(t, Math.max(1, n / Math.max(1, grain)));
    if (chunks <= 1 || inWorker()) {
      body.run(0, n);
      return;
    }
    pool().invoke(new Split(body, n, chunks, 0, chunks));
  }

  private static boolean inWorker() {
    return Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == pool;
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
