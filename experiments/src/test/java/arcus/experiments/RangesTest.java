package arcus.experiments;

import arcus.experiments.json.Jackson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.experiments.experiment.Configs;
import arcus.experiments.train.ConfigRanges;
import arcus.experiments.train.TrainConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 11: every parameter's range is checked where it enters, with parameter, value and range named. */
class RangesTest {
  @TempDir Path tmp;

  record Run(int status, String err) {}

  Run train(String... opts) {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err, true));
    List<String> args = new java.util.ArrayList<>(List.of("train", "--data", tmp.resolve("none").toString(), "--out", tmp.resolve("run").toString()));
    args.addAll(List.of(opts));
    return new Run(cl.execute(args.toArray(String[]::new)), err.toString().strip());
  }

  @Test
  void theIssuesHugeMarginsAreRefusedOnTheCommandLine() {
    for (String loss : List.of("lsoftmax", "sphereface")) {
      for (String m : List.of("100000", "1e9", "1e8")) {
        Run r = train("--loss", loss, "--loss-param", "m=" + m);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains(loss + ": parameter m = ") && r.err().contains("an integer in [1, 16]"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
      }
    }
  }

  @Test
  void optionsOutOfRangeNameOptionValueAndRange() {
    Map<String[], String> cases = new LinkedHashMap<>();
    cases.put(new String[] {"--epochs", "1000000"}, "--epochs = 1000000 is out of range: must be an integer in [0, 100000]");
    cases.put(new String[] {"--threads", "100000"}, "--threads = 100000 is out of range: must be an integer in [1, 256]");
    cases.put(new String[] {"--lr", "1000"}, "--lr = 1000.0 is out of range: must be a number in (0, 100]");
    cases.put(new String[] {"--momentum", "1.5"}, "--momentum = 1.5 is out of range: must be a number in [0, 1]");
    cases.put(new String[] {"--feature-dim", "1000000"}, "--feature-dim = 1000000 is out of range: must be an integer in [0, 4096] (0 = the model's default)");
    cases.put(new String[] {"--classes", "1"}, "--classes = 1 is out of range: must be an integer in [2, 1000] (0 = all)");
    cases.put(new String[] {"--lr-schedule", "exp:2:10"}, "--lr-schedule exp RATE = 2.0 is out of range: must be a number in (0, 1]");
    cases.put(new String[] {"--dataset", "imagenet"}, "--dataset = 'imagenet' is not one of mnist, fashion, cifar10, cifar100, cifar100-coarse");
    cases.put(new String[] {"--loss", "emsoftmax", "--loss-param", "K=1000000"}, "emsoftmax: parameter K = 1000000 is out of range: must be an integer in [1, 32]");
    cases.forEach((opts, message) -> {
      Run r = train(opts);
      assertEquals(2, r.status(), r.err());
      assertEquals("arcus train: " + message, r.err());
    });
  }

  @Test
  void aValidCommandLinePassesTheChecksAndStopsAtTheMissingData() {
    Run r = train("--loss", "lsoftmax", "--loss-param", "m=16", "--epochs", "100000", "--threads", "2");
    assertEquals(2, r.status(), r.err());
    assertTrue(r.err().contains("not found") || r.err().contains("missing"), r.err());
  }

  @Test
  void benchOptionsAreCheckedBeforeAnyWork() {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(2, cl.execute("bench", "gemm", "--sizes", "100000", "--threads", "1"));
    assertEquals("arcus gemm: --sizes = 100000 is out of range: must be an integer in [1, 8192]", err.toString().strip());
  }

  @Test
  void benchRunsOnANamedBackendAndRefusesAnUnknownOne() {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    java.io.PrintStream old = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new java.io.PrintStream(captured, true));
      status = cl.execute("bench", "gemm", "--backend", "jvm-kernels", "--sizes", "8", "--repeats", "1");
    } finally {
      System.setOut(old);
    }
    assertEquals(0, status, err.toString());
    assertTrue(captured.toString().contains("\"backend\": \"jvm-kernels\", \"n\": 8"), captured.toString());
    assertEquals(2, cl.execute("bench", "train", "--backend", "cuda", "--steps", "1"));
    assertEquals("arcus train: unknown backend 'cuda' (use cpu, tornado or jvm-kernels)", err.toString().strip());
  }

  @Test
  void benchTrainRefusesATimedSpanThatIsNotANumberOfSeconds() {
    for (String bad : new String[] {"-1", "NaN", "4000"}) {
      StringWriter err = new StringWriter();
      CommandLine cl = Main.commandLine();
      cl.setErr(new PrintWriter(err, true));
      assertEquals(2, cl.execute("bench", "train", "--seconds", bad), bad);
      assertTrue(err.toString().contains("--seconds = ") && err.toString().contains("is out of range: must be a number in [0, 3600]"), err.toString());
    }
  }

  @Test
  void benchTrainSaysWhereTheStepsTimeGoes() throws Exception {
    java.io.PrintStream old = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new java.io.PrintStream(captured, true));
      status = Main.commandLine().execute("bench", "train", "--model", "lenet", "--batch", "8", "--steps", "2", "--seconds", "0", "--warmup", "1", "--warmup-seconds", "0", "--threads", "1",
          "--eval-batch", "16");
    } finally {
      System.setOut(old);
    }
    assertEquals(0, status);
    Map<String, Double> phase = new LinkedHashMap<>(), kernel = new LinkedHashMap<>();
    int evalLines = 0;
    for (String line : captured.toString().split("\n")) {
      if (!line.startsWith("{")) continue;
      Map<?, ?> j = Jackson.read("bench line", line, Map.class);
      if ("train".equals(j.get("bench"))) {
        assertEquals(16, ((Number) j.get("eval_batch")).intValue());
        assertEquals(2, ((Number) j.get("timed_steps")).intValue(), line); // --seconds 0: exactly --steps
        assertTrue(((Number) j.get("eval_images_per_second")).doubleValue() > 0, line);
        evalLines++;
      }
      if ("train_phase".equals(j.get("bench"))) phase.put((String) j.get("phase"), ((Number) j.get("share")).doubleValue());
      if ("train_kernels".equals(j.get("bench"))) kernel.put((String) j.get("kernel"), ((Number) j.get("share")).doubleValue());
    }
    assertEquals(1, evalLines, "the throughput line, with the evaluation's rate");
    assertEquals(List.of("forward", "backward", "update"), List.copyOf(phase.keySet()));
    assertEquals(List.of("gemm", "convolution", "rest"), List.copyOf(kernel.keySet()));
    // each share is printed to 6 significant digits: three of them sum to 1 within 3 half-units of the 6th
    assertEquals(1.0, phase.values().stream().mapToDouble(Double::doubleValue).sum(), 2e-6);
    assertEquals(1.0, kernel.values().stream().mapToDouble(Double::doubleValue).sum(), 2e-6);
    assertTrue(phase.get("forward") > 0 && phase.get("backward") > 0 && kernel.get("convolution") > 0, phase + " " + kernel);
    assertTrue(captured.toString().contains("per step: forward"), captured.toString());
  }

  @Test
  void aRunConfigFileIsCheckedLikeTheCommandLine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset", "mnist");
    m.put("data_dir", "data");
    m.put("model", "lenet");
    m.put("feature_dim", 0L);
    m.put("loss", "lsoftmax");
    m.put("loss_params", Map.of("m", 1e9));
    m.put("warmup_loss", null);
    m.put("warmup_epochs", 0L);
    m.put("epochs", 1e20);
    m.put("batch", 10L);
    m.put("lr", 0.1);
    m.put("lr_schedule", "constant");
    m.put("optimizer", "sgd");
    m.put("momentum", 0.9);
    m.put("weight_decay", 0.0);
    m.put("lambda_schedule", "none");
    m.put("seed", 1L);
    m.put("threads", 1L);
    m.put("dtype", "float32");
    m.put("backend", "cpu");
    m.put("classes", 0L);
    m.put("train_limit", 0L);
    m.put("test_limit", 0L);
    m.put("train_eval_limit", 0L);
    m.put("augment", false);
    m.put("out", "runs/x");
    m.put("resume", null);
    var e = assertThrows(IllegalArgumentException.class, () -> Configs.fromJson("run config", Jackson.MAPPER.valueToTree(m)));
    assertTrue(e.getMessage().contains("epochs") && e.getMessage().contains("1.0E20"), e.getMessage());
    m.put("epochs", 3L);
    TrainConfig c = Configs.fromJson("run config", Jackson.MAPPER.valueToTree(m));
    e = assertThrows(IllegalArgumentException.class, () -> ConfigRanges.check(c));
    assertTrue(e.getMessage().startsWith("lsoftmax: parameter m = 1000000000 is out of range"), e.getMessage());
  }

  @Test
  void lossEvalRefusesTheIssuesMarginsAndOversizedCases() {
    for (String loss : List.of("lsoftmax", "sphereface")) {
      LossEvalCommandTest.Result r = LossEvalCommandTest.run("{\"loss\": \"" + loss + "\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]],"
          + " \"labels\": [0], \"params\": {\"m\": 1e9}}");
      assertEquals(2, r.status());
      assertTrue(r.out().contains("parameter m = 1000000000 is out of range: must be an integer in [1, 16]"), r.out());
    }
    // 4097 rows × 4096 classes = 16,781,312 logits from a case of 8193 numbers
    StringBuilder sb = new StringBuilder("{\"loss\": \"softmax\", \"features\": [");
    for (int i = 0; i < 4097; i++) sb.append(i == 0 ? "[1]" : ",[1]");
    sb.append("], \"weights\": [[");
    for (int i = 0; i < 4096; i++) sb.append(i == 0 ? "1" : ",1");
    sb.append("]], \"labels\": [");
    for (int i = 0; i < 4097; i++) sb.append(i == 0 ? "0" : ",0");
    sb.append("]}");
    LossEvalCommandTest.Result r = LossEvalCommandTest.run(sb.toString());
    assertEquals(2, r.status());
    assertTrue(r.out().contains("N·C = 4097·4096 = 16781312 logits, more than the limit 16777216"), r.out());
    r = LossEvalCommandTest.run("{\"loss\": \"softmax\", \"features\": [[1e7]], \"weights\": [[1, 0]], \"labels\": [0]}");
    assertEquals(2, r.status());
    assertTrue(r.out().contains("features: element 0 (row-major) = 1.0E7 is out of range: must be a number in [-1e6, 1e6]"), r.out());
  }

  /** A class-count list such as 1..2000000000 built two billion runs before this limit. */
  @Test
  void experimentListsAreBounded() {
    var e = assertThrows(IllegalArgumentException.class, () -> arcus.experiments.experiment.IntSpec.parse("1..2000000000"));
    assertEquals("'1..2000000000': range 1..2000000000 has 2000000000 numbers, more than the 10000 a list may hold", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> arcus.experiments.experiment.IntSpec.parse("1..9000,10000..19000"));
    assertTrue(e.getMessage().contains("more than the 10000"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> arcus.experiments.experiment.IntSpec.parse("2000000000k", 10));
    assertTrue(e.getMessage().contains("cannot read '2000000000k'"), e.getMessage());
  }
}
