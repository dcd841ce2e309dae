package arcus.nn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import arcus.nn.AngleFunction;
import arcus.nn.Layer;
import arcus.nn.Mode;
import org.junit.jupiter.api.Test;

/** Output shapes and parameter counts of the feature extractors (small batches: the conv kernels here are scalar). */
class ModelsTest {
  static Tensor run(Model m, int n, int side) {
    Layer f = m.features();
    Params p = f.init(new Rng(1), DType.F32);
    Tensor x = new Rng(2).normal(DType.F32, 0, 1, n, m.inputShape()[0], side, side);
    // batch norm cannot train on one value per channel, so single images run in EVAL
    return f.apply(p, f.initState(DType.F32), x, n == 1 ? Mode.EVAL : Mode.TRAIN, new Rng(3)).y();
  }

  @Test
  void lsoftmaxMnistNetHasAboutSixHundredThousandParameters() {
    Model m = Models.create("lsoftmax-mnist", 256);
    long count = m.features().init(new Rng(1), DType.F32).count();
    // convs: 640 + 9·36,928; PReLU+BN: 10·192; FC 1024·256 + 256; PReLU+BN 768
    assertEquals(598_080, count);
    // the paper's ≈0.60 M includes the 10-way classifier, which the loss head owns here
    assertEquals(600_640, count + 256 * 10);
    assertArrayEquals(new int[] {2, 256}, run(m, 2, 28).shape().dims());
  }

  @Test
  void lsoftmaxCifarNetShapes() {
    Model m = Models.create("lsoftmax-cifar", 0);
    assertEquals(256, m.featureDim());
    long count = m.features().init(new Rng(1), DType.F32).count();
    long convs = (3 * 9 * 64 + 64) + 4 * (64 * 9 * 64 + 64) + (64 * 9 * 96 + 96) + 3 * (96 * 9 * 96 + 96) + (96 * 9 * 128 + 128) + 3 * (128 * 9 * 128 + 128);
    long preluBn = 3 * (64 + 4 * 64 + 4 * 96 + 4 * 128) + 3 * 256;
    assertEquals(convs + preluBn + 2048 * 256 + 256, count);
    assertArrayEquals(new int[] {1, 256}, run(m, 1, 32).shape().dims());
  }

  @Test
  void leNetShapesAndCount() {
    Model m = Models.create("lenet", 0);
    assertEquals(500, m.featureDim());
    assertEquals((25 * 20 + 20) + (20 * 25 * 50 + 50) + (800 * 500 + 500), m.features().init(new Rng(1), DType.F32).count());
    assertArrayEquals(new int[] {2, 500}, run(m, 2, 28).shape().dims());
    assertArrayEquals(new int[] {1, 64}, run(new LeNet(1, 28, 64), 1, 28).shape().dims());
  }

  @Test
  void leNetLinearHasALinearFeatureLayer() {
    Model m = Models.create("lenet-linear", 0);
    assertEquals(64, m.featureDim());
    Params p = m.features().init(new Rng(1), DType.F32);
    assertEquals((25 * 20 + 20) + (20 * 25 * 50 + 50) + (800 * 500 + 500) + (500 * 3 + 3) + 2 * 3, Models.create("lenet-linear", 3).features().init(new Rng(1), DType.F32).count());
    assertEquals(true, p.names().contains("fc.weight") && p.names().contains("fc1.weight"), p.names().toString());
    // no ReLU after the feature layer: a batch of random images gives negative features too
    Tensor y = run(m, 8, 28);
    assertArrayEquals(new int[] {8, 64}, y.shape().dims());
    assertEquals(true, java.util.Arrays.stream(y.toDoubleArray()).anyMatch(v -> v < 0));
  }

  @Test
  void angularLeNetLinearHasBiasFreeAngularConvsAndGradientsThroughThem() {
    Model m = Models.create("lenet-linear-angular", 16, new AngleFunction.CentredLog(0));
    assertEquals("lenet-linear-angular", m.name());
    Params p = m.features().init(new Rng(1), DType.F32);
    // the plain model's count less the two conv biases (20 + 50)
    assertEquals((25 * 20) + (20 * 25 * 50) + (800 * 500 + 500) + (500 * 16 + 16) + 2 * 16, p.count());
    assertEquals(Models.create("lenet-linear", 16).features().init(new Rng(1), DType.F32).count() - 70, p.count());
    assertEquals(false, p.names().contains("conv1.bias") || p.names().contains("conv2.bias"), p.names().toString());
    assertArrayEquals(new int[] {2, 16}, run(m, 2, 28).shape().dims());
    // the angle function reaches the convolutions: another one gives other features from the same weights
    Tensor x = new Rng(2).normal(DType.F32, 0, 1, 2, 1, 28, 28);
    Layer f = m.features(), g = Models.create("lenet-linear-angular", 16, new AngleFunction.Cosine()).features();
    Tensor yf = f.apply(p, f.initState(DType.F32), x, Mode.TRAIN, new Rng(3)).y(), yg = g.apply(p, g.initState(DType.F32), x, Mode.TRAIN, new Rng(3)).y();
    assertEquals(false, java.util.Arrays.equals(yf.toDoubleArray(), yg.toDoubleArray()));
    // a loss that is not constant under batch norm (a weighted sum) has finite, non-zero gradients at both angular convs
    Tensor r = new Rng(4).normal(DType.F32, 0, 1, 2, 16);
    Params grad = arcus.core.Autodiff.grad(q -> f.apply(q, f.initState(DType.F32), x, Mode.TRAIN, new Rng(3)).y().mul(r).sum(), p);
    for (String w : java.util.List.of("conv1.weight", "conv2.weight")) {
      double[] gw = grad.get(w).toDoubleArray();
      assertEquals(true, java.util.Arrays.stream(gw).allMatch(Double::isFinite), w);
      assertEquals(true, java.util.Arrays.stream(gw).anyMatch(v -> v != 0), w);
    }
    // no angle function: the default (linear), as for resnet32-angular
    assertEquals(new LeNetLinear(1, 28, 64, Models.DEFAULT_ANGLE), Models.create("lenet-linear-angular", 0));
  }

  @Test
  void resNet32ShapesAndCount() {
    Model m = Models.create("resnet32", 0);
    long count = m.features().init(new Rng(1), DType.F32).count();
    // 31 3×3 convs + 2 projections, 33 batch norms: the usual ≈0.46 M of ResNet-32 without its FC
    long convs = 3 * 9 * 16 + 10 * 16 * 9 * 16 + (16 * 9 * 32 + 9 * 32 * 9 * 32) + (32 * 9 * 64 + 9 * 64 * 9 * 64) + 16 * 32 + 32 * 64;
    long bns = 2 * (16 + 10 * 16 + 10 * 32 + 10 * 64 + 32 + 64);
    assertEquals(convs + bns, count);
    // global average pooling makes the features independent of the input size; 8×8 keeps this fast
    assertArrayEquals(new int[] {2, 64}, run(m, 2, 8).shape().dims());
  }

  @Test
  void angularResNet32UsesAngularConvsOnly() {
    Model m = Models.create("resnet32-angular", 64, new AngleFunction.Sigmoid(0.3));
    assertEquals("resnet32-angular", m.name());
    Params p = m.features().init(new Rng(1), DType.F32);
    for (String n : p.names()) assertEquals(false, n.endsWith(".bias") && n.contains("conv"), n);
    Tensor y = run(m, 1, 8);
    assertArrayEquals(new int[] {1, 64}, y.shape().dims());
    for (double v : y.toDoubleArray()) assertEquals(true, Double.isFinite(v));
  }

  @Test
  void registryRejectsWhatItCannotBuild() {
    assertThrows(IllegalArgumentException.class, () -> Models.create("vgg", 0));
    assertThrows(IllegalArgumentException.class, () -> Models.create("resnet32", 128));
    assertThrows(IllegalArgumentException.class, () -> Models.create("lenet", 0, new AngleFunction.Linear()));
    assertThrows(IllegalArgumentException.class, () -> Models.create("lenet-linear", 0, new AngleFunction.Linear()));
    for (String name : Models.NAMES) assertEquals(name, Models.create(name, 0).name());
  }
}
