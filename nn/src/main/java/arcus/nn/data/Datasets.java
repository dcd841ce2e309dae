package arcus.nn.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads the standard data sets by name from a data folder laid out as {@code bin/fetch-data}
 * leaves it:
 *
 * <pre>
 * &lt;dataDir&gt;/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
 * &lt;dataDir&gt;/fashion/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
 * &lt;dataDir&gt;/cifar-10-batches-bin/data_batch_{1..5}.bin, test_batch.bin
 * &lt;dataDir&gt;/cifar-100-binary/train.bin, test.bin
 * </pre>
 */
public final class Datasets {
  /** Names accepted by {@link #load}. */
  public static final List<String> NAMES =
      List.of("mnist", "fashion", "cifar10", "cifar100", "cifar100-coarse");

  private Datasets() {}

  /** {@code $ARCUS_DATA} if set, else {@code ./data}. */
  public static Path defaultDataDir() {
    String env = System.getenv("ARCUS_DATA");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of("data");
  }

  /** Loads the training ({@code train = true}) or test split of the named data set. */
  public static ImageDataset load(String name, Path dataDir, boolean train) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "mnist" -> mnist(dataDir, train);
      case "fashion", "fashion-mnist", "fashion_mnist" -> fashion(dataDir, train);
      case "cifar10", "cifar-10" -> cifar10(dataDir, train);
      case "cifar100", "cifar-100" -> cifar100(dataDir, train, CifarReader.Variant.CIFAR100_FINE);
      case "cifar100-coarse" ->
          cifar100(dataDir, train, CifarReader.Variant.CIFAR100_COARSE);
      default -> throw new IllegalArgumentException(
          "unknown data set '" + name + "'; known: " + String.join(", ", NAMES));
    };
  }

  /** The normalisation customary for the named data set. */
  public static Normalization normalization(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "mnist" -> Normalization.MNIST;
      case "fashion", "fashion-mnist", "fashion_mnist" -> Normalization.FASHION;
      case "cifar10", "cifar-10" -> Normalization.CIFAR10;
      case "cifar100", "cifar-100", "cifar100-coarse" -> Normalization.CIFAR100;
      default -> throw new IllegalArgumentException(
          "unknown data set '" + name + "'; known: " + String.join(", ", NAMES));
    };
  }

  public static ImageDataset mnist(Path dataDir, boolean train) {
    return idx("mnist", dataDir.resolve("mnist"), train, "bin/fetch-data mnist");
  }

  public static ImageDataset fashion(Path dataDir, boolean train) {
    return idx("fashion", dataDir.resolve("fashion"), train, "bin/fetch-data fashion");
  }

  public static ImageDataset cifar10(Path dataDir, boolean train) {
    Path dir = dataDir.resolve("cifar-10-batches-bin");
    List<String> names = new ArrayList<>();
    if (train) {
      for (int i = 1; i <= 5; i++) {
        names.add("data_batch_" + i + ".bin");
      }
    } else {
      names.add("test_batch.bin");
    }
    List<Path> files = require(dir, names, "bin/fetch-data cifar10");
    return CifarReader.read(split("cifar10", train), files, CifarReader.Variant.CIFAR10);
  }

  public static ImageDataset cifar100(Path dataDir, boolean train, CifarReader.Variant variant) {
    Path dir = dataDir.resolve("cifar-100-binary");
    List<Path> files = require(dir, List.of(train ? "train.bin" : "test.bin"),
        "bin/fetch-data cifar100");
    String name = variant == CifarReader.Variant.CIFAR100_COARSE ? "cifar100-coarse" : "cifar100";
    return CifarReader.read(split(name, train), files, variant);
  }

  private static ImageDataset idx(String name, Path dir, boolean train, String fetch) {
    String prefix = train ? "train" : "t10k";
    Path images = find(dir, prefix + "-images-idx3-ubyte");
    Path labels = find(dir, prefix + "-labels-idx1-ubyte");
    List<String> missing = new ArrayList<>();
    if (images == null) {
      missing.add(prefix + "-images-idx3-ubyte[.gz]");
    }
    if (labels == null) {
      missing.add(prefix + "-labels-idx1-ubyte[.gz]");
    }
    if (!missing.isEmpty()) {
      throw missing(dir, missing, fetch);
    }
    return IdxReader.read(split(name, train), images, labels, 10);
  }

  /** The file itself or its ".gz" sibling; null if neither exists. */
  private static Path find(Path dir, String base) {
    Path plain = dir.resolve(base);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    Path gz = dir.resolve(base + ".gz");
    return Files.isRegularFile(gz) ? gz : null;
  }

  private static List<Path> require(Path dir, List<String> names, String fetch) {
    List<Path> files = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String n : names) {
      Path p = find(dir, n);
      if (p == null) {
        missing.add(n);
      } else {
        files.add(p);
      }
    }
    if (!missing.isEmpty()) {
      throw missing(dir, missing, fetch);
    }
    return files;
  }

  private static DatasetException missing(Path dir, List<String> missing, String fetch) {
    Path parent = dir.toAbsolutePath().normalize().getParent();
    return new DatasetException(dir + ": missing " + String.join(", ", missing)
        + ". Fetch them with: " + fetch + " " + parent
        + "  (or set ARCUS_DATA to the folder that holds them)");
  }

  private static String split(String name, boolean train) {
    return name + (train ? "-train" : "-test");
  }
}
