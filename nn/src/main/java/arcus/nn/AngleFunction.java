package arcus.nn;

import arcus.core.Tensor;
import java.util.Locale;

/**
 * The angle functions g(θ) of [SphereConv] / [AngularNet] (docs/losses.md, "Angular layers"). Each maps
 * the angle θ ∈ [0, π] between an input vector and a weight vector to the layer's output.
 */
public sealed interface AngleFunction {
  /** g(θ) for a tensor of angles. */
  Tensor apply(Tensor theta);

  /** The CLI spelling, which {@link #parse} reads back. */
  String spec();

  /**
   * g from cos θ. cos θ is clamped to [−1 + ε, 1 − ε] before arccos (ε = dtype.acosEpsilon(),
   * docs/losses.md) because d arccos(c)/dc = −1/√(1 − c²) is infinite at ±1.
   */
  default Tensor fromCosine(Tensor cos) {
    double eps = cos.dtype().acosEpsilon();
    return apply(cos.clamp(-1 + eps, 1 - eps).acos());
  }

  /** g(θ) = 1 − 2θ/π. */
  record Linear() implements AngleFunction {
    public Tensor apply(Tensor theta) {
      return theta.mul(-2 / Math.PI).add(1.0);
    }

    public String spec() {
      return "linear";
    }
  }

  /** g(θ) = cos θ. */
  record Cosine() implements AngleFunction {
    public Tensor apply(Tensor theta) {
      return theta.cos();
    }

    /** cos(arccos c) = c: skipping arccos avoids the clamp and its zero gradient near ±1. */
    @Override
    public Tensor fromCosine(Tensor cos) {
      return cos;
    }

    public String spec() {
      return "cosine";
    }
  }

  /**
   * g(θ) = (1 + e^{−π/(2k)}) / (1 − e^{−π/(2k)}) · (1 − e^{θ/k − π/(2k)}) / (1 + e^{θ/k − π/(2k)}),
   * computed as −A·tanh(t/2) with t = θ/k − π/(2k), since (1 − e^t)/(1 + e^t) = −tanh(t/2) does not
   * overflow for small k. g(0) = 1, g(π/2) = 0, g(π) = −1.
   */
  record Sigmoid(double k) implements AngleFunction {
    public Sigmoid {
      if (!(k > 0)) throw new IllegalArgumentException("sigmoid angle function: k must be > 0, got " + k);
    }

    public Tensor apply(Tensor theta) {
      double a = Math.exp(-Math.PI / (2 * k));
      double scale = (1 + a) / (1 - a);
      return theta.mul(1 / k).sub(Math.PI / (2 * k)).mul(0.5).tanh().mul(-scale);
    }

    public String spec() {
      return "sigmoid:" + k;
    }
  }

  /** g(θ) = −log(θ + m); with m = 0 it relies on the clamp to keep θ > 0. */
  record Log(double m) implements AngleFunction {
    public Log {
      if (!(m >= 0)) throw new IllegalArgumentException("log angle function: m must be >= 0, got " + m);
    }

    public Tensor apply(Tensor theta) {
      return theta.add(m).log().neg();
    }

    public String spec() {
      return "log:" + m;
    }
  }

  /**
   * g(θ) = −log(θ + m) + log(π/2 + m) = −log((θ + m)/(π/2 + m)): {@link Log} shifted to be 0 at θ = π/2,
   * with the same derivative. For the angular convolutions of a network without batch norm after them
   * (lenet-linear-angular): patch–filter angles concentrate near π/2, so −log(θ) alone hands the next
   * layer a constant of about −0.45 many times larger than its variation, and the features' running
   * batch-norm mean then lags their batch mean by more than their spread (measured: test accuracy at
   * chance level in EVAL mode while the training loss fell; docs/experiments.md, "angular-net").
   */
  record CentredLog(double m) implements AngleFunction {
    public CentredLog {
      if (!(m >= 0)) throw new IllegalArgumentException("log-centred angle function: m must be >= 0, got " + m);
    }

    public Tensor apply(Tensor theta) {
      return theta.add(m).log().neg().add(Math.log(Math.PI / 2 + m));
    }

    public String spec() {
      return "log-centred:" + m;
    }
  }

  /** g(θ) = 1/θ; finite because the clamp keeps θ ≥ arccos(1 − ε) > 0. */
  record Reciprocal() implements AngleFunction {
    public Tensor apply(Tensor theta) {
      return theta.constant(1.0).div(theta);
    }

    public String spec() {
      return "reciprocal";
    }
  }

  /** Reads "linear", "cosine", "sigmoid:K", "log:M", "log-centred:M", "reciprocal". */
  static AngleFunction parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    String name = colon < 0 ? t : t.substring(0, colon);
    String arg = colon < 0 ? null : t.substring(colon + 1);
    AngleFunction g = switch (name) {
      case "linear" -> new Linear();
      case "cosine" -> new Cosine();
      case "reciprocal" -> new Reciprocal();
      case "sigmoid" -> new Sigmoid(number(s, arg, "k"));
      case "log" -> new Log(number(s, arg, "m"));
      case "log-centred" -> new CentredLog(number(s, arg, "m"));
      default -> throw new IllegalArgumentException("unknown angle function '" + s + "' (use linear, cosine, sigmoid:K, log:M, log-centred:M or reciprocal)");
    };
    if (arg != null && (g instanceof Linear || g instanceof Cosine || g instanceof Reciprocal))
      throw new IllegalArgumentException("angle function '" + s + "' takes no parameter");
    return g;
  }

  private static double number(String s, String arg, String what) {
    if (arg == null || arg.isEmpty()) throw new IllegalArgumentException("angle function '" + s + "' needs its parameter " + what + ", e.g. '" + s.trim() + ":0.3'");
    try {
      return Double.parseDouble(arg);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("angle function '" + s + "': " + what + " '" + arg + "' is not a number");
    }
  }
}
