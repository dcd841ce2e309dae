package arcus.experiments.train;

import arcus.experiments.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-epoch metrics to and from plain maps (metrics.csv, summary.json, checkpoints). */
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

  static List<Map<String, Object>> toList(List<EpochMetrics> h) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (EpochMetrics m : h) {
      Map<String, Object> r = new LinkedHashMap<>();
      List<Object> v = row(m);
      for (int i = 0; i < COLUMNS.size(); i++) r.put(COLUMNS.get(i), v.get(i));
      out.add(r);
    }
    return out;
  }

  static List<EpochMetrics> fromJson(String json) {
    List<EpochMetrics> out = new ArrayList<>();
    for (Object o : (List<?>) Json.parse("checkpoint history", json)) {
      Map<?, ?> r = (Map<?, ?>) o;
      out.add(new EpochMetrics(num(r, "epoch").intValue(), num(r, "step").longValue(), (String) (r.containsKey("loss_name") ? r.get("loss_name") : r.get("loss")), num(r, "lr").doubleValue(),
          num(r, "train_loss").doubleValue(), num(r, "train_accuracy").doubleValue(), num(r, "test_accuracy").doubleValue(),
          num(r, "seconds").doubleValue(), num(r, "images_per_second").doubleValue()));
    }
    return out;
  }

  private static Number num(Map<?, ?> r, String k) {
    Object v = r.get(k);
    return v instanceof Number n ? n : Double.NaN;
  }
}
