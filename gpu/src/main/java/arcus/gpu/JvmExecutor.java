package arcus.gpu;

import arcus.core.cpu.Parallel;

/**
 * Runs kernels on the JVM over the arena's host arrays (which stand in for device memory and
 * grow as needed up to the arena limit): the outer {@code @Parallel} loop of each launch is split
 * into contiguous chunks over the shared {@link Parallel} worker threads (the ones the CPU backend
 * uses), each chunk running the kernel with a copy of the meta array whose {@code [0]} and
 * {@code [1]} say which items. Uploads and downloads are array copies, counted like a device's.
 * {@code --backend jvm-kernels} uses it, and so do the default-build tests; it is never a silent
 * stand-in for TornadoVM.
 */
public final class JvmExecutor implements KernelExecutor {
  private final Arena arena = new Arena(true);
  private long uploads;
  private long downloads;
  private long launches;

  @Override
  public String name() {
    return "jvm";
  }

  @Override
  public Arena arena() {
    return arena;
  }

  @Override
  public void launch(Launch launch) {
    int n = launch.items();
    if (n == 0) return;
    synchronized (this) {
      launches++;
    }
    int[] meta = launch.meta();
    // holding the arena: a growth (which replaces its arrays) cannot happen mid-launch
    synchronized (arena) {
      Parallel.forRange(n, Math.max(1, launch.grain()), (from, to) -> {
        int[] m = meta.clone();
        m[0] = to - from;
        m[1] = from;
        launch.body().run(m);
      });
    }
  }

  @Override
  public void upload(Object data, int offset) {
    synchronized (arena) {
      copyIn(data, offset);
    }
    synchronized (this) {
      uploads++;
    }
  }

  private void copyIn(Object data, int offset) {
    switch (data) {
      case float[] f -> System.arraycopy(f, 0, arena.f, offset, f.length);
      case double[] d -> System.arraycopy(d, 0, arena.d, offset, d.length);
      default -> throw new IllegalArgumentException("cannot upload " + data.getClass().getSimpleName());
    }
  }

  @Override
  public void download(int offset, Object into) {
    synchronized (arena) {
      copyOut(offset, into);
    }
    synchronized (this) {
      downloads++;
    }
  }

  private void copyOut(int offset, Object into) {
    switch (into) {
      case float[] f -> System.arraycopy(arena.f, offset, f, 0, f.length);
      case double[] d -> System.arraycopy(arena.d, offset, d, 0, d.length);
      case int[] i -> System.arraycopy(arena.i, offset, i, 0, i.length);
      default -> throw new IllegalArgumentException("cannot download into " + into.getClass().getSimpleName());
    }
  }

  @Override
  public synchronized long hostToDevice() {
    return uploads;
  }

  @Override
  public synchronized long deviceToHost() {
    return downloads;
  }

  @Override
  public synchronized long launches() {
    return launches;
  }
}
