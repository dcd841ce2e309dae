package arcus.experiments.train;

import arcus.experiments.json.Jackson;
import java.util.List;
import tools.jackson.core.type.TypeReference;

/** Per-epoch metrics as metrics.csv columns, and read back from a checkpoint. */
final class History {
  private History() {}

  /**
   * The per-epoch columns: {@code loss_name} is the loss trained with in that epoch (it differs
   * from the run's loss during --warmup-epochs), {@code train_loss} its mean value over the epoch.
   */
  static final List<String> COLUMNS = List.of("epoch", "step", "loss_name", "lr", "train_loss", "train_accuracy", "test_accuracy", "seconds", "images_per_second");

  static List<Object> row(EpochMetrics m) {
    return List.of(m.epoch(), m.step(), m.loss(), m.lr(), m.trainLoss(), m.trainAccuracy(), m.testAccuracy(), m.seconds(), m.imagesPerSecond());
  }

  /** The history a checkpoint holds (Jackson's list of {@link EpochMetrics}; null, i.e. non-finite, metrics read as NaN). */
  static List<EpochMetrics> fromJson(String json) {
    return Jackson.read("checkpoint history", json, new TypeReference<List<EpochMetrics>>() {});
  }
}
