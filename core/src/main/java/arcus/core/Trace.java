package arcus.core;

/**
 * One differentiation in progress. Ops on tensors that depend on an open trace record a node;
 * once the traced function has returned the trace is closed, so the reverse pass (and anything
 * else) computes with its tensors as constants, while still recording for enclosing traces —
 * which is what makes gradients of gradients work without a global tape.
 */
final class Trace {
  /** Traces opened and not yet closed on this thread (a reverse pass run inside one is recorded, so it must not recycle). */
  private static final ThreadLocal<int[]> OPEN_HERE = ThreadLocal.withInitial(() -> new int[1]);

  private volatile boolean open = true;

  Trace() {
    OPEN_HERE.get()[0]++;
  }

  boolean isOpen() {
    return open;
  }

  /** Called once, on the thread that created the trace, when the traced function has returned. */
  void close() {
    if (open) OPEN_HERE.get()[0]--;
    open = false;
  }

  /** Whether a differentiation is in progress on this thread (some trace is open). */
  static boolean anyOpenHere() {
    return OPEN_HERE.get()[0] > 0;
  }
}
