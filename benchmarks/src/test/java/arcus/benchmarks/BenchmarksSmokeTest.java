package arcus.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.cpu.Kernels;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Every benchmark's set-up and body run once, on its smallest shape, outside JMH: the benchmarks
 * keep compiling and running as the kernels change. No timing here (timings belong to bin/jmh).
 */
class BenchmarksSmokeTest {
  private static final Blackhole BH =
      new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

  @Test
  void gemmComputesTheProductInEveryForm() {
    for (String form : new String[] {"nn", "tn", "nt"}) {
      GemmBench b = new GemmBench();
      b.n = 8;
      b.form = form;
      b.setup();
      b.sgemm(BH);
    }
    // one entry checked against a scalar dot product, so the benchmark measures real work
    float[] a = BenchData.floats(64, 1), bb = BenchData.floats(64, 2), c = new float[64];
    Kernels.sgemm(false, false, 8, 8, 8, a, 0, 8, bb, 0, 8, c, 0, 8, false);
    double dot = 0;
    for (int k = 0; k < 8; k++) dot += a[3 * 8 + k] * bb[k * 8 + 5];
    assertEquals(dot, c[3 * 8 + 5], 1e-5);
  }

  @Test
  void convolutionPassesRun() {
    for (String algo : new String[] {"off", "on", "auto"}) {
      ConvBench b = new ConvBench();
      b.batch = 2;
      b.channelsAndSize = "3:5";
      b.algo = algo;
      b.setup();
      b.forward(BH);
      b.backwardInput(BH);
      b.backwardWeight(BH);
    }
  }

  @Test
  void tensorOpsRun() {
    TensorOpsBench b = new TensorOpsBench();
    b.setup();
    assertEquals(64 * 64 * 28 * 28, b.exp().size());
    assertEquals(64 * 64 * 28 * 28, b.relu().size());
    assertEquals(64 * 64 * 28 * 28, b.broadcastAdd().size());
  }

  @Test
  void trainStepRunsAndGivesAFiniteLoss() {
    TrainStepBench b = new TrainStepBench();
    b.model = "lenet";
    b.batch = 4;
    b.loss = "arcface";
    b.setup();
    double first = b.step();
    double second = b.step();
    assertTrue(Double.isFinite(first) && Double.isFinite(second), first + " " + second);
  }
}
