package arcus.core;

import java.util.function.Supplier;

/**
 * Where the time of a training step goes, for {@code arcus bench train}: the phases of a step
 * (forward, backward, update) and the time spent inside the GEMM and convolution kernels. It is
 * off unless a caller binds one around its work ({@link #during}); then {@link Autodiff} marks
 * the end of the forward and backward passes, {@code TrainStep} the end of the update, and the
 * CPU backend adds the time of every matmul and convolution it runs. Unbound, each hook costs
 * one {@link ScopedValue#isBound} test.
 *
 * <p>Not thread-safe: one clock times one thread's steps (kernels split their own work over
 * threads inside one call, which is timed from the calling thread as a whole).
 */
public final class StepClock {
  /** Phases of a step, in order. */
  public enum Phase { FORWARD, BACKWARD, UPDATE }

  /** Kernel families timed separately; the rest of a step is everything else. */
  public enum Kernel { GEMM, CONV }

  private static final ScopedValue<StepClock> CURRENT = ScopedValue.newInstance();

  private final long[] phaseNanos = new long[Phase.values().length];
  private final long[] kernelNanos = new long[Kernel.values().length];
  private long last = System.nanoTime();

  /** Runs {@code body} with this clock bound; its phases start counting now. */
  public <T> T during(Supplier<T> body) {
    last = System.nanoTime();
    return ScopedValue.where(CURRENT, this).call(body::get);
  }

  /** The clock bound to this thread, or null. */
  public static StepClock current() {
    return CURRENT.isBound() ? CURRENT.get() : null;
  }

  /** Ends {@code phase} now: the time since the previous mark (or the start) is added to it. */
  public static void mark(Phase phase) {
    StepClock c = current();
    if (c == null) return;
    long now = System.nanoTime();
    c.phaseNanos[phase.ordinal()] += now - c.last;
    c.last = now;
  }

  /** Adds {@code nanos} spent in a kernel of family {@code k}. */
  public void addKernel(Kernel k, long nanos) {
    kernelNanos[k.ordinal()] += nanos;
  }

  public long phaseNanos(Phase p) {
    return phaseNanos[p.ordinal()];
  }

  public long kernelNanos(Kernel k) {
    return kernelNanos[k.ordinal()];
  }

  /** Sum of the phases: the timed steps' total. */
  public long totalNanos() {
    return java.util.Arrays.stream(phaseNanos).sum();
  }
}
