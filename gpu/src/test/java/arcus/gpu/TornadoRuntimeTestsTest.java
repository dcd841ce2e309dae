package arcus.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Says, in every build, whether the tests that need the TornadoVM runtime (src/tornadotest) ran.
 * They compile and run only under the {@code tornado} Maven profile, which TORNADOVM_HOME turns
 * on; without it this test is reported as skipped, with the reason printed.
 */
class TornadoRuntimeTestsTest {
  @Test
  void theTornadoVmTestsRunOnlyWithAnSdk() {
    boolean profile = Boolean.getBoolean("arcus.tornado.tests");
    if (!profile) {
      String why = System.getenv("TORNADOVM_HOME") == null
          ? "TORNADOVM_HOME is not set, so the tornado Maven profile is off"
          : "this test JVM was not started by the tornado Maven profile";
      System.out.println("arcus-gpu: the TornadoVM runtime tests were SKIPPED: " + why + " (see docs/gpu.md; the kernels were tested on the JVM executor only)");
      assumeTrue(false, "TornadoVM runtime tests skipped: " + why);
    }
    System.out.println("arcus-gpu: the TornadoVM runtime tests run (tornado profile, TORNADOVM_HOME=" + System.getenv("TORNADOVM_HOME") + ")");
  }
}
