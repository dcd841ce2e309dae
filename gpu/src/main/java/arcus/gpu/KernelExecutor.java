package arcus.gpu;

/**
 * Where kernels run: the seam between {@link TornadoBackend}, which plans every op as launches
 * of the static kernel methods in this package, and the thing that executes them. The
 * {@link JvmExecutor} calls the methods on the JVM's threads; the TornadoVM executor (compiled
 * only with the {@code tornado} Maven profile, TORNADOVM_HOME set) compiles the same methods to
 * OpenCL and runs them on a device.
 */
public interface KernelExecutor {
  String name();

  /** Runs one kernel launch and returns when its output is complete. */
  void launch(Launch launch);

  /** Called before the host reads {@code buffer} (a float[] or double[] an earlier launch wrote). */
  default void syncToHost(Object buffer) {}

  /** Called when the host hands over fresh data: {@code buffer} must be copied to the device on first use. */
  default void fromHost(Object buffer) {}

  /** Arrays copied from the host to the device so far (0 for an executor without a device). */
  default long hostToDevice() {
    return 0;
  }

  /** Arrays copied from the device to the host so far. */
  default long deviceToHost() {
    return 0;
  }

  /** Compiled kernel plans held (0 for an executor that compiles nothing). */
  default int plans() {
    return 0;
  }

  /** Kernel launches run on the device so far. */
  default long launches() {
    return 0;
  }

  /** Releases whatever the executor holds on the device; later launches fail. */
  default void close() {}

  /** The part of a kernel method that runs over the index range [from, to) of its parallel loop. */
  @FunctionalInterface
  interface RangeBody {
    void run(int from, int to);
  }

  /**
   * One launch of kernel {@code kernel} (its class and method, e.g. "ElementwiseKernels.unary")
   * over the index space [0, range). {@code args} are the method's arguments before
   * {@code from, to} (primitive arrays and boxed ints), with {@code outputs} the arrays it writes;
   * {@code body} is the same call as a lambda over a sub-range, for executors that run on the
   * JVM. {@code grain} is the smallest sub-range worth a thread.
   */
  record Launch(String kernel, int range, int grain, Object[] args, Object[] outputs, RangeBody body) {}
}
