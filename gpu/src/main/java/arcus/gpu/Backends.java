package arcus.gpu;

import arcus.core.Backend;
import arcus.core.cpu.CpuBackend;
import java.util.Locale;

/**
 * Chooses a backend by name at run time ({@code --backend cpu|tornado}). The CPU backend is the
 * default and the reference. "tornado" gives a {@link TornadoBackend} on TornadoVM's executor
 * when TornadoVM and the profile-built {@code arcus.gpu.tornado.TornadoExecutor} are on the class
 * path, and otherwise on the {@link JvmExecutor} with a notice on stderr.
 *
 * <p>Each call for "tornado" makes a new backend (a device context with its own counters):
 * tensors of two such backends do not mix, so a program asks once and passes the backend on.
 */
public final class Backends {
  private Backends() {}

  static final String TORNADO_API_CLASS = "uk.ac.manchester.tornado.api.TaskGraph";
  static final String TORNADO_EXECUTOR_CLASS = "arcus.gpu.tornado.TornadoExecutor";

  public static Backend byName(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "cpu" -> CpuBackend.INSTANCE;
      case "tornado", "gpu" -> new TornadoBackend(tornadoExecutor());
      default -> throw new IllegalArgumentException("unknown backend '" + name + "' (use cpu or tornado)");
    };
  }

  /**
   * The one place that looks for TornadoVM: its API and our executor are loaded by name, since
   * neither is compiled into the default build.
   */
  static KernelExecutor tornadoExecutor() {
    try {
      Class.forName(TORNADO_API_CLASS);
      Class<?> c = Class.forName(TORNADO_EXECUTOR_CLASS);
      return (KernelExecutor) c.getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      System.err.println("arcus: no TornadoVM runtime on the class path (" + e.getMessage() + "); the tornado backend runs its kernels on the JVM");
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      System.err.println("arcus: TornadoVM is present but its executor failed to start (" + e + "); the tornado backend runs its kernels on the JVM");
    }
    return new JvmExecutor();
  }
}
