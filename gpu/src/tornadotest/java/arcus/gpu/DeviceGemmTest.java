package arcus.gpu;

import static arcus.gpu.Pair.CPU;
import static arcus.gpu.Pair.assertAgree;

import arcus.core.DType;
import arcus.core.MatmulSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The local-memory tiled float32 GEMM (16×16 tiles) equals the CPU backend on shapes that are
 * and are not multiples of the tile, batched (a work-group must not span two batch entries) and
 * with every transpose combination.
 */
class DeviceGemmTest {
  @Test
  void tiledGemmMatchesTheCpuBackend() {
    // the tiled kernel is the default on GPUs only; ask for it on PoCL too
    System.setProperty("arcus.tornado.tiledGemm", "true");
    try {
      check();
    } finally {
      System.clearProperty("arcus.tornado.tiledGemm");
    }
  }

  private static void check() {
    TornadoBackend gpu = Device.GPU;
    SplittableRandom r = new SplittableRandom(4);
    int[][] shapes = {{37, 45, 70}, {16, 32, 16}, {1, 33, 17}, {19, 1, 40}};
    for (int[] mnk : shapes) {
      for (int t = 0; t < 4; t++) {
        int m = mnk[0], n = mnk[1], k = mnk[2], batch = 1 + t % 3;
        boolean batchA = t != 1, batchB = t != 2;
        MatmulSpec s = new MatmulSpec(batch, batchA, batchB, m, n, k, (t & 1) == 1, (t & 2) == 2);
        Pair a = Pair.of(gpu, DType.F32, Pair.normal(r, (batchA ? batch : 1) * m * k));
        Pair b = Pair.of(gpu, DType.F32, Pair.normal(r, (batchB ? batch : 1) * k * n));
        assertAgree("tiled matmul " + s, CPU.matmul(a.cpu, b.cpu, s), gpu.matmul(a.gpu, b.gpu, s), k);
      }
    }
  }
}
