package arcus.gpu;

import arcus.core.DType;

/**
 * Where kernels run: the seam between {@link TornadoBackend}, which plans every op as launches
 * of the static kernels in this package over its {@link Arena}, and the thing that executes them.
 * The {@link JvmExecutor} calls the methods on the JVM's threads over the arena's host arrays; the
 * TornadoVM executor (compiled only with the {@code tornado} Maven profile, TORNADOVM_HOME set)
 * keeps the arena on a device and runs the same methods there, compiled to OpenCL.
 */
public interface KernelExecutor {
  String name();

  /** The device memory the backend allocates its storages in. */
  Arena arena();

  /** Runs one kernel launch and returns when its output is complete. */
  void launch(Launch launch);

  /** Copies host data ({@code float[]} or {@code double[]}) into the arena of its type at {@code offset}. */
  void upload(Object data, int offset);

  /** Copies {@code into.length} elements from the arena of its type ({@code float[]}, {@code double[]} or {@code int[]}) at {@code offset} to the host. */
  void download(int offset, Object into);

  /** Host-to-device copies of tensor data so far (uploads; launch meta arrays are counted by {@link #metaUploads()}). */
  long hostToDevice();

  /** Device-to-host copies so far (downloads). */
  long deviceToHost();

  /** Launch meta arrays copied to the device so far (one per launch on a device, 0 on the JVM). */
  default long metaUploads() {
    return 0;
  }

  /** Compiled kernel graphs held (0 for an executor that compiles nothing). */
  default int plans() {
    return 0;
  }

  /** Kernel launches run so far. */
  long launches();

  /** Releases whatever the executor holds on the device; later launches fail. */
  default void close() {}

  /** The part of a kernel method that runs with a given meta array: {@code meta[0]} items from item {@code meta[1]}. */
  @FunctionalInterface
  interface Body {
    void run(int[] meta);
  }

  /**
   * One launch of kernel {@code kernel} (its class and method, e.g. "ElementwiseKernels.unary")
   * in {@code dtype} over {@code meta[0]} items; {@code meta} holds {items, 0, offsets, op codes,
   * index tables} as the kernel documents, {@code scalar} the value of a fill, {@code cols} the
   * extent of a second parallel loop (matmul columns; 0 for one-dimensional kernels).
   * {@code body} is the same call as a lambda over the arena's host arrays, for executors that
   * run on the JVM; {@code grain} is the smallest number of items worth a thread.
   */
  record Launch(String kernel, DType dtype, int[] meta, double scalar, int cols, int grain, Body body) {
    int items() {
      return meta[0];
    }
  }
}
