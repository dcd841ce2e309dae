package arcus.experiments.train;

import picocli.CommandLine.Option;

/** {@code --feature-dim}: a picocli mixin of {@code arcus train} and of the experiments that train at one d. */
public final class FeatureDimOption {
  @Option(names = "--feature-dim", defaultValue = "0", description = "feature dimension d (0 = the model's default) (${DEFAULT-VALUE})")
  public int featureDim;
}
