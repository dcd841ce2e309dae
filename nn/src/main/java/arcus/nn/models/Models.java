package arcus.nn.models;

import arcus.nn.AngleFunction;
import java.util.List;

/** The model registry the command line uses: a name and a feature dimension give a {@link Model}. */
public final class Models {
  private Models() {}

  public static final List<String> NAMES = List.of("lenet", "lenet-linear", "lenet-linear-angular", "lsoftmax-mnist", "lsoftmax-cifar", "resnet32", "resnet32-angular");

  /** The models that take an angle function (their convolutions are angular). */
  public static final List<String> ANGULAR = List.of("lenet-linear-angular", "resnet32-angular");

  /** The default angle function of the angular models when none is given. */
  public static final AngleFunction DEFAULT_ANGLE = new AngleFunction.Linear();

  /** @param featureDim the feature dimension, or 0 for the model's default */
  public static Model create(String name, int featureDim) {
    return create(name, featureDim, null);
  }

  /**
   * @param featureDim the feature dimension, or 0 for the model's default
   * @param angle the angle function of an angular model ({@link #ANGULAR}; null: linear); must be null for the others
   */
  public static Model create(String name, int featureDim, AngleFunction angle) {
    if (featureDim < 0) throw new IllegalArgumentException("model '" + name + "': featureDim must be >= 0 (0 = default), got " + featureDim);
    if (angle != null && !ANGULAR.contains(name))
      throw new IllegalArgumentException("model '" + name + "' takes no angle function (only " + String.join(", ", ANGULAR) + " do)");
    AngleFunction g = angle == null ? DEFAULT_ANGLE : angle;
    return switch (name) {
      case "lenet" -> new LeNet(1, 28, featureDim == 0 ? 500 : featureDim);
      case "lenet-linear" -> new LeNetLinear(1, 28, featureDim == 0 ? 64 : featureDim);
      case "lenet-linear-angular" -> new LeNetLinear(1, 28, featureDim == 0 ? 64 : featureDim, g);
      case "lsoftmax-mnist" -> new LSoftmaxMnistNet(featureDim == 0 ? 256 : featureDim);
      case "lsoftmax-cifar" -> new LSoftmaxCifarNet(featureDim == 0 ? 256 : featureDim);
      case "resnet32", "resnet32-angular" -> {
        if (featureDim != 0 && featureDim != ResNet32.FEATURE_DIM)
          throw new IllegalArgumentException("model '" + name + "' has " + ResNet32.FEATURE_DIM + "-d features (global average pooling of 64 channels), got featureDim " + featureDim);
        yield new ResNet32(name.equals("resnet32") ? null : g);
      }
      default -> throw new IllegalArgumentException("unknown model '" + name + "' (have " + String.join(", ", NAMES) + ")");
    };
  }
}
