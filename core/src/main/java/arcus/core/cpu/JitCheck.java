package arcus.core.cpu;

/**
 * Warns once, on standard error, when the JVM runs without {@code -XX:Tier3DelayOn=100000}, the
 * flag {@code bin/arcus} and the JMH forks pass. Without it, a SIMD kernel that first gets hot
 * while C2 is busy (the first reverse pass of a training) is compiled by C1 without a profile and
 * then by C2 from the interpreter's partial one, which may leave its Vector API calls not
 * intrinsified: every vector boxed. Measured 2026-11-29 on a Zen 5 (the MNIST network, batch 50,
 * two threads, a harness of its own): 517 ms a step and 6.2 GB allocated per step without the
 * flag, against 112–116 ms and 25 MB with it. A researcher's own {@code java} command should
 * not lose that silently. {@code -Darcus.jitWarning=false} turns the check off (the tests do:
 * they time nothing).
 *
 * <p>The check reads the flag through HotSpot's diagnostic bean (~30 ms to set up), so it runs
 * on a daemon thread and never delays the caller; on a JVM without that bean it says nothing.
 */
final class JitCheck {
  private JitCheck() {}

  /** The smallest Tier3DelayOn that keeps C1 profiling whatever C2's queue (the default is 5). */
  static final long ENOUGH = 1000;

  static void startOnce() {
    if ("false".equals(System.getProperty("arcus.jitWarning"))) return;
    Thread t = new Thread(JitCheck::check, "arcus-jit-check");
    t.setDaemon(true);
    t.start();
  }

  private static void check() {
    String warning = warning(option("TieredCompilation"), option("Tier3DelayOn"));
    if (warning != null) System.err.println(warning);
  }

  /** The warning for these flag values (null: nothing to say). */
  static String warning(String tiered, String tier3DelayOn) {
    if (tiered == null || tier3DelayOn == null || !Boolean.parseBoolean(tiered)) return null;
    long delay;
    try {
      delay = Long.parseLong(tier3DelayOn.trim());
    } catch (NumberFormatException e) {
      return null;
    }
    if (delay >= ENOUGH) return null;
    return "arcus: this JVM runs with -XX:Tier3DelayOn=" + delay + "; pass -XX:Tier3DelayOn=100000 as bin/arcus does."
        + " Without it the JIT can compile a SIMD kernel from a partial profile and leave it several times slower"
        + " (README, \"A JVM of your own\"). -Darcus.jitWarning=false silences this.";
  }

  private static String option(String name) {
    try {
      var bean = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      return bean == null ? null : bean.getVMOption(name).getValue();
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }
}
