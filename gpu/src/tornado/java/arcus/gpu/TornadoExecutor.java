package arcus.gpu;

import arcus.core.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;

/**
 * Runs Arcus kernels on a TornadoVM device with the data resident there: the one class that
 * talks to TornadoVM, compiled only by the {@code tornado} Maven profile (TORNADOVM_HOME set)
 * against the SDK's tornado-api jar.
 *
 * <p>One {@link TornadoExecutionPlan}, built once, holds one task graph per kernel and dtype (not
 * per shape) and one per staging copy. Every graph consumes the three arena arrays
 * ({@link Arena}: float32, float64, int32) from the graph that ran before it, so the arenas live in device memory for the plan's life: TornadoVM 5.2 hands a
 * device buffer from graph to graph only inside one plan, from the last executed graph (the first
 * graph, which runs once, allocates them). A launch copies its meta array (item count, offsets,
 * op code, index tables) into the meta array of its graph, which the graph transfers on every
 * execution, sets its graph's grid, and executes that graph. The kernels' parallel loops read
 * their bound from the meta array; TornadoVM emits them as grid-stride loops, so the grid is the
 * item count rounded up to a power of two (a new grid size costs a one-time set-up of about 60 ms
 * on PoCL, so sizes are kept to a few classes), capped. Each kernel compiles once, for all shapes.
 *
 * <p>Host data moves only when asked: {@link #upload} copies a tensor into a staging array (the
 * smallest of a few size classes that fits, or chunks of the largest) which a copy graph
 * transfers and writes into the arena; {@link #download} runs the reverse graph. Counted by
 * {@link #hostToDevice()}, {@link #deviceToHost()} and {@link #metaUploads()}.
 * {@link #close()} frees the device memory and closes the plan.
 */
final class TornadoExecutor implements KernelExecutor {
  /** Staging array sizes (elements). */
  static final int[] STAGES = {1 << 8, 1 << 14, 1 << 18};
  /** Largest 1-D grid; the kernels' grid-stride loops cover the rest. */
  static final int MAX_GRID_1D = 1 << 20;
  static final int MAX_GRID_2D = 1 << 11;

  private final Arena arena = new Arena(false);
  private final int metaInts;
  /** Each graph's own meta array (a buffer shared by two graphs would be freed twice at close). */
  private final List<int[]> metas = new ArrayList<>();
  private final float[] fs = new float[1];
  private final double[] ds = new double[1];
  private final Object[] arenas;
  private final List<TaskGraph> graphs = new ArrayList<>();
  private final Map<String, Integer> index = new HashMap<>();
  private final List<WorkerGrid> grids = new ArrayList<>();
  private final GridScheduler scheduler = new GridScheduler();
  private final float[][] stageF = new float[STAGES.length][], upF = new float[STAGES.length][];
  private final double[][] stageD = new double[STAGES.length][], upD = new double[STAGES.length][];
  private final int[][] stageI = new int[STAGES.length][];
  private final boolean[] used;
  private final TornadoExecutionPlan plan;
  private final String device;
  private int compiled;
  private long uploads;
  private long downloads;
  private long launches;
  private long executions;
  private boolean closed;
  /** With -Darcus.tornado.profile=true: TornadoVM's profiler on, and time split by phase. */
  private final boolean profile = Boolean.getBoolean("arcus.tornado.profile");
  private long hostCopyNs;
  private long executeNs;
  private long transferNs;
  private long kernelNs;
  private long transferBytes;

  /** Opens TornadoVM's default device and builds the plan; fails with a message naming the cause when there is no device. */
  TornadoExecutor() {
    // TornadoVM's default emits OpenCL's native_* math (native_sqrt, native_sin), which PoCL
    // computes to float precision even for double: ask for the full-precision builtins.
    if (System.getProperty("tornado.enable.nativeFunctions") == null) System.setProperty("tornado.enable.nativeFunctions", "False");
    // TornadoVM refuses to allocate past tornado.device.memory (4 GB by default): make room for
    // the arenas plus the graphs' small buffers, unless the user set it (read once, at start-up)
    if (System.getProperty("tornado.device.memory") == null) System.setProperty("tornado.device.memory", ((arena.bytes() >> 30) + 2) + "GB");
    var map = TornadoExecutionPlan.getTornadoDeviceMap();
    if (map.getNumBackends() == 0 || map.getAllBackends().stream().allMatch(b -> b.getNumDevices() == 0))
      throw new IllegalStateException("TornadoVM found no device (no OpenCL platform: install an OpenCL driver, e.g. pocl-opencl-icd)");
    var dev = TornadoExecutionPlan.DEFAULT_DEVICE != null ? TornadoExecutionPlan.DEFAULT_DEVICE : map.getAllBackends().get(0).getDefaultDevice();
    device = dev.getDescription();
    // each arena is one device buffer: it must fit the device's largest allocation
    long maxAlloc = dev.getMaxAllocMemory();
    for (int k = 0; k < 3; k++)
      if (arena.limitBytes(k) + 64 > maxAlloc)
        throw new IllegalStateException("the tornado backend's " + Arena.describe(k) + " arena (" + (arena.limitBytes(k) >> 20) + " MB) is larger than the largest buffer " + device + " allocates ("
            + (maxAlloc >> 20) + " MB): set -D" + Arena.property(k) + " below it");
    int metaInts = Integer.getInteger("arcus.tornado.metaInts", 4096);
    if (metaInts < 64) throw new IllegalArgumentException("-Darcus.tornado.metaInts must be at least 64, got " + metaInts);
    this.metaInts = metaInts;
    arenas = new Object[] {arena.f, arena.d, arena.i};
    build();
    used = new boolean[graphs.size()];
    var snapshots = graphs.stream().map(TaskGraph::snapshot).toArray(uk.ac.manchester.tornado.api.ImmutableTaskGraph[]::new);
    plan = new TornadoExecutionPlan(snapshots);
    plan.withGridScheduler(scheduler);
    if (profile) {
      plan.withProfiler(ProfilerMode.SILENT);
      // a program that never closes its backend still reports where the time went
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        synchronized (this) {
          if (!closed) System.err.println(profileSummary());
        }
      }, "arcus-tornado-profile"));
    }
    execute(0);
  }

  @Override
  public String name() {
    return "tornadovm";
  }

  @Override
  public Arena arena() {
    return arena;
  }

  /** The device the plan runs on, as TornadoVM describes it. */
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

  /** Meta arrays sent so far: one per execution of any graph (a fill's one-element value array included). */
  @Override
  public synchronized long metaUploads() {
    return executions;
  }

  /** Task graphs compiled so far (each compiles on its first execution, once for all shapes). */
  @Override
  public synchronized int plans() {
    return compiled;
  }

  /** Task graphs in the plan (kernels, copies and the arena's set-up). */
  int graphs() {
    return graphs.size();
  }

  @Override
  public synchronized long launches() {
    return launches;
  }

  @Override
  public synchronized void launch(Launch l) {
    open();
    int n = l.items();
    if (n == 0) return;
    int[] m = l.meta();
    if (m.length + 1 > metaInts)
      throw new IllegalStateException("the tornado backend's launch of " + l.kernel() + " needs a meta array of " + m.length + " ints, more than the " + metaInts + " of -Darcus.tornado.metaInts; raise it");
    boolean tiled = tiled(l);
    String key = l.kernel() + (tiled ? "/tiled/" : "/") + l.dtype();
    Integer g = index.get(key);
    if (g == null) throw new IllegalStateException("TornadoExecutor has no graph for kernel " + key);
    long t0 = System.nanoTime();
    int[] meta = metas.get(g);
    System.arraycopy(m, 0, meta, 0, m.length);
    if (l.kernel().equals("ElementwiseKernels.fill")) {
      fs[0] = (float) l.scalar();
      ds[0] = l.scalar();
    }
    WorkerGrid grid = grids.get(g);
    if (tiled) {
      int mm = m[5], mp = TiledMatmulKernels.padded(mm);
      meta[12] = mp;
      grid.setGlobalWork(TiledMatmulKernels.padded(m[6]), (long) (n / mm) * mp, 1);
      grid.setLocalWork(TiledMatmulKernels.TS, TiledMatmulKernels.TS, 1);
    } else if (l.cols() > 0) grid.setGlobalWork(gridSize(n, MAX_GRID_2D), gridSize(l.cols(), MAX_GRID_2D), 1);
    else grid.setGlobalWork(gridSize(n, MAX_GRID_1D), 1, 1);
    hostCopyNs += System.nanoTime() - t0;
    execute(g);
    launches++;
  }

  @Override
  public synchronized void upload(Object data, int offset) {
    open();
    int n = java.lang.reflect.Array.getLength(data), c = stageClass(n), cap = STAGES[c];
    boolean f32 = data instanceof float[];
    int g = index.get((f32 ? "up/F32/" : "up/F64/") + c);
    for (int at = 0; at < n; at += cap) {
      int len = Math.min(cap, n - at);
      long t0 = System.nanoTime();
      System.arraycopy(data, at, f32 ? upF[c] : upD[c], 0, len);
      setCopyMeta(g, len, offset + at);
      hostCopyNs += System.nanoTime() - t0;
      execute(g);
    }
    uploads++;
  }

  @Override
  public synchronized void download(int offset, Object into) {
    open();
    int n = java.lang.reflect.Array.getLength(into), c = stageClass(n), cap = STAGES[c];
    String kind = into instanceof float[] ? "F32" : into instanceof double[] ? "F64" : "I32";
    int g = index.get("down/" + kind + "/" + c);
    Object stage = into instanceof float[] ? stageF[c] : into instanceof double[] ? stageD[c] : stageI[c];
    for (int at = 0; at < n; at += cap) {
      int len = Math.min(cap, n - at);
      setCopyMeta(g, len, offset + at);
      execute(g);
      long t0 = System.nanoTime();
      System.arraycopy(stage, 0, into, at, len);
      hostCopyNs += System.nanoTime() - t0;
    }
    downloads++;
  }

  private void setCopyMeta(int g, int len, int arenaOffset) {
    int[] meta = metas.get(g);
    meta[0] = len;
    meta[1] = 0;
    meta[2] = arenaOffset;
    grids.get(g).setGlobalWork(gridSize(len, MAX_GRID_1D), 1, 1);
  }

  private static int stageClass(int n) {
    for (int c = 0; c < STAGES.length; c++) if (n <= STAGES[c]) return c;
    return STAGES.length - 1;
  }

  /** The power of two at or above {@code n}, at most {@code cap}: few distinct grids, each set up once. */
  private static long gridSize(int n, int cap) {
    return Math.min(cap, n <= 1 ? 1 : Long.highestOneBit(n - 1L) << 1);
  }

  private void execute(int g) {
    long t0 = System.nanoTime();
    TornadoExecutionResult r = plan.withGraph(g).execute();
    executeNs += System.nanoTime() - t0;
    executions++;
    if (!used[g]) {
      used[g] = true;
      compiled++;
    }
    if (profile) {
      var p = r.getProfilerResult();
      transferNs += p.getDataTransfersTime();
      kernelNs += p.getDeviceKernelTime();
      transferBytes += p.getTotalBytesTransferred();
    }
  }

  private void open() {
    if (closed) throw new IllegalStateException("the TornadoVM backend was closed");
  }

  /**
   * Time so far, in ns: {host copies (meta and staging arrays), execute (TornadoVM's execute
   * calls: transfers, dispatch, kernels), transfers and kernels as TornadoVM's profiler reports
   * them (0 unless -Darcus.tornado.profile=true), bytes transferred (likewise)}.
   */
  synchronized long[] times() {
    return new long[] {hostCopyNs, executeNs, transferNs, kernelNs, transferBytes};
  }

  /** One line on where the time went (kernels vs transfers need -Darcus.tornado.profile=true). */
  synchronized String profileSummary() {
    return String.format("tornado executor: %d executions (%d kernel launches, %d uploads, %d downloads), %d graphs compiled; host copies %.1f ms, TornadoVM execute %.1f ms%s",
        executions, launches, uploads, downloads, compiled, hostCopyNs / 1e6, executeNs / 1e6,
        profile ? String.format(", of it kernels %.1f ms and transfers %.1f ms (%d bytes)", kernelNs / 1e6, transferNs / 1e6, transferBytes) : " (kernel and transfer time: -Darcus.tornado.profile=true)");
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (profile) System.err.println(profileSummary());
    try {
      plan.withAllGraphs().freeDeviceMemory();
      plan.close();
    } catch (Exception e) {
      throw new IllegalStateException("TornadoVM failed to release its plan: " + e.getMessage(), e);
    }
  }

  /**
   * Whether a launch runs as the local-memory tiled GEMM: float32 matmuls, when
   * {@code -Darcus.tornado.tiledGemm} says so, by default on every device but a CPU (a CPU
   * OpenCL device such as PoCL has no separate local memory for the tiles to pay off; see the
   * interleaved measurement in docs/gpu.md).
   */
  private boolean tiled(Launch l) {
    if (!l.kernel().equals("MatmulKernels.matmul") || l.dtype() != DType.F32) return false;
    String p = System.getProperty("arcus.tornado.tiledGemm");
    return p != null ? Boolean.parseBoolean(p) : !device.contains("CL_DEVICE_TYPE_CPU");
  }

  // ------------------------------------------------------------------ the plan's graphs

  /** A graph named {@code "g<index>"} with the arenas consumed and persisted; {@code key} finds it. */
  private TaskGraph graph(String key, WorkerGrid grid, Object... extraInputs) {
    String name = "g" + graphs.size();
    int[] meta = new int[metaInts];
    metas.add(meta);
    TaskGraph tg = new TaskGraph(name);
    Object[] in = new Object[1 + extraInputs.length];
    in[0] = meta;
    System.arraycopy(extraInputs, 0, in, 1, extraInputs.length);
    tg.transferToDevice(DataTransferMode.EVERY_EXECUTION, in);
    tg.consumeFromDevice(arenas);
    index.put(key, graphs.size());
    graphs.add(tg);
    grids.add(grid);
    scheduler.addWorkerGrid(name + ".t", grid);
    return tg;
  }

  private void build() {
    float[] f = arena.f;
    double[] d = arena.d;
    int[] i = arena.i;
    // Graph 0 allocates the arenas on the device, once (its task only writes them, so nothing is
    // copied in), and persists them. The other graphs only consume them: persistOnDevice is a
    // transferToHost(UNDER_DEMAND), which makes the arrays objects the graph frees at close, and
    // TornadoVM 5.2 frees a buffer once per graph that lists it ("trying to deallocate an invalid
    // buffer" at the second); consumed objects count as persisted, so no graph frees them after
    // it runs.
    TaskGraph init = new TaskGraph("g0").task("t", CopyKernels::touch, f, d, i).persistOnDevice(arenas);
    index.put("init", 0);
    graphs.add(init);
    grids.add(null);
    metas.add(null);

    kernel("ElementwiseKernels.fill", DType.F32, fs).task("t", ElementwiseKernels::fill, f, fs, meta());
    kernel("ElementwiseKernels.fill", DType.F64, ds).task("t", ElementwiseKernels::fill, d, ds, meta());
    kernel("ElementwiseKernels.castToDouble", DType.F64).task("t", ElementwiseKernels::castToDouble, f, d, meta());
    kernel("ElementwiseKernels.castToFloat", DType.F32).task("t", ElementwiseKernels::castToFloat, d, f, meta());
    kernel("ReduceKernels.argmax", DType.F32).task("t", ReduceKernels::argmax, f, i, meta());
    kernel("ReduceKernels.argmax", DType.F64).task("t", ReduceKernels::argmax, d, i, meta());
    kernel("ElementwiseKernels.unary", DType.F32).task("t", ElementwiseKernels::unary, f, meta());
    kernel("ElementwiseKernels.unary", DType.F64).task("t", ElementwiseKernels::unary, d, meta());
    kernel("ElementwiseKernels.binary", DType.F32).task("t", ElementwiseKernels::binary, f, meta());
    kernel("ElementwiseKernels.binary", DType.F64).task("t", ElementwiseKernels::binary, d, meta());
    kernel("ElementwiseKernels.where", DType.F32).task("t", ElementwiseKernels::where, f, meta());
    kernel("ElementwiseKernels.where", DType.F64).task("t", ElementwiseKernels::where, d, meta());
    kernel("ReduceKernels.reduceSum", DType.F32).task("t", ReduceKernels::reduceSum, f, meta());
    kernel("ReduceKernels.reduceSum", DType.F64).task("t", ReduceKernels::reduceSum, d, meta());
    kernel("ReduceKernels.reduceMax", DType.F32).task("t", ReduceKernels::reduceMax, f, meta());
    kernel("ReduceKernels.reduceMax", DType.F64).task("t", ReduceKernels::reduceMax, d, meta());
    kernel("LayoutKernels.gather", DType.F32).task("t", LayoutKernels::gather, f, meta());
    kernel("LayoutKernels.gather", DType.F64).task("t", LayoutKernels::gather, d, meta());
    kernel("LayoutKernels.embed", DType.F32).task("t", LayoutKernels::embed, f, meta());
    kernel("LayoutKernels.embed", DType.F64).task("t", LayoutKernels::embed, d, meta());
    kernel("LayoutKernels.takeAlong", DType.F32).task("t", LayoutKernels::takeAlong, f, meta());
    kernel("LayoutKernels.takeAlong", DType.F64).task("t", LayoutKernels::takeAlong, d, meta());
    kernel("LayoutKernels.scatterAlong", DType.F32).task("t", LayoutKernels::scatterAlong, f, meta());
    kernel("LayoutKernels.scatterAlong", DType.F64).task("t", LayoutKernels::scatterAlong, d, meta());
    kernel("LayoutKernels.indexSelect", DType.F32).task("t", LayoutKernels::indexSelect, f, meta());
    kernel("LayoutKernels.indexSelect", DType.F64).task("t", LayoutKernels::indexSelect, d, meta());
    kernel("LayoutKernels.indexAdd", DType.F32).task("t", LayoutKernels::indexAdd, f, meta());
    kernel("LayoutKernels.indexAdd", DType.F64).task("t", LayoutKernels::indexAdd, d, meta());
    kernel2("MatmulKernels.matmul", DType.F32).task("t", MatmulKernels::matmul, f, meta());
    kernel2("MatmulKernels.matmul", DType.F64).task("t", MatmulKernels::matmul, d, meta());
    kernel2("MatmulKernels.matmulSumBatch", DType.F32).task("t", MatmulKernels::matmulSumBatch, f, meta());
    kernel2("MatmulKernels.matmulSumBatch", DType.F64).task("t", MatmulKernels::matmulSumBatch, d, meta());
    kernel("ConvKernels.im2col", DType.F32).task("t", ConvKernels::im2col, f, meta());
    kernel("ConvKernels.im2col", DType.F64).task("t", ConvKernels::im2col, d, meta());
    kernel("ConvKernels.col2im", DType.F32).task("t", ConvKernels::col2im, f, meta());
    kernel("ConvKernels.col2im", DType.F64).task("t", ConvKernels::col2im, d, meta());
    kernel("PoolKernels.maxForward", DType.F32).task("t", PoolKernels::maxForward, f, meta());
    kernel("PoolKernels.maxForward", DType.F64).task("t", PoolKernels::maxForward, d, meta());
    kernel("PoolKernels.avgForward", DType.F32).task("t", PoolKernels::avgForward, f, meta());
    kernel("PoolKernels.avgForward", DType.F64).task("t", PoolKernels::avgForward, d, meta());
    kernel("PoolKernels.maxGather", DType.F32).task("t", PoolKernels::maxGather, f, meta());
    kernel("PoolKernels.maxGather", DType.F64).task("t", PoolKernels::maxGather, d, meta());
    kernel("PoolKernels.maxBackward", DType.F32).task("t", PoolKernels::maxBackward, f, meta());
    kernel("PoolKernels.maxBackward", DType.F64).task("t", PoolKernels::maxBackward, d, meta());
    kernel("PoolKernels.avgBackward", DType.F32).task("t", PoolKernels::avgBackward, f, meta());
    kernel("PoolKernels.avgBackward", DType.F64).task("t", PoolKernels::avgBackward, d, meta());
    WorkerGrid2D tiles = new WorkerGrid2D(TiledMatmulKernels.TS, TiledMatmulKernels.TS);
    graph("MatmulKernels.matmul/tiled/" + DType.F32, tiles).task("t", TiledMatmulKernels::matmulTiled, new KernelContext(), f, meta());
    for (int c = 0; c < STAGES.length; c++) {
      stageF[c] = new float[STAGES[c]];
      stageD[c] = new double[STAGES[c]];
      stageI[c] = new int[STAGES[c]];
      upF[c] = new float[STAGES[c]];
      upD[c] = new double[STAGES[c]];
      graph("up/F32/" + c, new WorkerGrid1D(1), upF[c]).task("t", CopyKernels::copyIn, upF[c], f, meta());
      graph("up/F64/" + c, new WorkerGrid1D(1), upD[c]).task("t", CopyKernels::copyIn, upD[c], d, meta());
      graph("down/F32/" + c, new WorkerGrid1D(1)).task("t", CopyKernels::copyOut, f, stageF[c], meta()).transferToHost(DataTransferMode.EVERY_EXECUTION, stageF[c]);
      graph("down/F64/" + c, new WorkerGrid1D(1)).task("t", CopyKernels::copyOut, d, stageD[c], meta()).transferToHost(DataTransferMode.EVERY_EXECUTION, stageD[c]);
      graph("down/I32/" + c, new WorkerGrid1D(1)).task("t", CopyKernels::copyOut, i, stageI[c], meta()).transferToHost(DataTransferMode.EVERY_EXECUTION, stageI[c]);
    }
  }

  /** The meta array of the graph {@link #graph} made last. */
  private int[] meta() {
    return metas.get(metas.size() - 1);
  }

  private TaskGraph kernel2(String name, DType t) {
    return graph(name + "/" + t, new WorkerGrid2D(1, 1));
  }

  private TaskGraph kernel(String name, DType t, Object... extra) {
    return graph(name + "/" + t, new WorkerGrid1D(1), extra);
  }
}
