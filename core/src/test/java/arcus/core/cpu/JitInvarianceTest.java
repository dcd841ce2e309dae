package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Autodiff;
import arcus.core.Conv2dSpec;
import arcus.core.DType;
import arcus.core.Fused;
import arcus.core.Pool2dSpec;
import arcus.core.Rng;
import arcus.core.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The float32 kernels give the same bits whether the JVM interprets them or C2 has compiled
 * them. This once failed: the Vector API's {@code lanewise(EXP)} and {@code reduceLanes(ADD)}
 * switch implementation when C2 compiles the caller, so a training run resumed in a fresh JVM
 * did not reproduce the uninterrupted one. Here the same computations run in this (warmed) JVM
 * and in a child JVM with {@code -Xint}, and their bit digests must agree.
 */
class JitInvarianceTest {

  private static Tensor randn(Rng r, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
    return Tensor.of(v, shape);
  }

  /** One line per computation: its name and a hash of the bits of its result. */
  static List<String> digests() {
    Rng r = new Rng(42);
    List<String> out = new ArrayList<>();
    Tensor v = randn(r, 3, 37);
    Tensor pos = v.abs().add(0.1);
    record Named(String name, Tensor t) {}
    List<Named> ts = new ArrayList<>();
    ts.add(new Named("exp", v.exp()));
    ts.add(new Named("log", pos.log()));
    ts.add(new Named("sqrt", pos.sqrt()));
    ts.add(new Named("sin", v.sin()));
    ts.add(new Named("cos", v.cos()));
    ts.add(new Named("acos", v.tanh().mul(0.99).acos()));
    ts.add(new Named("tanh", v.tanh()));
    ts.add(new Named("sigmoid", v.sigmoid()));
    ts.add(new Named("pow", pos.pow(v)));
    ts.add(new Named("pow-scalar", pos.pow(1.7)));
    ts.add(new Named("div", v.div(pos)));
    ts.add(new Named("sum-rows", v.sum(1)));
    ts.add(new Named("sum-cols", v.sum(0)));
    ts.add(new Named("sum-all", v.sum()));
    ts.add(new Named("logsumexp", v.logSumExp(1, false)));
    Tensor a = randn(r, 13, 70), b = randn(r, 70, 19);
    ts.add(new Named("matmul-small", a.matmul(b)));
    ts.add(new Named("matmul-dot", a.matmul(randn(r, 19, 70), false, true)));
    Tensor big = randn(r, 40, 64), bigB = randn(r, 64, 48);
    ts.add(new Named("matmul-packed", big.matmul(bigB)));
    Tensor x = randn(r, 2, 3, 9, 9), w = randn(r, 4, 3, 3, 3);
    Tensor gamma = randn(r, 4), beta = randn(r, 4), alpha = randn(r, 4).mul(0.1);
    List<Tensor> grads = Autodiff.grad(ps -> {
      Tensor h = ps.get(0).conv2d(ps.get(1), Conv2dSpec.of(1, 1));
      h = Fused.batchNorm(h, ps.get(2), ps.get(3), 1e-5).y();
      h = Fused.prelu(h, ps.get(4)).maxPool2d(Pool2dSpec.of(2, 2, false));
      Tensor logits = h.reshape(2, -1).slice(1, 0, 10);
      return logits.sub(logits.logSumExp(1, true)).mul(-1).mean();
    }, List.of(x, w, gamma, beta, alpha));
    for (int i = 0; i < grads.size(); i++) ts.add(new Named("net-grad-" + i, grads.get(i)));
    for (Named n : ts) out.add(n.name() + " " + hash(n.t().toFloatArray()));
    // a 5x5 unpadded convolution (LeNet's second layer, small): the expanded image's forward and
    // GEMM weight gradient, its col2im input gradient, and the dot-product weight gradient
    ConvKernels.Geom le = ConvKernels.Geom.of(6, 4, 10, 9, 5, 5, 5, 1, 1, 0, 0, 1, 1);
    float[] lx = randn(r, 6, 4, 10, 9).toFloatArray(), lw = randn(r, 5, 4, 5, 5).toFloatArray();
    float[] lgy = randn(r, 6, 5, le.oh(), le.ow()).toFloatArray();
    float[] ly = new float[lgy.length], lgx = new float[lx.length], lgw = new float[lw.length], lgwDot = new float[lw.length];
    ConvKernels.conv2dForward(lx, 6, 4, 10, 9, lw, 5, 5, 5, 1, 1, 0, 0, 1, 1, ly);
    ConvKernels.backwardInputCol2im(le, lgy, lw, lgx);
    ConvKernels.conv2dBackwardWeight(lx, 6, 4, 10, 9, lgy, 5, 5, 5, 1, 1, 0, 0, 1, 1, lgw);
    DotWeightGrad.backwardWeight(le, lx, lgy, lgwDot);
    out.add("conv5x5 " + hash(ly) + " " + hash(lgx) + " " + hash(lgw) + " " + hash(lgwDot));
    // Winograd (both transforms, all three passes; odd sizes so partial tiles and vector tails run)
    ConvKernels.Geom g = ConvKernels.Geom.of(2, 5, 9, 11, 6, 3, 3, 1, 1, 1, 0, 1, 1);
    float[] wx = randn(r, 2, 5, 9, 11).toFloatArray(), ww = randn(r, 6, 5, 3, 3).toFloatArray();
    float[] wgy = randn(r, 2, 6, g.oh(), g.ow()).toFloatArray();
    for (Winograd.Transform tf : List.of(Winograd.F2, Winograd.F4)) {
      float[] y = new float[wgy.length], gx = new float[wx.length], gw = new float[ww.length];
      Winograd.forward(tf, wx, g, ww, false, y);
      Winograd.forward(tf, wgy, ConvKernels.flipped(g), ww, true, gx);
      Winograd.backwardWeight(tf, wx, g, wgy, gw);
      out.add("winograd-" + tf.m() + " " + hash(y) + " " + hash(gx) + " " + hash(gw));
    }
    return out;
  }

  private static String hash(float[] v) {
    long h = 17;
    for (float f : v) h = h * 1_000_003L + Float.floatToRawIntBits(f);
    return Long.toHexString(h);
  }

  /** Entry point of the interpreted child JVM: prints the digests. */
  public static void main(String[] args) {
    for (String line : digests()) System.out.println(line);
  }

  @Test
  void interpretedAndCompiledKernelsGiveTheSameBits() throws IOException, InterruptedException {
    List<String> compiled = null;
    for (int i = 0; i < 400; i++) compiled = digests(); // enough calls for C2 to compile the kernels

    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xint", "--add-modules", "jdk.incubator.vector",
        "-Darcus.threads=" + System.getProperty("arcus.threads", "2")));
    // the child computes with the same kernel set-up as this JVM: every -Darcus.* property
    // (vector shape, GEMM tile rows and blocking, algorithm switches) is passed on; -Darcus.gemm.mr
    // alone changes which input-gradient algorithm a 3-channel convolution takes
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("arcus.") && !name.equals("arcus.threads")) cmd.add("-D" + name + "=" + System.getProperty(name));
    }
    cmd.addAll(List.of("-cp", cp, JitInvarianceTest.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the -Xint child did not finish");
    assertEquals(0, p.exitValue(), "the -Xint child failed: " + stdout);
    assertEquals(String.join("\n", compiled), stdout.strip());
  }
}
