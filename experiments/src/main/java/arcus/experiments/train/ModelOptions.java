package arcus.experiments.train;

import picocli.CommandLine.Option;

/**
 * The network options, a picocli mixin of {@link TrainOptions} and of {@code arcus bench train}:
 * which model, how many images a step, how many CPU threads. Defaults: {@link TrainConfig#builder()}'s.
 */
public final class ModelOptions {
  private static final TrainConfig D = TrainConfig.builder().build();

  @Option(names = "--model", description = "lenet, lenet-linear (LeNet + a linear feature layer, 64 by default), lenet-linear-angular (its convolutions angular, --angle), lsoftmax-mnist, lsoftmax-cifar, resnet32, resnet32-angular (${DEFAULT-VALUE})")
  public String model = D.model();

  @Option(names = "--batch", description = "batch size (${DEFAULT-VALUE})")
  public int batch = D.batch();

  @Option(names = "--threads", description = "CPU threads (${DEFAULT-VALUE})")
  public int threads = D.threads();
}
