package arcus.nn.optim;

import java.util.List;

/**
 * A learning rate as a pure function of the step (0-based count of updates already applied).
 * The factories return records, so a schedule prints and compares by its settings.
 */
@FunctionalInterface
public interface LrSchedule {
  double lr(long step);

  static LrSchedule constant(double lr) {
    return new Constant(lr);
  }

  /** lr · rate^(step / decaySteps); the L-Softmax papers use rate 0.9 every 6000 steps, staircase. */
  static LrSchedule exponential(double lr, double rate, long decaySteps, boolean staircase) {
    return new Exponential(lr, rate, decaySteps, staircase);
  }

  /** lr · gamma^(number of milestones ≤ step). */
  static LrSchedule multiStep(double lr, List<Long> milestones, double gamma) {
    return new MultiStep(lr, milestones, gamma);
  }

  /** Linear warmup from 0 over warmupSteps, then cosine from lr down to minLr at totalSteps (and minLr after). */
  static LrSchedule cosine(double lr, long totalSteps, long warmupSteps, double minLr) {
    return new Cosine(lr, totalSteps, warmupSteps, minLr);
  }

  record Constant(double base) implements LrSchedule {
    public double lr(long step) {
      return base;
    }
  }

  record Exponential(double base, double rate, long decaySteps, boolean staircase) implements LrSchedule {
    public Exponential {
      if (decaySteps < 1) throw new IllegalArgumentException("exponential schedule: decaySteps must be >= 1, got " + decaySteps);
      if (!(rate > 0)) throw new IllegalArgumentException("exponential schedule: rate must be > 0, got " + rate);
    }

    public double lr(long step) {
      double e = staircase ? (double) (step / decaySteps) : (double) step / decaySteps;
      return base * Math.pow(rate, e);
    }
  }

  record MultiStep(double base, List<Long> milestones, double gamma) implements LrSchedule {
    public MultiStep {
      milestones = List.copyOf(milestones);
      for (int i = 1; i < milestones.size(); i++)
        if (milestones.get(i) <= milestones.get(i - 1)) throw new IllegalArgumentException("multi-step schedule: milestones must increase, got " + milestones);
    }

    public double lr(long step) {
      int passed = 0;
      for (long m : milestones) if (step >= m) passed++;
      return base * Math.pow(gamma, passed);
    }
  }

  record Cosine(double base, long totalSteps, long warmupSteps, double minLr) implements LrSchedule {
    public Cosine {
      if (warmupSteps < 0 || totalSteps <= warmupSteps)
        throw new IllegalArgumentException("cosine schedule: need 0 <= warmupSteps < totalSteps, got " + warmupSteps + " and " + totalSteps);
    }

    public double lr(long step) {
      if (step < warmupSteps) return base * (step + 1) / warmupSteps;
      if (step >= totalSteps) return minLr;
      double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
      return minLr + (base - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }
}
