package arcus.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --loss NAME --loss-param k=v ...}: a picocli mixin of {@code arcus train} and {@code arcus bench train}. */
final class LossOptions {
  @Option(names = "--loss", defaultValue = "softmax", description = "softmax, normface, l2softmax, lsoftmax, sphereface, cosface, arcface, combined, wsoftmax, emsoftmax, pureangular, hinge, center, simplex (${DEFAULT-VALUE})")
  String loss;

  @Option(names = "--loss-param", description = "loss hyper-parameter k=v, repeatable (e.g. s=64, m=0.5)")
  List<String> lossParams = new ArrayList<>();

  /** The parameters as a map (numbers, true/false, otherwise strings). */
  Map<String, Object> params() {
    return LossParams.parse(lossParams);
  }
}
