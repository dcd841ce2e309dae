package arcus.gpu.tornado;

import arcus.gpu.ConvKernels;
import arcus.gpu.ElementwiseKernels;
import arcus.gpu.KernelExecutor;
import arcus.gpu.LayoutKernels;
import arcus.gpu.MatmulKernels;
import arcus.gpu.PoolKernels;
import arcus.gpu.ReduceKernels;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;

/**
 * Runs Arcus kernels on a TornadoVM device: the one file that talks to TornadoVM.
 *
 * <p>NOT COMPILED OR RUN ON THE MACHINE THIS WAS WRITTEN ON: TornadoVM's jars and runtime could
 * not be installed there. It is written against TornadoVM's 1.x task-graph API (TaskGraph,
 * ImmutableTaskGraph, TornadoExecutionPlan, DataTransferMode, persistOnDevice /
 * consumeFromDevice) and built only by the {@code tornado} Maven profile, which also turns the
 * kernels' {@code // @Parallel} comments into TornadoVM's {@code @Parallel} annotation and makes
 * the kernel classes public (see gpu/pom.xml and docs/gpu.md). Expect to fix small API drifts
 * against the SDK version you build with.
 *
 * <p>Each launch becomes one task graph with one task, executed once. Device buffers stay on the
 * device across launches: a graph's output is {@code persistOnDevice}, and a later graph that
 * reads it {@code consumeFromDevice}s it from the graph that produced it, so a chain of ops makes
 * no host transfer. Host data (weights, inputs) is copied in with
 * {@code DataTransferMode.FIRST_EXECUTION}; index and geometry tables likewise. Outputs are
 * marked {@code UNDER_DEMAND} and copied to the host only when the backend reads them
 * ({@link #syncToHost}); argmax results, which the host always reads, use
 * {@code EVERY_EXECUTION}.
 *
 * <p>Left to do with a real device: release plans (and their device buffers) once their
 * outputs are unreachable; fuse chains of launches into one graph; worker-grid tuning.
 */
public final class TornadoExecutor implements KernelExecutor {
  /** Which graph left a buffer on the device, and the result that can copy it back. */
  private record Producer(String graph, TornadoExecutionResult result, TornadoExecutionPlan plan) {}

  private final Map<Object, Producer> onDevice = Collections.synchronizedMap(new IdentityHashMap<>());
  private final Set<Object> fromHost = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
  private long graphs;

  public TornadoExecutor() {}

  @Override
  public String name() {
    return "tornadovm";
  }

  @Override
  public void fromHost(Object buffer) {
    fromHost.add(buffer);
  }

  @Override
  public void syncToHost(Object buffer) {
    Producer p = onDevice.get(buffer);
    if (p != null) p.result().transferToHost(buffer);
  }

  @Override
  public synchronized void launch(Launch l) {
    if (l.range() == 0) return;
    String name = "arcus" + graphs++;
    TaskGraph tg = new TaskGraph(name);
    Object out = l.outputs()[0];
    for (Object a : l.args()) {
      if (a == out || !(a instanceof float[] || a instanceof double[] || a instanceof int[])) continue;
      Producer p = onDevice.get(a);
      if (p != null) tg.consumeFromDevice(p.graph(), a);
      else tg.transferToDevice(DataTransferMode.FIRST_EXECUTION, a);
    }
    // an output that is also an input (pad, concat, scatter into a filled buffer) must arrive first
    Producer prior = onDevice.get(out);
    if (prior != null) tg.consumeFromDevice(prior.graph(), out);
    else tg.transferToDevice(DataTransferMode.FIRST_EXECUTION, out);
    task(tg, l.kernel(), l.args(), l.range());
    tg.persistOnDevice(out);
    tg.transferToHost(out instanceof int[] ? DataTransferMode.EVERY_EXECUTION : DataTransferMode.UNDER_DEMAND, out);
    ImmutableTaskGraph itg = tg.snapshot();
    TornadoExecutionPlan plan = new TornadoExecutionPlan(itg);
    TornadoExecutionResult result = plan.execute();
    onDevice.put(out, new Producer(name, result, plan));
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
      case "ReduceKernels.sum" -> {
        if (a[0] instanceof float[] x) tg.task(t, ReduceKernels::sum, x, ia(a[1]), ia(a[2]), ia(a[3]), ia(a[4]), i(a[5]), f(a[6]), 0, n);
        else tg.task(t, ReduceKernels::sum, d(a[0]), ia(a[1]), ia(a[2]), ia(a[3]), ia(a[4]), i(a[5]), d(a[6]), 0, n);
      }
      case "ReduceKernels.max" -> {
        if (a[0] instanceof float[] x) tg.task(t, ReduceKernels::max, x, ia(a[1]), ia(a[2]), ia(a[3]), ia(a[4]), i(a[5]), f(a[6]), 0, n);
        else tg.task(t, ReduceKernels::max, d(a[0]), ia(a[1]), ia(a[2]), ia(a[3]), ia(a[4]), i(a[5]), d(a[6]), 0, n);
      }
      case "ReduceKernels.argmax" -> {
        if (a[0] instanceof float[] x) tg.task(t, ReduceKernels::argmax, x, i(a[1]), i(a[2]), ia(a[3]), 0, n);
        else tg.task(t, ReduceKernels::argmax, d(a[0]), i(a[1]), i(a[2]), ia(a[3]), 0, n);
      }
      case "LayoutKernels.gather" -> {
        if (a[0] instanceof float[] x) tg.task(t, LayoutKernels::gather, x, i(a[1]), ia(a[2]), ia(a[3]), f(a[4]), 0, n);
        else tg.task(t, LayoutKernels::gather, d(a[0]), i(a[1]), ia(a[2]), ia(a[3]), d(a[4]), 0, n);
      }
      case "LayoutKernels.place" -> {
        if (a[0] instanceof float[] x) tg.task(t, LayoutKernels::place, x, i(a[1]), ia(a[2]), ia(a[3]), f(a[4]), 0, n);
        else tg.task(t, LayoutKernels::place, d(a[0]), i(a[1]), ia(a[2]), ia(a[3]), d(a[4]), 0, n);
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
