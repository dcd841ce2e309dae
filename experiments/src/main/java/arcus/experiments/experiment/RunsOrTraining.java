package arcus.experiments.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of the experiments that measure trained networks (features-2d, mean-angle): finished
 * run folders to load, or, without {@code --run}, how many classes to train the losses on.
 */
final class RunsOrTraining {
  @Option(names = "--run", description = "a finished run folder (summary.json + checkpoint.arcus); repeatable; replaces training")
  List<Path> runs = new ArrayList<>();

  @Option(names = "--classes", defaultValue = "0", description = "when training: the first k classes (0 = all) (${DEFAULT-VALUE})")
  int classes;
}
