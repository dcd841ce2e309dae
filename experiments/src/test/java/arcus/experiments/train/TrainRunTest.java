package arcus.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.experiments.json.Jackson;
import arcus.nn.io.CheckpointData;
import arcus.nn.io.Checkpoints;
import arcus.nn.io.NamedArray;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on a tiny generated MNIST-format data set: run folder, resume, reproducibility. */
class TrainRunTest {
  @TempDir Path tmp;

  /** Writes an IDX image/label pair whose class is visible as a bright row at 2·label. */
  private static void idx(Path dir, String prefix, int n, long seed) throws IOException {
    Random r = new Random(seed);
    ByteArrayOutputStream img = new ByteArrayOutputStream(), lab = new ByteArrayOutputStream();
    DataOutputStream di = new DataOutputStream(img), dl = new DataOutputStream(lab);
    di.writeInt(0x803);
    di.writeInt(n);
    di.writeInt(28);
    di.writeInt(28);
    dl.writeInt(0x801);
    dl.writeInt(n);
    for (int i = 0; i < n; i++) {
      int y = i % 10;
      for (int p = 0; p < 28 * 28; p++) di.writeByte(p / 28 == 2 * y + 4 ? 250 : r.nextInt(40));
      dl.writeByte(y);
    }
    Files.createDirectories(dir);
    Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), img.toByteArray());
    Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), lab.toByteArray());
  }

  private TrainConfig config(Path out, int epochs, Path resume, String loss) throws IOException {
    Path data = tmp.resolve("data");
    if (!Files.exists(data.resolve("mnist"))) {
      idx(data.resolve("mnist"), "train", 120, 1);
      idx(data.resolve("mnist"), "t10k", 40, 2);
    }
    return TrainConfig.builder().dataset("mnist").dataDir(data).model("lenet").featureDim(16).loss(loss).epochs(epochs).batch(20)
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
  }
}
