package arcus.gpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;

/**
 * Runs Arcus kernels on a TornadoVM device: the one class that talks to TornadoVM, compiled only
 * by the {@code tornado} Maven profile (TORNADOVM_HOME set) against the SDK's tornado-api jar.
 *
 * <p>One execution plan per kernel and signature (dtype, array lengths, scalar values), built on
 * first use and cached, so each kernel is compiled once per shape rather than once per launch
 * (a new task graph recompiles, about 0.4 s on PoCL). A plan's task is bound to arrays it owns
 * (its slots); a launch copies its inputs into the slots, executes, and copies the output back.
 * That is one upload per input array and one download per launch: TornadoVM 5.2 hands a device
 * buffer from one graph to another only inside one execution plan ({@code consumeFromDevice}
 * across plans gives a null buffer), and the ops of a training step are not known in advance,
 * so data does not stay on the device between ops yet. {@link #hostToDevice()} and
 * {@link #deviceToHost()} count these copies. {@link #close()} releases every plan and its
 * device memory.
 */
final class TornadoExecutor implements KernelExecutor {
  /** A cached plan: its task reads {@code args} (the slot arrays and scalars) and writes {@code out}. */
  private record Plan(TornadoExecutionPlan plan, Object[] args, Object out) {}

  private final Map<String, Plan> plans = new HashMap<>();
  private final String device;
  private long uploads;
  private long downloads;
  private long launches;
  private boolean closed;
  /** With -Darcus.tornado.profile=true: TornadoVM's profiler on every plan, and time split by phase. */
  private final boolean profile = Boolean.getBoolean("arcus.tornado.profile");
  private long hostCopyNs;
  private long executeNs;
  private long transferNs;
  private long kernelNs;

  /** Opens TornadoVM's default device; fails with a message naming the cause when there is none. */
  TornadoExecutor() {
    // TornadoVM's default emits OpenCL's native_* math (native_sqrt, native_sin), which PoCL
    // computes to float precision even for double: ask for the full-precision builtins.
    if (System.getProperty("tornado.enable.nativeFunctions") == null) System.setProperty("tornado.enable.nativeFunctions", "False");
    var map = TornadoExecutionPlan.getTornadoDeviceMap();
    if (map.getNumBackends() == 0 || map.getAllBackends().stream().allMatch(b -> b.getNumDevices() == 0))
      throw new IllegalStateException("TornadoVM found no device (no OpenCL platform: install an OpenCL driver, e.g. pocl-opencl-icd)");
    device = TornadoExecutionPlan.DEFAULT_DEVICE != null ? TornadoExecutionPlan.DEFAULT_DEVICE.getDescription() : map.getAllBackends().get(0).getDefaultDevice().getDescription();
  }

  @Override
  public String name() {
    return "tornadovm";
  }

  /** The device the plans run on, as TornadoVM describes it. */
  String device() {
    return device;
  }

  @Override
  public synchronized long hostToDevice() {
    return uploads;
  }

  @Override
  public synchronized long deviceToHost() {
    return downloads;
  }

  /** Execution plans built so far (each one compiled its kernel once). */
  @Override
  public synchronized int plans() {
    return plans.size();
  }

  @Override
  public synchronized long launches() {
    return launches;
  }

  @Override
  public synchronized void launch(Launch l) {
    if (closed) throw new IllegalStateException("the TornadoVM backend was closed");
    if (l.range() == 0) return;
    Object out = l.outputs()[0];
    Plan p = plans.computeIfAbsent(key(l), k -> build(l));
    long t0 = System.nanoTime();
    Object[] a = l.args();
    for (int i = 0; i < a.length; i++) {
      if (a[i] == out) continue;
      if (copy(a[i], p.args()[i])) uploads++;
    }
    long t1 = System.nanoTime();
    var result = p.plan().execute();
    long t2 = System.nanoTime();
    copy(p.out(), out);
    downloads++;
    launches++;
    hostCopyNs += t1 - t0 + System.nanoTime() - t2;
    executeNs += t2 - t1;
    if (profile) {
      transferNs += result.getProfilerResult().getDataTransfersTime();
      kernelNs += result.getProfilerResult().getDeviceKernelTime();
    }
  }

  /**
   * Time so far, in ns: {hostCopy (into and out of the plans' slot arrays), execute (TornadoVM's
   * execute calls: transfers, dispatch, kernels), transfers and kernels as TornadoVM's profiler
   * reports them (0 unless -Darcus.tornado.profile=true)}.
   */
  synchronized long[] times() {
    return new long[] {hostCopyNs, executeNs, transferNs, kernelNs};
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    for (Plan p : plans.values()) {
      try {
        p.plan().freeDeviceMemory();
        p.plan().close();
      } catch (Exception e) {
        throw new IllegalStateException("TornadoVM failed to release a plan: " + e.getMessage(), e);
      }
    }
    plans.clear();
  }

  /**
   * Whether a launch runs as the local-memory tiled GEMM: float32 matmuls with columns, when
   * {@code -Darcus.tornado.tiledGemm} says so, by default on every device but a CPU (a CPU
   * OpenCL device such as PoCL has no separate local memory for the tiles to pay off; see the
   * interleaved measurement in docs/gpu.md).
   */
  private boolean tiled(Launch l) {
    if (!l.kernel().equals("MatmulKernels.matmul") || !(l.args()[0] instanceof float[]) || i(l.args()[4]) == 0) return false;
    String p = System.getProperty("arcus.tornado.tiledGemm");
    return p != null ? Boolean.parseBoolean(p) : !device.contains("CL_DEVICE_TYPE_CPU");
  }

  /** Kernel, then per argument its array type and length or its scalar value. */
  private String key(Launch l) {
    StringBuilder b = new StringBuilder(l.kernel()).append(tiled(l) ? "/tiled/" : "/").append(l.range());
    for (Object o : l.args()) {
      b.append(',');
      switch (o) {
        case float[] f -> b.append("f").append(f.length);
        case double[] d -> b.append("d").append(d.length);
        case int[] i -> b.append("i").append(i.length);
        default -> b.append(o.getClass().getSimpleName().charAt(0)).append(o);
      }
    }
    return b.toString();
  }

  private Plan build(Launch l) {
    Object out = l.outputs()[0];
    Object[] a = l.args(), slots = new Object[a.length];
    Object slotOut = null;
    List<Object> inputs = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      slots[i] = switch (a[i]) {
        case float[] f -> new float[f.length];
        case double[] d -> new double[d.length];
        case int[] n -> new int[n.length];
        default -> a[i];
      };
      if (a[i] == out) slotOut = slots[i];
      else if (slots[i] != a[i]) inputs.add(slots[i]);
    }
    String graph = "g" + plans.size();
    TaskGraph tg = new TaskGraph(graph);
    if (!inputs.isEmpty()) tg.transferToDevice(DataTransferMode.EVERY_EXECUTION, inputs.toArray());
    GridScheduler grid = null;
    if (tiled(l)) grid = tiledMatmul(tg, graph, slots, l.range());
    else task(tg, l.kernel(), slots, l.range());
    tg.transferToHost(DataTransferMode.EVERY_EXECUTION, slotOut);
    TornadoExecutionPlan plan = new TornadoExecutionPlan(tg.snapshot());
    if (grid != null) plan.withGridScheduler(grid);
    if (profile) plan.withProfiler(ProfilerMode.SILENT);
    return new Plan(plan, slots, slotOut);
  }

  /**
   * float32 matmul as {@link TiledMatmulKernels#matmulTiled} on a 2-D grid of TS×TS work-groups
   * (local-memory tiles) instead of the {@code @Parallel} kernel. Arguments as for
   * {@link MatmulKernels#matmul}; {@code rows} = batch·m.
   */
  private static GridScheduler tiledMatmul(TaskGraph tg, String graph, Object[] a, int rows) {
    int m = i(a[3]), n = i(a[4]), mp = TiledMatmulKernels.padded(m), batch = rows / m;
    KernelContext ctx = new KernelContext();
    tg.task("t", TiledMatmulKernels::matmulTiled, ctx, f(a[0]), f(a[1]), f(a[2]), m, n, i(a[5]), i(a[6]), i(a[7]), i(a[8]), i(a[9]), mp);
    WorkerGrid2D worker = new WorkerGrid2D(TiledMatmulKernels.padded(n), batch * mp);
    worker.setLocalWork(TiledMatmulKernels.TS, TiledMatmulKernels.TS, 1);
    return new GridScheduler(graph + ".t", worker);
  }

  /** Copies array {@code from} into {@code to}; false for scalars (fixed in the plan). */
  private static boolean copy(Object from, Object to) {
    if (from instanceof float[] || from instanceof double[] || from instanceof int[]) {
      System.arraycopy(from, 0, to, 0, java.lang.reflect.Array.getLength(from));
      return true;
    }
    return false;
  }

  private static float[] f(Object o) {
    return (float[]) o;
  }

  private static double[] d(Object o) {
    return (double[]) o;
  }

  private static int[] ia(Object o) {
    return (int[]) o;
  }

  private static int i(Object o) {
    return (Integer) o;
  }

  /** Adds kernel {@code kernel} over [0, n) to the graph; the method references are what TornadoVM compiles. */
  private static void task(TaskGraph tg, String kernel, Object[] a, int n) {
    String t = "t";
    switch (kernel) {
      case "ElementwiseKernels.castToDouble" -> tg.task(t, ElementwiseKernels::castToDouble, f(a[0]), d(a[1]), 0, n);
      case "ElementwiseKernels.castToFloat" -> tg.task(t, ElementwiseKernels::castToFloat, d(a[0]), f(a[1]), 0, n);
      case "ElementwiseKernels.fill" -> {
        if (a[0] instanceof float[] y) tg.task(t, ElementwiseKernels::fill, y, (float) (Float) a[1], 0, n);
        else tg.task(t, ElementwiseKernels::fill, d(a[0]), (double) (Double) a[1], 0, n);
      }
      case "ElementwiseKernels.unary" -> {
        if (a[1] instanceof float[] x) tg.task(t, ElementwiseKernels::unary, i(a[0]), x, f(a[2]), 0, n);
        else tg.task(t, ElementwiseKernels::unary, i(a[0]), d(a[1]), d(a[2]), 0, n);
      }
      case "ElementwiseKernels.binary" -> {
        if (a[1] instanceof float[] x) tg.task(t, ElementwiseKernels::binary, i(a[0]), x, ia(a[2]), f(a[3]), ia(a[4]), ia(a[5]), f(a[6]), 0, n);
        else tg.task(t, ElementwiseKernels::binary, i(a[0]), d(a[1]), ia(a[2]), d(a[3]), ia(a[4]), ia(a[5]), d(a[6]), 0, n);
      }
      case "ElementwiseKernels.where" -> {
        if (a[0] instanceof float[] c) tg.task(t, ElementwiseKernels::where, c, ia(a[1]), f(a[2]), ia(a[3]), f(a[4]), ia(a[5]), ia(a[6]), f(a[7]), 0, n);
        else tg.task(t, ElementwiseKernels::where, d(a[0]), ia(a[1]), d(a[2]), ia(a[3]), d(a[4]), ia(a[5]), ia(a[6]), d(a[7]), 0, n);
      }
      case "ReduceKernels.reduceSum" -> {
        if (a[0] instanceof float[] x) tg.task(t, ReduceKernels::reduceSum, x, ia(a[1]), ia(a[2]), ia(a[3]), ia(a[4]), i(a[5]), f(a[6]), 0, n);
        else tg.task(t, ReduceKernels::reduceSum, d(a[0]), ia(a[1]), ia(a[2]), ia(a[3]), ia(a[4]), i(a[5]), d(a[6]), 0, n);
      }
      case "ReduceKernels.reduceMax" -> {
        if (a[0] instanceof float[] x) tg.task(t, ReduceKernels::reduceMax, x, ia(a[1]), ia(a[2]), ia(a[3]), ia(a[4]), i(a[5]), f(a[6]), 0, n);
        else tg.task(t, ReduceKernels::reduceMax, d(a[0]), ia(a[1]), ia(a[2]), ia(a[3]), ia(a[4]), i(a[5]), d(a[6]), 0, n);
      }
      case "ReduceKernels.argmax" -> {
        if (a[0] instanceof float[] x) tg.task(t, ReduceKernels::argmax, x, i(a[1]), i(a[2]), ia(a[3]), 0, n);
        else tg.task(t, ReduceKernels::argmax, d(a[0]), i(a[1]), i(a[2]), ia(a[3]), 0, n);
      }
      case "LayoutKernels.gather" -> {
        if (a[0] instanceof float[] x) tg.task(t, LayoutKernels::gather, x, i(a[1]), ia(a[2]), ia(a[3]), f(a[4]), 0, n);
        else tg.task(t, LayoutKernels::gather, d(a[0]), i(a[1]), ia(a[2]), ia(a[3]), d(a[4]), 0, n);
      }
      case "LayoutKernels.embed" -> {
        if (a[0] instanceof float[] x) tg.task(t, LayoutKernels::embed, x, ia(a[1]), ia(a[2]), ia(a[3]), f(a[4]), f(a[5]), 0, n);
        else tg.task(t, LayoutKernels::embed, d(a[0]), ia(a[1]), ia(a[2]), ia(a[3]), d(a[4]), d(a[5]), 0, n);
      }
      case "LayoutKernels.takeAlong" -> {
        if (a[0] instanceof float[] x) tg.task(t, LayoutKernels::takeAlong, x, i(a[1]), i(a[2]), ia(a[3]), f(a[4]), 0, n);
        else tg.task(t, LayoutKernels::takeAlong, d(a[0]), i(a[1]), i(a[2]), ia(a[3]), d(a[4]), 0, n);
      }
      case "LayoutKernels.scatterAlong" -> {
        if (a[0] instanceof float[] x) tg.task(t, LayoutKernels::scatterAlong, x, i(a[1]), i(a[2]), ia(a[3]), f(a[4]), 0, n);
        else tg.task(t, LayoutKernels::scatterAlong, d(a[0]), i(a[1]), i(a[2]), ia(a[3]), d(a[4]), 0, n);
      }
      case "LayoutKernels.indexSelect" -> {
        if (a[0] instanceof float[] x) tg.task(t, LayoutKernels::indexSelect, x, i(a[1]), i(a[2]), ia(a[3]), f(a[4]), 0, n);
        else tg.task(t, LayoutKernels::indexSelect, d(a[0]), i(a[1]), i(a[2]), ia(a[3]), d(a[4]), 0, n);
      }
      case "LayoutKernels.indexAdd" -> {
        if (a[0] instanceof float[] x) tg.task(t, LayoutKernels::indexAdd, x, i(a[1]), i(a[2]), i(a[3]), ia(a[4]), f(a[5]), 0, n);
        else tg.task(t, LayoutKernels::indexAdd, d(a[0]), i(a[1]), i(a[2]), i(a[3]), ia(a[4]), d(a[5]), 0, n);
      }
      case "MatmulKernels.matmul" -> {
        if (a[0] instanceof float[] x) tg.task(t, MatmulKernels::matmul, x, f(a[1]), f(a[2]), i(a[3]), i(a[4]), i(a[5]), i(a[6]), i(a[7]), i(a[8]), i(a[9]), 0, n);
        else tg.task(t, MatmulKernels::matmul, d(a[0]), d(a[1]), d(a[2]), i(a[3]), i(a[4]), i(a[5]), i(a[6]), i(a[7]), i(a[8]), i(a[9]), 0, n);
      }
      case "MatmulKernels.matmulSumBatch" -> {
        if (a[0] instanceof float[] x) tg.task(t, MatmulKernels::matmulSumBatch, x, f(a[1]), f(a[2]), i(a[3]), i(a[4]), i(a[5]), i(a[6]), i(a[7]), i(a[8]), i(a[9]), i(a[10]), 0, n);
        else tg.task(t, MatmulKernels::matmulSumBatch, d(a[0]), d(a[1]), d(a[2]), i(a[3]), i(a[4]), i(a[5]), i(a[6]), i(a[7]), i(a[8]), i(a[9]), i(a[10]), 0, n);
      }
      case "ConvKernels.im2col" -> {
        if (a[0] instanceof float[] x) tg.task(t, ConvKernels::im2col, x, ia(a[1]), f(a[2]), 0, n);
        else tg.task(t, ConvKernels::im2col, d(a[0]), ia(a[1]), d(a[2]), 0, n);
      }
      case "ConvKernels.col2im" -> {
        if (a[0] instanceof float[] x) tg.task(t, ConvKernels::col2im, x, ia(a[1]), f(a[2]), 0, n);
        else tg.task(t, ConvKernels::col2im, d(a[0]), ia(a[1]), d(a[2]), 0, n);
      }
      case "PoolKernels.maxForward" -> {
        if (a[0] instanceof float[] x) tg.task(t, PoolKernels::maxForward, x, ia(a[1]), f(a[2]), 0, n);
        else tg.task(t, PoolKernels::maxForward, d(a[0]), ia(a[1]), d(a[2]), 0, n);
      }
      case "PoolKernels.avgForward" -> {
        if (a[0] instanceof float[] x) tg.task(t, PoolKernels::avgForward, x, ia(a[1]), f(a[2]), 0, n);
        else tg.task(t, PoolKernels::avgForward, d(a[0]), ia(a[1]), d(a[2]), 0, n);
      }
      case "PoolKernels.maxGather" -> {
        if (a[0] instanceof float[] x) tg.task(t, PoolKernels::maxGather, x, f(a[1]), ia(a[2]), f(a[3]), 0, n);
        else tg.task(t, PoolKernels::maxGather, d(a[0]), d(a[1]), ia(a[2]), d(a[3]), 0, n);
      }
      case "PoolKernels.maxBackward" -> {
        if (a[0] instanceof float[] x) tg.task(t, PoolKernels::maxBackward, x, f(a[1]), ia(a[2]), f(a[3]), 0, n);
        else tg.task(t, PoolKernels::maxBackward, d(a[0]), d(a[1]), ia(a[2]), d(a[3]), 0, n);
      }
      case "PoolKernels.avgBackward" -> {
        if (a[0] instanceof float[] x) tg.task(t, PoolKernels::avgBackward, x, ia(a[1]), f(a[2]), 0, n);
        else tg.task(t, PoolKernels::avgBackward, d(a[0]), ia(a[1]), d(a[2]), 0, n);
      }
      default -> throw new IllegalStateException("TornadoExecutor has no task for kernel " + kernel);
    }
  }
}
