package arcus.gpu;

import arcus.core.cpu.Parallel;

/**
 * Runs kernels on the JVM: the outer {@code @Parallel} loop of each launch is split into
 * contiguous sub-ranges over the shared {@link Parallel} fork-join pool (the one the CPU backend
 * uses, sized by {@code -Darcus.threads}). {@code --backend jvm-kernels} uses it, and so do the
 * default-build tests; it is never a silent stand-in for TornadoVM.
 */
public final class JvmExecutor implements KernelExecutor {
  @Override
  public String name() {
    return "jvm";
  }

  @Override
  public void launch(Launch launch) {
    if (launch.range() == 0) return;
    Parallel.forRange(launch.range(), Math.max(1, launch.grain()), launch.body()::run);
  }
}
