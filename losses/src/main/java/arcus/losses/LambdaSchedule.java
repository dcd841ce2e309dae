package arcus.losses;

/**
 * The λ annealing of L-Softmax and SphereFace: λ = max(λ_min, base · (1 + γ · iteration)^(−power)).
 * State of the training loop, not of the loss: the loop asks for λ at each step and passes it to
 * {@link LSoftmax#withLambda} / {@link SphereFace#withLambda}.
 */
public record LambdaSchedule(double base, double gamma, double power, double lambdaMin) {
  /** The L-Softmax MNIST setting (its Caffe example, m = 4). */
  public static final LambdaSchedule LSOFTMAX = new LambdaSchedule(1000, 2.5e-5, 35, 0);
  /** SphereFace's released setting. */
  public static final LambdaSchedule SPHEREFACE = new LambdaSchedule(1000, 0.12, 1, 5);

  public LambdaSchedule {
    if (!(base >= 0) || !(gamma >= 0) || !(power >= 0) || !(lambdaMin >= 0))
      throw new IllegalArgumentException("lambda schedule: base, gamma, power and lambda_min must be ≥ 0");
  }

  public double lambda(long iteration) {
    if (iteration < 0) throw new IllegalArgumentException("iteration must be ≥ 0, got " + iteration);
    return Math.max(lambdaMin, base * Math.pow(1 + gamma * iteration, -power));
  }
}
