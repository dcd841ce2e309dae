package arcus.experiments.train;

/**
 * One epoch of a run. {@code trainAccuracy} is measured after the epoch in EVAL mode on the
 * first {@code trainEvalLimit} training images with the loss's own prediction rule.
 */
public record EpochMetrics(int epoch, long step, String loss, double lr, double trainLoss, double trainAccuracy,
                           double testAccuracy, double seconds, double imagesPerSecond) {}
