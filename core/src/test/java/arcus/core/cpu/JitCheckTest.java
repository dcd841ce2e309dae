package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitCheckTest {
  @Test
  void theDefaultDelayIsWarnedAboutAndNamesTheFlag() {
    String w = JitCheck.warning("true", "5");
    assertTrue(w != null && w.contains("-XX:Tier3DelayOn=5") && w.contains("-XX:Tier3DelayOn=100000") && w.contains("-Darcus.jitWarning=false"), w);
  }

  @Test
  void theLaunchersDelayIsNot() {
    assertNull(JitCheck.warning("true", "100000"));
    assertNull(JitCheck.warning("true", String.valueOf(JitCheck.ENOUGH)));
  }

  @Test
  void withoutTieredCompilationOrAnAnswerThereIsNothingToSay() {
    assertNull(JitCheck.warning("false", "5"));
    assertNull(JitCheck.warning(null, "5"));
    assertNull(JitCheck.warning("true", null));
    assertNull(JitCheck.warning("true", "not a number"));
  }

  @Test
  void thisJvmsFlagsAreReadable() {
    // the test JVM runs without the flag (pom: -Darcus.jitWarning=false instead), so the bean
    // must report HotSpot's default, which the check warns about
    var bean = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
    String delay = bean.getVMOption("Tier3DelayOn").getValue();
    assertTrue(Long.parseLong(delay) >= 0, delay);
  }
}
