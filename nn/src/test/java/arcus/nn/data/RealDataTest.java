package arcus.nn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loads the real data sets when bin/fetch-data has put them in place; skipped otherwise. */
class RealDataTest {
  private static Path dataDir() {
    String env = System.getenv("ARCUS_DATA");
    // Surefire runs in the module folder; the default data folder is at the repository root.
    return env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "data");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mnist", "fashion"})
  void realIdxSets(String name) {
    Path dir = dataDir().resolve(name);
    assumeTrue(Files.isDirectory(dir), "no " + dir + "; run bin/fetch-data " + name);
    ImageDataset test = Datasets.load(name, dataDir(), false);
    assertEquals(10_000, test.n());
    assertEquals(28, test.height());
    for (int count : test.classCounts()) {
      assertEquals(true, count > 800, "class count " + count);
    }
    assertEquals(60_000, Datasets.load(name, dataDir(), true).n());
  }
}
