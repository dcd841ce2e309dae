package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
