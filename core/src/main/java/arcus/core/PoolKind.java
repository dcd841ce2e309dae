package arcus.core;

public enum PoolKind {
  MAX, AVG
}
