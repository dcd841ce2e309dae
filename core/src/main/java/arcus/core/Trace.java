package arcus.core;

/**
 * One differentiation in progress. Ops on tensors that depend on an open trace record a node;
 * once the traced function has returned the trace is closed, so the reverse pass (and anything
 * else) computes with its tensors as constants, while still recording for enclosing traces —
 * which is what makes gradients of gradients work without a global tape.
 */
final class Trace {
  private volatile boolean open = true;

  boolean isOpen() {
    return open;
  }

  void close() {
    open = false;
  }
}
