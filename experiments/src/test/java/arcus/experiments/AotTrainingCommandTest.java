package arcus.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AotTrainingCommandTest {
  @Test
  void theGeneratedCaseIsAValidLossEvalCase() {
    String c = AotTrainingCommand.arcfaceCase(6, 4, 5, 3);
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new LossEvalCommand(new ByteArrayInputStream(c.getBytes(StandardCharsets.US_ASCII))));
    cl.setOut(new PrintWriter(out, true));
    assertEquals(0, cl.execute(), out.toString());
    assertTrue(out.toString().startsWith("{\"value\": ") && out.toString().contains("\"grad_weights\": [["), out.toString());
  }

  @Test
  void theTrainingRunSucceedsSilentlyAndIsHiddenFromHelp() {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    assertEquals(0, cl.execute("aot-training"), err.toString());
    assertEquals("", out.toString() + err.toString());
    StringWriter help = new StringWriter();
    cl.usage(new PrintWriter(help, true));
    assertTrue(!help.toString().contains("aot-training"), help.toString());
  }
}
