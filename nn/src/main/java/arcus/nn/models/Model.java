package arcus.nn.models;

import arcus.nn.Layer;

/**
 * A feature extractor: an image batch [N, C, H, W] → features [N, featureDim]. The classifier
 * is deliberately not part of it; the loss head owns the class weights, so any margin loss can
 * sit on top.
 */
public interface Model {
  String name();

  Layer features();

  int featureDim();

  /** Expected input [C, H, W] of one image. */
  int[] inputShape();
}
