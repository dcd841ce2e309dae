package arcus.losses;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;

/**
 * The pure angular loss ([AngularNet], "Classification Net Based on Angular Feature", the angular
 * fully-connected layer with the log angle function g(θ) = −log(θ + m) and scale S): every class,
 * at training and at test time, gets f_j = S · (−log(θ_j + m)), θ_j = arccos(clamped cos θ_j).
 * With m = 0 the clamp keeps θ ≥ arccos(1 − ε) > 0, so the log stays finite.
 */
public record PureAngular(double bigS, double m) implements Unmargined {
  public PureAngular {
    Check.positive("pureangular", "S", bigS);
    Check.nonNegative("pureangular", "m", m);
  }

  @Override
  public Tensor scores(Tensor x, Params p) {
    Tensor theta = Geometry.angle(Geometry.cosine(x, p.get("w")));
    return theta.add(m).log().mul(-bigS);
  }

  @Override
  public Params init(Rng rng, DType dtype, int d, int c) {
    return Params.of("w", Geometry.xavier(rng, dtype, d, c));
  }
}
