package arcus.gpu;

import static arcus.gpu.Pair.CPU;
import static arcus.gpu.Pair.assertAgree;

import arcus.core.Conv2dSpec;
import arcus.core.DType;
import arcus.core.MatmulSpec;
import arcus.core.Pool2dSpec;
import arcus.core.PoolKind;
import arcus.core.Shape;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The matmul, convolution and pooling kernels agree with the CPU backend, forward and backward. */
class MatmulConvPoolAgreementProperties {
  private final TornadoBackend gpu = TornadoBackend.onJvm();

  @Property(tries = 40)
  void matmul(@ForAll long seed, @ForAll DType dtype) {
    matmul(gpu, seed, dtype);
  }

  static void matmul(TornadoBackend gpu, long seed, DType dtype) {
    SplittableRandom r = new SplittableRandom(seed);
    int batch = r.nextInt(1, 4), m = r.nextInt(1, 7), n = r.nextInt(1, 7), k = r.nextInt(1, 9);
    boolean batchA = r.nextBoolean(), batchB = !batchA || r.nextBoolean();
    MatmulSpec s = new MatmulSpec(batch, batchA, batchB, m, n, k, r.nextBoolean(), r.nextBoolean());
    Pair a = Pair.of(gpu, dtype, Pair.normal(r, (batchA ? batch : 1) * m * k));
    Pair b = Pair.of(gpu, dtype, Pair.normal(r, (batchB ? batch : 1) * k * n));
    assertAgree("matmul " + s, CPU.matmul(a.cpu, b.cpu, s), gpu.matmul(a.gpu, b.gpu, s), k);
  }

  @Property(tries = 30)
  void conv2dForwardAndBackward(@ForAll long seed, @ForAll DType dtype) {
    conv2dForwardAndBackward(gpu, seed, dtype);
  }

  static void conv2dForwardAndBackward(TornadoBackend gpu, long seed, DType dtype) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = r.nextInt(1, 3), c = r.nextInt(1, 4), oc = r.nextInt(1, 4), kh = r.nextInt(1, 4), kw = r.nextInt(1, 4);
    Conv2dSpec spec = new Conv2dSpec(r.nextInt(1, 3), r.nextInt(1, 3), r.nextInt(0, 2), r.nextInt(0, 2), r.nextInt(1, 3), r.nextInt(1, 3));
    int h = r.nextInt(spec.dilationH() * (kh - 1) + 1, 8), w = r.nextInt(spec.dilationW() * (kw - 1) + 1, 8);
    Shape xs = Shape.of(n, c, h, w), ws = Shape.of(oc, c, kh, kw), ys = Shape.of(n, oc, spec.outH(h, kh), spec.outW(w, kw));
    Pair x = Pair.of(gpu, dtype, Pair.normal(r, xs.size())), wt = Pair.of(gpu, dtype, Pair.normal(r, ws.size()));
    Pair gy = Pair.of(gpu, dtype, Pair.normal(r, ys.size()));
    String what = "conv2d x" + xs + " w" + ws + " " + spec;
    assertAgree(what, CPU.conv2d(x.cpu, xs, wt.cpu, ws, spec), gpu.conv2d(x.gpu, xs, wt.gpu, ws, spec), c * kh * kw);
    assertAgree(what + " backward input", CPU.conv2dBackwardInput(gy.cpu, ys, wt.cpu, ws, xs, spec), gpu.conv2dBackwardInput(gy.gpu, ys, wt.gpu, ws, xs, spec), oc * kh * kw);
    assertAgree(what + " backward weight", CPU.conv2dBackwardWeight(x.cpu, xs, gy.cpu, ys, ws, spec), gpu.conv2dBackwardWeight(x.gpu, xs, gy.gpu, ys, ws, spec), ys.size());
  }

  @Property(tries = 40)
  void pool2dForwardBackwardAndGather(@ForAll long seed, @ForAll DType dtype, @ForAll PoolKind kind) {
    pool2dForwardBackwardAndGather(gpu, seed, dtype, kind);
  }

  static void pool2dForwardBackwardAndGather(TornadoBackend gpu, long seed, DType dtype, PoolKind kind) {
    SplittableRandom r = new SplittableRandom(seed);
    int kh = r.nextInt(1, 4), kw = r.nextInt(1, 4);
    Pool2dSpec spec = new Pool2dSpec(kh, kw, r.nextInt(1, 4), r.nextInt(1, 4), r.nextInt(0, kh / 2 + 1), r.nextInt(0, kw / 2 + 1), r.nextBoolean());
    Shape xs = Shape.of(r.nextInt(1, 3), r.nextInt(1, 3), r.nextInt(kh, 8), r.nextInt(kw, 8));
    Shape ys = Shape.of(xs.dim(0), xs.dim(1), spec.outH(xs.dim(2)), spec.outW(xs.dim(3)));
    // max pooling with ties is covered by quantized inputs: the first maximum must win on both backends
    double[] xd = r.nextBoolean() ? Pair.quantized(r, xs.size()) : Pair.normal(r, xs.size());
    Pair x = Pair.of(gpu, dtype, xd), gy = Pair.of(gpu, dtype, Pair.normal(r, ys.size()));
    String what = kind + " pool " + xs + " " + spec;
    assertAgree(what, CPU.pool2d(kind, x.cpu, xs, spec), gpu.pool2d(kind, x.gpu, xs, spec), kh * kw);
    assertAgree(what + " backward", CPU.pool2dBackward(kind, x.cpu, xs, gy.cpu, spec), gpu.pool2dBackward(kind, x.gpu, xs, gy.gpu, spec), kh * kw * 4);
    if (kind == PoolKind.MAX) {
      Pair gx = Pair.of(gpu, dtype, Pair.normal(r, xs.size()));
      assertAgree(what + " gather", CPU.maxPool2dGather(x.cpu, xs, gx.cpu, spec), gpu.maxPool2dGather(x.gpu, xs, gx.gpu, spec), 0);
    }
  }
}
