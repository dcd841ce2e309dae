package arcus.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import arcus.experiments.TinyMnist;
import arcus.experiments.json.Jackson;
import arcus.nn.io.CheckpointData;
import arcus.nn.io.Checkpoints;
import arcus.nn.io.NamedArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on a tiny generated MNIST-format data set: run folder, resume, reproducibility. */
class TrainRunTest {
  @TempDir Path tmp;

  private TrainConfig config(Path out, int epochs, Path resume, String loss) throws IOException {
    return config(out, epochs, resume, loss, 16);
  }

  private TrainConfig config(Path out, int epochs, Path resume, String loss, int featureDim) throws IOException {
    Path data = TinyMnist.write(tmp.resolve("data"), 120, 40);
    return TrainConfig.builder().dataset("mnist").dataDir(data).model("lenet").featureDim(featureDim).loss(loss).epochs(epochs).batch(20)
        .lr(0.01).seed(7).threads(2).dtype("float32").trainEvalLimit(60).out(out).resume(resume).build();
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream());
  }

  @Test
  void writesTheRunFolderAndLearns() throws IOException {
    Path out = tmp.resolve("run");
    TrainRun.run(config(out, 3, null, "softmax"), quiet());
    for (String f : new String[] {"report.md", "metrics.csv", "curves.png", "summary.json", "checkpoint.arcus"})
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    Map<String, Object> s = Jackson.read("summary", Files.readString(out.resolve("summary.json")), Map.class);
    for (String k : new String[] {"test_accuracy", "train_accuracy", "epochs", "wall_seconds", "images_per_second", "peak_rss_bytes", "config"})
      assertTrue(s.containsKey(k), k);
    assertEquals(3L, ((Number) s.get("epochs")).longValue());
    assertTrue(((Number) s.get("test_accuracy")).doubleValue() > 0.5, "the bright-row task should be learned: " + s.get("test_accuracy"));
    assertEquals(4, Files.readAllLines(out.resolve("metrics.csv")).size());
  }

  @Test
  void resumingContinuesAndGivesTheSameParametersAsOneRun() throws IOException {
    Path whole = tmp.resolve("whole"), part = tmp.resolve("part");
    TrainRun.run(config(whole, 2, null, "softmax"), quiet());
    TrainRun.run(config(part, 1, null, "softmax"), quiet());
    TrainRun.run(config(part, 2, part.resolve("checkpoint.arcus"), "softmax"), quiet());
    CheckpointData a = Checkpoints.read(whole.resolve("checkpoint.arcus")), b = Checkpoints.read(part.resolve("checkpoint.arcus"));
    assertEquals(a.step(), b.step());
    for (NamedArray x : a.arrays()) assertArrayEquals(x.f32(), b.array(x.name()).f32(), 0f, x.name());
  }

  @Test
  void sameSeedSameNumbers() throws IOException {
    Path r1 = tmp.resolve("r1"), r2 = tmp.resolve("r2");
    TrainRun.run(config(r1, 1, null, "cosface"), quiet());
    TrainRun.run(config(r2, 1, null, "cosface"), quiet());
    CheckpointData a = Checkpoints.read(r1.resolve("checkpoint.arcus")), b = Checkpoints.read(r2.resolve("checkpoint.arcus"));
    for (NamedArray x : a.arrays()) assertArrayEquals(x.f32(), b.array(x.name()).f32(), 0f, x.name());
  }

  @Test
  void checkpointOfAnotherModelIsRefusedWithTheReason() throws IOException {
    Path out = tmp.resolve("a");
    TrainRun.run(config(out, 1, null, "softmax"), quiet());
    var e = assertThrows(RuntimeException.class,
        () -> TrainRun.run(config(tmp.resolve("b"), 2, out.resolve("checkpoint.arcus"), "arcface"), quiet()));
    assertTrue(e.getMessage().contains("arcface") && e.getMessage().contains("softmax"), e.getMessage());
    assertTrue(e.getMessage().length() < 600, "a short message, not every array: " + e.getMessage().length() + " characters");
    assertFalse(Files.exists(tmp.resolve("b")), "a refused resume creates no run folder");
  }

  /** Every file of a folder with its bytes and modification time. */
  private static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.toList())
        m.put(f.getFileName().toString(), java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(Files.readAllBytes(f))) + " " + Files.getLastModifiedTime(f).toMillis());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return m;
  }

  @Test
  void anEarlierRunIsRefusedAndLeftUntouched() throws IOException {
    Path out = tmp.resolve("earlier");
    TrainRun.run(config(out, 2, null, "softmax"), quiet());
    Map<String, String> before = snapshot(out);
    var e = assertThrows(IllegalArgumentException.class, () -> TrainRun.run(config(out, 1, null, "softmax"), quiet()));
    assertTrue(e.getMessage().contains("already holds a training run") && e.getMessage().contains("--overwrite")
        && e.getMessage().contains("--resume") && !e.getMessage().contains("\n"), e.getMessage());
    assertEquals(before, snapshot(out));
  }

  @Test
  void resumingIntoAnotherRunsFolderIsRefusedToo() throws IOException {
    Path a = tmp.resolve("ra"), b = tmp.resolve("rb");
    TrainRun.run(config(a, 1, null, "softmax"), quiet());
    TrainRun.run(config(b, 1, null, "softmax"), quiet());
    Map<String, String> before = snapshot(b);
    var e = assertThrows(IllegalArgumentException.class, () -> TrainRun.run(config(b, 2, a.resolve("checkpoint.arcus"), "softmax"), quiet()));
    assertTrue(e.getMessage().contains("already holds a training run"), e.getMessage());
    assertEquals(before, snapshot(b));
  }

  @Test
  void overwriteLeavesNoFileOfTheEarlierRun() throws IOException {
    Path out = tmp.resolve("replaced");
    TrainRun.run(config(out, 1, null, "softmax"), quiet());
    assertTrue(Files.exists(out.resolve("curves.png")));
    TrainRun.run(config(out, 0, null, "softmax"), quiet(), true);
    assertFalse(Files.exists(out.resolve("curves.png")), "the 0-epoch run has no curves; the old one must be gone");
    @SuppressWarnings("unchecked") Map<String, Object> s = Jackson.read("summary", Files.readString(out.resolve("summary.json")), Map.class);
    assertEquals(0L, ((Number) s.get("epochs")).longValue());
    assertEquals(1, Files.readAllLines(out.resolve("metrics.csv")).size(), "header only");
  }

  @Test
  void aFolderWithOtherFilesIsNeverWrittenInto() throws IOException {
    Path out = tmp.resolve("notes");
    Files.createDirectories(out);
    Files.writeString(out.resolve("thesis.tex"), "x");
    var e = assertThrows(IllegalArgumentException.class, () -> TrainRun.run(config(out, 1, null, "softmax"), quiet(), true));
    assertTrue(e.getMessage().contains("thesis.tex"), e.getMessage());
    try (var files = Files.list(out)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void failedValidationCreatesNothing() throws IOException {
    Path out = tmp.resolve("never");
    assertThrows(IllegalArgumentException.class, () -> TrainRun.run(config(out, 1, null, "no-such-loss"), quiet()));
    assertFalse(Files.exists(out));
    assertThrows(RuntimeException.class, () -> TrainRun.run(config(out, 1, tmp.resolve("missing.arcus"), "softmax"), quiet()));
    assertFalse(Files.exists(out));
  }

  @Test
  void runFilesAreReadableLikeOrdinaryFiles() throws IOException {
    assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path out = tmp.resolve("modes");
    TrainRun.run(config(out, 1, null, "softmax"), quiet());
    var ordinary = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("ordinary")));
    for (String f : RunFolder.TRAIN_FILES)
      assertEquals(ordinary, Files.getPosixFilePermissions(out.resolve(f)), f);
  }

  @Test
  void reportAndCsvFilesSayWhatTheRunUsed() throws IOException {
    Path out = tmp.resolve("default-d");
    Trainer.Progress p = TrainRun.run(config(out, 1, null, "softmax", 0), quiet());
    @SuppressWarnings("unchecked") Map<String, Object> s = Jackson.read("summary", Files.readString(out.resolve("summary.json")), Map.class);
    long d = ((Number) s.get("feature_dim")).longValue();
    assertTrue(d > 0);
    String md = Files.readString(out.resolve("report.md"));
    assertTrue(md.contains("| feature_dim | " + d + " (model default) |"), md);
    assertTrue(md.contains("| classes | 10 (all) |"), md);
    List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals("epoch,step,loss_name,lr,train_loss,train_accuracy,test_accuracy,seconds,images_per_second", metrics.get(0));
    assertTrue(metrics.get(1).startsWith("1,6,softmax,"), metrics.get(1));
    // one epoch of 120 images in batches of 20: six steps, each with its loss, all drawn in curves.png
    List<String> steps = Files.readAllLines(out.resolve("steps.csv"));
    assertEquals(List.of("step", "epoch", "loss_name", "train_loss"), List.of(steps.get(0).split(",")));
    assertEquals(7, steps.size());
    assertEquals(p.stepLosses()[5], Double.parseDouble(steps.get(6).split(",")[3]));
    var loss = RunReport.curves(p).get(0).series().get(0);
    assertEquals(6, java.util.Arrays.stream(loss.y()).filter(Double::isFinite).count(), "a one-epoch run draws a curve, not a dot");
  }

  @Test
  void perStepLossesSurviveResume() throws IOException {
    Path whole = tmp.resolve("w"), part = tmp.resolve("p");
    Trainer.Progress a = TrainRun.run(config(whole, 2, null, "softmax"), quiet());
    TrainRun.run(config(part, 1, null, "softmax"), quiet());
    Trainer.Progress b = TrainRun.run(config(part, 2, part.resolve("checkpoint.arcus"), "softmax"), quiet());
    assertArrayEquals(a.stepLosses(), b.stepLosses(), 0);
    assertEquals(12, b.stepLosses().length);
  }

  @Test
  void aWarmUpCanEndInsideAnEpoch() throws IOException {
    // 120 images, batch 20: six steps; half an epoch of softmax is the first three
    TrainConfig half = config(tmp.resolve("half"), 1, null, "wsoftmax").toBuilder().warmupLoss("softmax").warmupEpochs(0.5).build();
    TrainConfig whole = half.toBuilder().out(tmp.resolve("whole")).warmupEpochs(1).build();
    Trainer.Progress h = TrainRun.run(half, quiet()), w = TrainRun.run(whole, quiet());
    assertArrayEquals(java.util.Arrays.copyOf(w.stepLosses(), 3), java.util.Arrays.copyOf(h.stepLosses(), 3), 0);
    assertTrue(h.stepLosses()[3] != w.stepLosses()[3], "step 4 trains with W-Softmax in one run and softmax in the other");
    assertEquals("softmax then wsoftmax", h.history().get(0).loss());
    assertEquals("softmax", w.history().get(0).loss());
  }
}
