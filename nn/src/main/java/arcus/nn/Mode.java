package arcus.nn;

/** Whether a layer runs for training (batch statistics, dropout on) or evaluation. */
public enum Mode {
  TRAIN,
  EVAL
}
