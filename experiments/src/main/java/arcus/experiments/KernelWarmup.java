package arcus.experiments;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.losses.Losses;
import arcus.losses.MarginLoss;
import java.util.ArrayList;
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

  /**
   * Rows, feature dimension and classes of the warm-up cases: small first, so that the first
   * calls, still interpreted (where the Vector API runs an order of magnitude slower), end quickly
   * and the JIT sees many calls early; none a multiple of the vector length or of the GEMM's
   * register tile, so the edge paths are compiled too (a kernel compiled without them is thrown
   * away at the real case's first edge tile); the last with more rows than columns and the first
   * with fewer, so both of the GEMM's ways of splitting work between threads are taken.
   */
  private static final int[][] SHAPES = {{37, 45, 51}, {131, 67, 45}};

  /** One warm-up case: features, weights and labels. */
  private record Case(List<Tensor> inputs, int[] labels) {}

  private static void run() {
    Rng rng = new Rng(1);
    List<MarginLoss> losses = List.of(Losses.create("arcface", Map.of()), Losses.create("softmax", Map.of()));
    List<Case> cases = new ArrayList<>();
    for (int[] s : SHAPES) {
      List<Tensor> in = List.of(rng.normal(DType.F32, 0, 1, s[0], s[1]), rng.normal(DType.F32, 0, 1, s[1], s[2]));
      int[] y = new int[s[0]];
      for (int i = 0; i < y.length; i++) y[i] = rng.nextInt(s[2]);
      cases.add(new Case(in, y));
    }
    long deadline = System.nanoTime() + 700_000_000L;
    while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      for (Case c : cases)
        for (MarginLoss l : losses)
          Autodiff.valueAndGrad((List<Tensor> in) -> l.loss(in.get(0), in.get(1), c.labels()), c.inputs());
    }
  }
}
