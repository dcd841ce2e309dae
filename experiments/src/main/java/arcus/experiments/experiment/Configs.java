package arcus.experiments.experiment;

import arcus.experiments.json.Jackson;
import arcus.experiments.train.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;

/** Rebuilds a {@link TrainConfig} from a run folder's summary.json (where Jackson wrote it). */
public final class Configs {
  private Configs() {}

  /** The config of the run in {@code runDir}, set to resume from its checkpoint.arcus. */
  public static TrainConfig fromRun(Path runDir) {
    Path summary = runDir.resolve("summary.json");
    Path ck = runDir.resolve("checkpoint.arcus");
    if (!Files.isRegularFile(summary)) throw new IllegalArgumentException(runDir + " is not a run folder: no summary.json");
    if (!Files.isRegularFile(ck)) throw new IllegalArgumentException(runDir + " has no checkpoint.arcus");
    try {
      JsonNode c = Jackson.read(summary.toString(), Files.readString(summary), JsonNode.class).get("config");
      if (c == null || !c.isObject()) throw new IllegalArgumentException(summary + " has no \"config\" object");
      return fromJson(summary + ": run config", c).toBuilder().resume(ck).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + summary + ": " + e.getMessage(), e);
    }
  }

  /**
   * A config as summary.json holds it; every component must be there (resume may be null), except
   * {@code angle}, which runs written before it existed lack (null: the model's default).
   */
  public static TrainConfig fromJson(String source, JsonNode config) {
    try {
      if (config instanceof tools.jackson.databind.node.ObjectNode o && !o.has("angle")) config = o.deepCopy().putNull("angle");
      return Jackson.MAPPER.readerFor(TrainConfig.class)
          .with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .readValue(config);
    } catch (JacksonException e) {
      throw Jackson.invalid(source, e);
    }
  }

  /** The same config reading its images from {@code dataDir}. */
  public static TrainConfig withData(TrainConfig c, Path dataDir) {
    return c.toBuilder().dataDir(dataDir).build();
  }
}
