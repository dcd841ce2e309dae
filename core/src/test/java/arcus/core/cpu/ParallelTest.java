package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Executors are bound to the work that asks for them, never changed for the whole process. */
class ParallelTest {
  @Test
  void anExecutorAppliesInsideItsScopeOnly() {
    int outside = Parallel.threads();
    assertEquals(Parallel.defaultExecutor().threads(), outside);
    int inside = Parallel.executor(3).call(Parallel::threads);
    assertEquals(3, inside);
    assertEquals(outside, Parallel.threads(), "binding 3 threads changed nothing outside its scope");
    assertSame(Parallel.executor(3), Parallel.executor(3), "one executor per thread count, shared");
  }

  @Test
  void kernelsNestedInAWorkerStayOnItsExecutor() {
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    Parallel.executor(3).run(() -> Parallel.forRange(3, 1, (from, to) -> {
      seen.add(Parallel.threads()); // in a worker: the worker's executor, though no scope is bound there
      threads.add(Thread.currentThread().getName());
      Parallel.forRange(100, 1, (a, b) -> seen.add(Parallel.threads())); // nested: runs inline
    }));
    assertEquals(Set.of(3), seen);
  }

  @Test
  void twoThreadCountsAtOnceDoNotDisturbEachOther() throws Exception {
    CountDownLatch both = new CountDownLatch(2);
    AtomicReference<Integer> a = new AtomicReference<>(), b = new AtomicReference<>();
    Thread ta = Thread.ofPlatform().start(() -> a.set(Parallel.executor(1).call(() -> {
      both.countDown();
      await(both);
      return Parallel.threads();
    })));
    Thread tb = Thread.ofPlatform().start(() -> b.set(Parallel.executor(2).call(() -> {
      both.countDown();
      await(both);
      return Parallel.threads();
    })));
    ta.join();
    tb.join();
    assertEquals(1, a.get());
    assertEquals(2, b.get());
  }

  @Test
  void everyChunkRunsOnceWhenTwoCallersShareAnExecutor() throws Exception {
    // helpers take whichever job was posted last; a job posted over is finished by its own caller
    everyIndexRunsOnceWithTwoCallers(12, (n, body) -> Parallel.forRange(n, 1, body));
  }

  /** Two threads calling {@code split} 2000 times each on one 2-thread executor: every index of every call runs once. */
  private static void everyIndexRunsOnceWithTwoCallers(int n, java.util.function.BiConsumer<Integer, Parallel.RangeBody> split) throws Exception {
    int calls = 2000;
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Runnable caller = () -> Parallel.executor(2).run(() -> {
      for (int k = 0; k < calls; k++) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        split.accept(n, (from, to) -> {
          for (int i = from; i < to; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) if (hits.get(i) != 1) failed.compareAndSet(null, new AssertionError("call " + k + ": index " + i + " ran " + hits.get(i) + " times"));
      }
    });
    Thread ta = Thread.ofPlatform().start(caller), tb = Thread.ofPlatform().start(caller);
    ta.join();
    tb.join();
    if (failed.get() != null) throw new AssertionError(failed.get().getMessage());
  }

  @Test
  void piecesCoverTheRangeOnceAndCutItTheSameWayEveryTime() throws Exception {
    // n indices, t threads, p pieces a thread: every index runs once, and the cut (the set of
    // pieces) depends on n, t and p only
    for (int threads = 2; threads <= 4; threads++) {
      for (int n : new int[] {1, 2, 3, 7, 50, 101}) {
        for (int pieces : new int[] {1, 2, 4, 9}) {
          Set<String> first = null;
          for (int rep = 0; rep < 20; rep++) {
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            Set<String> cut = ConcurrentHashMap.newKeySet();
            int p = pieces;
            Parallel.executor(threads).run(() -> Parallel.forPieces(n, 1, p, (from, to) -> {
              cut.add(from + "-" + to);
              for (int i = from; i < to; i++) hits.incrementAndGet(i);
            }));
            for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " of " + n + ", " + threads + " threads, " + pieces + " pieces");
            int most = (Math.min(threads, n) * Math.min(pieces, (n + Math.min(threads, n) - 1) / Math.min(threads, n)));
            assertEquals(true, cut.size() <= most, cut.size() + " pieces, at most " + most + " expected: " + cut);
            if (first == null) first = cut;
            else assertEquals(first, cut, "the same cut every time");
          }
        }
      }
    }
  }

  @Test
  void aWorkerThatFinishesTakesTheOthersPieces() throws Exception {
    // the caller's first piece waits until another thread has run one of the caller's other
    // pieces: without taking pieces from another's share this would wait out the timeout
    CountDownLatch taken = new CountDownLatch(1);
    AtomicReference<Thread> caller = new AtomicReference<>();
    AtomicReference<Boolean> timedOut = new AtomicReference<>(false);
    Parallel.executor(2).run(() -> {
      caller.set(Thread.currentThread());
      Parallel.forPieces(8, 1, 4, (from, to) -> {
        boolean callers = from < 4;
        if (from == 0 && Thread.currentThread() == caller.get()) {
          try {
            if (!taken.await(20, java.util.concurrent.TimeUnit.SECONDS)) timedOut.set(true);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        } else if (callers && Thread.currentThread() != caller.get()) {
          taken.countDown();
        }
      });
    });
    assertEquals(false, timedOut.get(), "the helper never took a piece of the caller's share");
  }

  @Test
  void everyPieceRunsOnceWhenTwoCallersShareAnExecutor() throws Exception {
    everyIndexRunsOnceWithTwoCallers(24, (n, body) -> Parallel.forPieces(n, 1, 5, body));
  }

  @Test
  void aChunkThatFailsFailsTheCall() {
    var e = assertThrows(IllegalStateException.class, () -> Parallel.executor(2).run(() -> Parallel.forRange(2, 1, (from, to) -> {
      if (from == 1) throw new IllegalStateException("chunk 1 failed");
    })));
    assertEquals("chunk 1 failed", e.getMessage());
    // and the executor still works afterwards
    int[] sum = new int[2];
    Parallel.executor(2).run(() -> Parallel.forRange(2, 1, (from, to) -> sum[from] = 1));
    assertEquals(2, sum[0] + sum[1]);
  }

  @Test
  void idleHelpersParkInsteadOfSpinning() throws Exception {
    // no spin, so the helper parks as soon as its job is done; polled a bounded number of times,
    // no clock involved
    long spin = Parallel.spinNanos;
    Parallel.spinNanos = 0;
    try {
      Parallel.executor(2).run(() -> Parallel.forRange(2, 1, (from, to) -> {}));
      Thread helper = null;
      for (int poll = 0; poll < 1000 && (helper == null || helper.getState() != Thread.State.WAITING); poll++) {
        Thread.sleep(5);
        helper = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("arcus-2-worker-1")).findFirst().orElse(null);
      }
      assertEquals(Thread.State.WAITING, helper == null ? null : helper.getState(), "a helper left idle parks after its spin");
      assertEquals(true, helper.isDaemon(), "helpers never keep the JVM alive");
    } finally {
      Parallel.spinNanos = spin;
    }
  }

  @Test
  void aThreadCountBelowOneIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> Parallel.executor(0));
    assertEquals("thread count must be >= 1, got 0", e.getMessage());
  }

  private static void await(CountDownLatch l) {
    try {
      l.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
