package arcus.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.experiments.experiment.Configs;
import arcus.experiments.json.Jackson;
import arcus.experiments.train.TrainConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.node.ObjectNode;

/** {@code --angle}: the angle function of an angular model travels in the run config and is checked like every option. */
class AngleOptionTest {
  @TempDir Path tmp;

  private record Run(int status, String err) {}

  private Run train(String... opts) {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err, true));
    List<String> args = new ArrayList<>(List.of("train", "--data", tmp.resolve("none").toString(), "--out", tmp.resolve("run").toString()));
    args.addAll(List.of(opts));
    return new Run(cl.execute(args.toArray(String[]::new)), err.toString().strip());
  }

  @Test
  void anAngleForAModelWithoutAngularConvsOrAnUnknownAngleIsRefusedInOneLine() {
    Run r = train("--model", "lenet-linear", "--angle", "cosine");
    assertEquals(2, r.status(), r.err());
    assertTrue(r.err().contains("--angle applies to lenet-linear-angular, resnet32-angular only, not lenet-linear"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    r = train("--model", "lenet-linear-angular", "--angle", "tanh");
    assertEquals(2, r.status(), r.err());
    assertTrue(r.err().contains("unknown angle function 'tanh'"), r.err());
    r = train("--model", "lenet-linear-angular", "--angle", "log-centred:-1");
    assertEquals(2, r.status(), r.err());
    assertTrue(r.err().contains("m must be >= 0"), r.err());
  }

  @Test
  void theAngleIsReadBackFromSummaryJsonAndRunsWrittenBeforeItReadAsTheDefault() {
    TrainConfig c = TrainConfig.builder().model("lenet-linear-angular").angle("sigmoid:0.3").build();
    ObjectNode json = Jackson.MAPPER.valueToTree(c.toMap());
    assertEquals("sigmoid:0.3", Configs.fromJson("run config", json).angle());
    json.remove("angle"); // a summary.json written before --angle existed
    TrainConfig old = Configs.fromJson("run config", json);
    assertNull(old.angle());
    assertEquals(c.toBuilder().angle(null).build(), old);
  }
}
