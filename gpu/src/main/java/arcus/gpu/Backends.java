package arcus.gpu;

import arcus.core.Backend;
import arcus.core.cpu.CpuBackend;
import java.util.Locale;

/**
 * Chooses a backend by name at run time ({@code --backend cpu|tornado|jvm-kernels}). The CPU
 * backend is the default and the reference. "tornado" gives a {@link TornadoBackend} whose
 * kernels run through TornadoVM (the {@code TornadoExecutor} that the {@code tornado} Maven
 * profile compiles): it fails with a message saying what is missing when TORNADOVM_HOME is
 * unset, the JVM was started without TornadoVM's flags, the build has no executor, or no device
 * opens. It never falls back to the JVM silently. "jvm-kernels" runs the same kernels as Java
 * loops on the JVM (a simulation, for debugging the kernels without a device).
 *
 * <p>Each call for "tornado" makes a new backend (a device context with its own counters and
 * plans): tensors of two such backends do not mix, so a program asks once, passes the backend
 * on, and closes it at the end.
 */
public final class Backends {
  private Backends() {}

  static final String TORNADO_API_CLASS = "uk.ac.manchester.tornado.api.TaskGraph";
  static final String TORNADO_EXECUTOR_CLASS = "arcus.gpu.TornadoExecutor";

  public static Backend byName(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "cpu" -> CpuBackend.INSTANCE;
      case "tornado", "gpu" -> new TornadoBackend(tornadoExecutor());
      case "jvm-kernels" -> TornadoBackend.onJvm();
      default -> throw new IllegalArgumentException("unknown backend '" + name + "' (use cpu, tornado or jvm-kernels)");
    };
  }

  /** Whether this JVM can run TornadoVM kernels: TornadoVM's runtime and our executor are both loadable. */
  public static boolean tornadoAvailable() {
    try {
      Class.forName(TORNADO_API_CLASS);
      Class.forName(TORNADO_EXECUTOR_CLASS);
      return System.getProperty("tornado.load.runtime.implementation") != null;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The one place that looks for TornadoVM; neither its API nor our executor is in the default build. */
  static KernelExecutor tornadoExecutor() {
    String home = System.getenv("TORNADOVM_HOME");
    String fix = "; see docs/gpu.md, or use --backend jvm-kernels to run the kernels on the JVM";
    if (home == null || home.isBlank()) throw new IllegalStateException("--backend tornado needs a TornadoVM SDK: TORNADOVM_HOME is not set" + fix);
    try {
      Class.forName(TORNADO_EXECUTOR_CLASS);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("--backend tornado: this build has no TornadoVM executor (rebuild with TORNADOVM_HOME set, which turns on the tornado Maven profile)" + fix);
    }
    if (System.getProperty("tornado.load.runtime.implementation") == null)
      throw new IllegalStateException("--backend tornado: the JVM was started without TornadoVM's flags (start java with @$TORNADOVM_HOME/tornado-argfile; bin/arcus adds it)" + fix);
    try {
      Class<?> c = Class.forName(TORNADO_EXECUTOR_CLASS);
      var ctor = c.getDeclaredConstructor();
      return (KernelExecutor) ctor.newInstance();
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new IllegalStateException("--backend tornado: no TornadoVM device opened (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")" + fix, cause);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("--backend tornado: TornadoVM failed to start (" + e + ")" + fix, e);
    }
  }
}
