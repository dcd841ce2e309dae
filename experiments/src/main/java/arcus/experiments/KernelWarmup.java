package arcus.experiments;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.losses.Losses;
import arcus.losses.MarginLoss;
import java.util.List;
import java.util.Map;

/**
 * Compiles the hot kernels while the main thread is busy with something single-threaded.
 *
 * <p>A fresh JVM runs Vector API code interpreted, and there it is an order of magnitude slower
 * than compiled. A one-shot command such as {@code loss-eval} spends its first second parsing
 * JSON on one core; running a small loss and its gradient on the other core meanwhile gets
 * GEMM and the elementwise kernels compiled by the time the real case arrives (measured: the
 * 4096×512×1000 ArcFace case computed in 2.0–2.3 s cold and 0.4–0.5 s warm).
 */
final class KernelWarmup {
  private KernelWarmup() {}

  /** Starts warming in a daemon thread; {@link Thread#interrupt()} stops it early. */
  static Thread start() {
    Thread t = new Thread(KernelWarmup::run, "arcus-kernel-warmup");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
    return t;
  }

  private static void run() {
    Rng rng = new Rng(1);
    Tensor x = rng.normal(DType.F32, 0, 1, 256, 128), w = rng.normal(DType.F32, 0, 1, 128, 256);
    int[] labels = new int[256];
    for (int i = 0; i < labels.length; i++) labels[i] = rng.nextInt(256);
    List<MarginLoss> losses = List.of(Losses.create("arcface", Map.of()), Losses.create("softmax", Map.of()));
    long deadline = System.nanoTime() + 700_000_000L;
    while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      for (MarginLoss l : losses)
        Autodiff.valueAndGrad((List<Tensor> in) -> l.loss(in.get(0), in.get(1), labels), List.of(x, w));
    }
  }
}
