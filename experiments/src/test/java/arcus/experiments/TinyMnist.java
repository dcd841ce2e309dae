package arcus.experiments;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** A tiny generated MNIST-format data set for end-to-end tests: the class is a bright row at 2·label + 4. */
public final class TinyMnist {
  private TinyMnist() {}

  /** Writes {@code data}/mnist/{train,t10k}-* with {@code train} and {@code test} images unless present; returns {@code data}. */
  public static Path write(Path data, int train, int test) throws IOException {
    if (!Files.exists(data.resolve("mnist"))) {
      idx(data.resolve("mnist"), "train", train, 1);
      idx(data.resolve("mnist"), "t10k", test, 2);
    }
    return data;
  }

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
}
