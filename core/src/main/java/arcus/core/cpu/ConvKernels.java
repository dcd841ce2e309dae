package arcus.core.cpu;

import java.util.Arrays;

/**
 * 2-D convolution, NCHW, groups = 1: x [n, c, h, w], weight [oc, c, kh, kw], y [n, oc, oh, ow].
 *
 * <p>The float passes lower each image to a GEMM over an im2col matrix [c*kh*kw, oh*ow]; a 1x1,
 * stride-1, unpadded convolution is already a GEMM over the image itself, so it skips im2col.
 * Work is split over images when there are enough of them (each GEMM then runs on its worker
 * thread); otherwise images go one by one and the GEMM itself is parallel. Stride-1 3x3 float
 * convolutions wide enough to profit run as Winograd F(4x4, 3x3) instead ({@link Winograd},
 * chosen by {@link #useWinograd}). The double passes are direct loops: they serve gradient
 * checks on small shapes, where clarity beats speed.
 */
final class ConvKernels {
  private ConvKernels() {}

  static int outDim(int in, int k, int stride, int pad, int dil) {
    return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
  }

  /** Geometry shared by the three float passes, so they agree on the lowering. */
  record Geom(int n, int c, int h, int w, int oc, int kh, int kw, int sH, int sW, int pH, int pW,
                      int dH, int dW, int oh, int ow) {
    static Geom of(int n, int c, int h, int w, int oc, int kh, int kw, int sH, int sW, int pH, int pW, int dH, int dW) {
      int oh = outDim(h, kh, sH, pH, dH), ow = outDim(w, kw, sW, pW, dW);
      if (oh <= 0 || ow <= 0) throw new IllegalArgumentException("convolution output is empty: " + oh + "x" + ow);
      return new Geom(n, c, h, w, oc, kh, kw, sH, sW, pH, pW, dH, dW, oh, ow);
    }

    int ohw() { return oh * ow; }
    int ckk() { return c * kh * kw; }
    int imageIn() { return c * h * w; }
    int imageOut() { return oc * oh * ow; }

    boolean pointwise() {
      return kh == 1 && kw == 1 && sH == 1 && sW == 1 && pH == 0 && pW == 0;
    }
  }

  /** Per-image body; {@code col} is this thread's im2col scratch (null for pointwise). */
  @FunctionalInterface
  private interface ImageBody {
    void run(int img, float[] col);
  }

  private static void forImages(Geom g, ImageBody body) {
    int colLen = g.pointwise() ? 0 : g.ckk() * g.ohw();
    if (g.n >= Parallel.threads()) {
      Parallel.forRange(g.n, 1, (from, to) -> {
        float[] col = colLen == 0 ? null : new float[colLen];
        for (int img = from; img < to; img++) body.run(img, col);
      });
    } else {
      float[] col = colLen == 0 ? null : new float[colLen];
      for (int img = 0; img < g.n; img++) body.run(img, col);
    }
  }

  /** Which algorithm runs the stride-1 3x3 convolutions: {@code -Darcus.conv.winograd=auto|on|off}. */
  enum Algorithm { AUTO, ON, OFF }

  /**
   * Read once from the system property; tests and benchmarks may switch it (not thread-safe
   * against running convolutions). {@code auto} by default: the measured rule
   * ({@link Winograd#pays}). It was off for a while because the README's main job ran out of heap
   * with it; the cause was the autodiff graph keeping every activation of the step (~1.1 GB at
   * batch 256, beyond ParallelGC's old generation), not Winograd's scratch (≤ 8 MiB of tiles per
   * thread), which only tipped it over (docs/performance.md, "Training memory").
   */
  static volatile Algorithm winograd = parseAlgorithm(System.getProperty("arcus.conv.winograd", "auto"));

  static Algorithm parseAlgorithm(String v) {
    return parseAlgorithm("arcus.conv.winograd", v);
  }

  static Algorithm parseAlgorithm(String property, String v) {
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> Algorithm.AUTO;
      case "on" -> Algorithm.ON;
      case "off" -> Algorithm.OFF;
      default -> throw new IllegalArgumentException("-D" + property + " must be auto, on or off, got '" + v + "'");
    };
  }

  /**
   * Whether a Winograd weight gradient of g runs channels last ({@link WinogradCL#backwardWeight},
   * from x; the forward pass then keeps no V for it).
   */
  static boolean channelsLastWeight(Geom g) {
    return Winograd.DEFAULT == Winograd.F4 && WinogradCL.WEIGHT && WinogradCL.appliesWeight(g);
  }

  /** Whether this float convolution runs as Winograd: applicable, and forced on or chosen by the measured rule. */
  static boolean useWinograd(Geom g, boolean weightGradient) {
    if (!Winograd.applicable(g)) return false;
    return switch (winograd) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> Winograd.pays(g, weightGradient);
    };
  }

  /**
   * At most this many bytes of a float convolution's Winograd input transform V are kept from a
   * recorded forward pass for its weight gradient ({@code -Darcus.conv.keepTransformMiB}, default
   * 32; 0 keeps none). Kept, the weight gradient skips the transform of x (about a quarter of its
   * time) and never reads x, so an input the graph would have recomputed for it (a batch norm's
   * output) is not recomputed either. V is 36/16 of x and lives from the forward pass to the
   * weight gradient, so this is memory for time, and the budget lets small batches have it (a
   * 64 × 28² layer's V is 26.6 MB at batch 50, 133 MB at 256). Only for the tile path's weight
   * gradient: the channels-last one ({@link #channelsLastWeight}, the L-Softmax MNIST network's
   * 64-channel layers) transforms x group by group and keeps nothing. Not final so that tests
   * can switch it.
   */
  static volatile long keepTransformBytes = parseMiB("arcus.conv.keepTransformMiB", System.getProperty("arcus.conv.keepTransformMiB", "32")) << 20;

  /** A size in MiB from a system property: a whole number from 0 to 2^20, or an error that names the property. */
  static long parseMiB(String property, String v) {
    long mib;
    try {
      mib = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + property + " must be a whole number of MiB (0 for none), got '" + v + "'");
    }
    if (mib < 0 || mib > 1L << 20) throw new IllegalArgumentException("-D" + property + " must be between 0 and " + (1L << 20) + " MiB, got " + mib);
    return mib;
  }

  /**
   * Whether a recorded float forward pass of g keeps its input's Winograd transform for the weight
   * gradient: both passes run as Winograd, the weight gradient on the tile path, and V fits
   * {@link #keepTransformBytes}. Floats of V to take, or 0 when not.
   */
  static long keptTransformLength(Geom g) {
    if (!useWinograd(g, false) || !useWinograd(g, true) || channelsLastWeight(g)) return 0;
    long len = Winograd.keptLength(Winograd.DEFAULT, g);
    return 4 * len <= keepTransformBytes ? len : 0;
  }

  /** The Winograd forward pass (plus bias) that keeps V in {@code keep} ({@link #keptTransformLength} floats) for {@link #conv2dBackwardWeightKept}. */
  static void conv2dForwardKeeping(float[] x, Geom g, float[] wt, float[] bias, float[] y, float[] keep) {
    checkBias(bias, g.oc());
    Winograd.forward(Winograd.DEFAULT, x, g, wt, false, bias, y, keep);
  }

  /** A bias (null: none) of one value per output channel. */
  private static void checkBias(float[] bias, int oc) {
    if (bias != null && bias.length != oc) throw new IllegalArgumentException("conv2d bias has " + bias.length + " values for " + oc + " output channels");
  }

  /** The weight gradient from the V a forward pass kept ({@link #conv2dForwardKeeping}), bit for bit the one from x. */
  static void conv2dBackwardWeightKept(float[] kept, Geom g, float[] gy, float[] gw) {
    Winograd.backwardWeight(Winograd.DEFAULT, null, g, gy, gw, kept);
    KEPT_WEIGHT_GRADIENTS.increment();
  }

  /** Weight gradients computed from a kept transform, for tests (a property that never took that path would prove nothing). */
  static final java.util.concurrent.atomic.LongAdder KEPT_WEIGHT_GRADIENTS = new java.util.concurrent.atomic.LongAdder();

  /**
   * Whether stride-1 weight gradients not given to Winograd run as dot products
   * ({@link DotWeightGrad}) instead of a GEMM: {@code -Darcus.conv.dotWeight=auto|on|off}.
   */
  static volatile Algorithm dotWeight = parseAlgorithm("arcus.conv.dotWeight", System.getProperty("arcus.conv.dotWeight", "auto"));

  /**
   * The measured rule ({@code auto}): dot products when the GEMM would have at most two NR-wide
   * column panels of im2col rows (ckk < 2·NR), where it rounds the columns up and packs more than
   * it multiplies. One thread, batch 256 (2026-11-28): LeNet's first convolution (ckk = 25)
   * 4.4–5.2 ms against 8.3–9.2 by the GEMM; the MNIST network's first (1 -> 64, 3x3, 28x28,
   * ckk = 9) 8.7–9.0 against 18.7–19.2; LeNet's second (ckk = 500) 20.6–21.1 against 16.9 by the
   * GEMM on the expanded image, which keeps it.
   */
  static boolean useDotWeight(Geom g) {
    if (!shiftable(g)) return false;
    return switch (dotWeight) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> g.ckk() < 2 * Gemm.NR;
    };
  }

  static void conv2dForward(float[] x, int n, int c, int h, int w, float[] wt, int oc, int kh, int kw,
                            int strideH, int strideW, int padH, int padW, int dilH, int dilW, float[] y) {
    conv2dForward(x, n, c, h, w, wt, oc, kh, kw, strideH, strideW, padH, padW, dilH, dilW, null, y);
  }

  /**
   * The forward convolution, plus {@code bias[o]} added to every cell of output channel o when
   * bias is not null. The GEMM paths add it image by image, right after an image's outputs are
   * written and while they are still in cache; a separate pass over the whole batch read and
   * wrote LeNet's first activation (11.8 MB at batch 256) once more from memory. Each cell gets
   * the one addition the separate pass made, so the bits are the same.
   */
  static void conv2dForward(float[] x, int n, int c, int h, int w, float[] wt, int oc, int kh, int kw,
                            int strideH, int strideW, int padH, int padW, int dilH, int dilW, float[] bias, float[] y) {
    Geom g = Geom.of(n, c, h, w, oc, kh, kw, strideH, strideW, padH, padW, dilH, dilW);
    checkBias(bias, oc);
    if (useWinograd(g, false)) {
      Winograd.forward(Winograd.DEFAULT, x, g, wt, false, bias, y, null);
      return;
    }
    int ohw = g.ohw(), ckk = g.ckk();
    // the filters are A of every image's GEMM: packed once, not once per image
    Gemm.PackedA pw = Gemm.packA(false, wt, 0, ckk, oc, ckk);
    if (shiftable(g) && expands(g)) {
      // the GEMM's B is the expanded image's shifted rows, exactly oh*ow columns: y written in place
      int group = imageGroup(g);
      if (group == 1) {
        Expanded ex = Expanded.of(g);
        forImages(g.n, ex.len(), 0, (img, xs, unused) -> {
          ex.fill(x, img * g.imageIn(), xs, 0);
          Gemm.sgemmPackedA(pw, false, ohw, xs, 0, 0, ex.rows(), y, img * g.imageOut(), ohw, false);
          addBias(y, img, oc, ohw, bias);
        });
        return;
      }
      // several images per GEMM (whole NR panels), C [oc x cols] then copied out per image and row
      Expanded ex = Expanded.of(g, group);
      int cols = ex.cols(), groups = (g.n + group - 1) / group;
      forImages(groups, ex.len(), oc * cols, (gi, xs, tmp) -> {
        int img0 = gi * group, gn = Math.min(group, g.n - img0);
        for (int i = 0; i < gn; i++) ex.fill(x, (img0 + i) * g.imageIn(), xs, 0, i);
        Gemm.sgemmPackedA(pw, false, cols, xs, 0, 0, ex.rows(), tmp, 0, cols, false);
        for (int i = 0; i < gn; i++) {
          ex.ungroup(tmp, 0, i, y, (img0 + i) * g.imageOut());
          addBias(y, img0 + i, oc, ohw, bias);
        }
      });
      return;
    }
    if (shiftable(g)) {
      Shifted sh = Shifted.of(g);
      int cols = sh.cols();
      forImages(g.n, sh.len(), oc * cols, (img, xp, tmp) -> {
        sh.pad(x, img * g.imageIn(), xp);
        Gemm.sgemmPackedA(pw, false, cols, xp, 0, 0, sh.rows(), tmp, 0, cols, false);
        int yOff = img * g.imageOut();
        for (int o = 0; o < oc; o++) {
          for (int oy = 0; oy < g.oh; oy++) System.arraycopy(tmp, o * cols + oy * sh.wp(), y, yOff + (o * g.oh + oy) * g.ow, g.ow);
        }
        addBias(y, img, oc, ohw, bias);
      });
      return;
    }
    forImages(g, (img, col) -> {
      float[] src = x;
      int off = img * g.imageIn();
      if (col != null) {
        im2col(g, x, off, col);
        src = col;
        off = 0;
      }
      Gemm.sgemmPackedA(pw, false, ohw, src, off, ohw, null, y, img * g.imageOut(), ohw, false);
      addBias(y, img, oc, ohw, bias);
    });
  }

  /** Image img's oc planes of y get bias[o] added; nothing when bias is null. */
  private static void addBias(float[] y, int img, int oc, int plane, float[] bias) {
    if (bias != null) NormKernels.addChannelBias(y, oc, plane, bias, img * oc, (img + 1) * oc);
  }

  static void conv2dBackwardInput(float[] gy, int n, int c, int h, int w, float[] wt, int oc, int kh, int kw,
                                  int strideH, int strideW, int padH, int padW, int dilH, int dilW, float[] gx) {
    Geom g = Geom.of(n, c, h, w, oc, kh, kw, strideH, strideW, padH, padW, dilH, dilW);
    if (Winograd.applicable(g)) {
      // the input gradient is the forward convolution of gy with the flipped filters, padding 2 - p
      Geom f = flipped(g);
      if (useWinograd(f, false)) {
        Winograd.forward(Winograd.DEFAULT, gy, f, wt, true, gx);
        return;
      }
    }
    if (flippable(g)) {
      backwardInputFlipped(g, gy, wt, gx);
    } else {
      backwardInputCol2im(g, gy, wt, gx);
    }
  }

  /**
   * Whether the input gradient can run as a forward convolution of gy with the flipped kernel:
   * stride 1, dilation 1, padding at most k-1 (so the flipped padding k-1-p is not negative),
   * not pointwise (that is a plain GEMM already), and enough input channels to fill the GEMM's
   * MR-row register tile (with c < MR most of every tile would be padding).
   */
  static boolean flippable(Geom g) {
    return flipShaped(g) && flipWaste(g) <= MAX_FLIP_WASTE;
  }

  static boolean flipShaped(Geom g) {
    return g.sH == 1 && g.sW == 1 && g.dH == 1 && g.dW == 1 && g.pH <= g.kh - 1 && g.pW <= g.kw - 1
        && !g.pointwise() && g.c >= Gemm.MR;
  }

  /**
   * Multiply-adds of the flipped-kernel GEMM over the col2im GEMM's: the flipped convolution
   * runs over gy padded by k-1-p on the padded width (h rows of ow + 2(kw-1-pW) columns), the
   * col2im GEMM over the oh*ow outputs only. With a large kernel on a small image most of the
   * flipped work multiplies padding: LeNet's second convolution (5x5, 12x12 -> 8x8) has 3.0, and
   * its input gradient took 36-38 ms per batch-256 step that way against 29.5 ms by col2im (one
   * thread). A 3x3 padding-1 convolution on 28x28 has 1.07.
   */
  static double flipWaste(Geom g) {
    return (double) g.h * (g.ow + 2 * (g.kw - 1 - g.pW)) / g.ohw();
  }

  static final double MAX_FLIP_WASTE = 1.5;

  /** The geometry of the input gradient as a forward convolution: gy [n, oc, oh, ow] in, c channels out, padding k-1-p. */
  static Geom flipped(Geom g) {
    return Geom.of(g.n, g.oc, g.oh, g.ow, g.c, g.kh, g.kw, 1, 1, g.kh - 1 - g.pH, g.kw - 1 - g.pW, 1, 1);
  }

  /**
   * dx = conv2d(gy, W') with W'[ci][o][kh-1-ki][kw-1-kj] = W[o][ci][ki][kj] and padding k-1-p:
   * one im2col + GEMM with depth oc*kh*kw per image, instead of a depth-oc GEMM into a
   * [c*kh*kw, oh*ow] column matrix followed by the col2im scatter-add (and zeroing dx first).
   */
  static void backwardInputFlipped(Geom g, float[] gy, float[] wt, float[] gx) {
    int c = g.c, oc = g.oc, kh = g.kh, kw = g.kw;
    float[] wf = new float[c * oc * kh * kw];
    for (int o = 0; o < oc; o++) {
      for (int ci = 0; ci < c; ci++) {
        for (int ki = 0; ki < kh; ki++) {
          int src = ((o * c + ci) * kh + ki) * kw, dst = ((ci * oc + o) * kh + (kh - 1 - ki)) * kw + kw - 1;
          for (int kj = 0; kj < kw; kj++) wf[dst - kj] = wt[src + kj];
        }
      }
    }
    conv2dForward(gy, g.n, oc, g.oh, g.ow, wf, c, kh, kw, 1, 1, kh - 1 - g.pH, kw - 1 - g.pW, 1, 1, gx);
  }

  static void backwardInputCol2im(Geom g, float[] gy, float[] wt, float[] gx) {
    int ohw = g.ohw(), ckk = g.ckk(), oc = g.oc;
    // Wᵀ is A of every image's GEMM: packed once (its transposing pack was a quarter of LeNet's input gradient)
    Gemm.PackedA pw = Gemm.packA(true, wt, 0, ckk, ckk, oc);
    if (shiftable(g)) {
      // col2im through the expanded layout: the rows of one (ci, kj) summed over ki as whole
      // oh*ow runs (aligned alike, so each add reads what the one before wrote at the same
      // address), then the expanded copy's adjoint adds kw row segments per input row. Straight
      // col2im added every one of the ckk*oh rows of ow cells at its own offset: on LeNet's second
      // layer 40% of the input gradient, against the GEMM's 54%.
      // Images go in groups (imageGroup): gy's rows interleaved as the expanded layout's columns, one GEMM per group.
      int group = imageGroup(g);
      Expanded ex = Expanded.of(g, group);
      int row = group * g.ow, plane = ex.hp() * row, cols = ex.cols(), groups = (g.n + group - 1) / group;
      forImages(groups, ckk * cols + (group > 1 ? oc * cols : 0), ex.len(), (gi, col, xe) -> {
        int img0 = gi * group, gn = Math.min(group, g.n - img0);
        if (group == 1) {
          Gemm.sgemmPackedA(pw, false, ohw, gy, img0 * g.imageOut(), ohw, null, col, 0, ohw, false);
        } else {
          int gyi = ckk * cols;
          for (int i = 0; i < gn; i++) ex.group(gy, (img0 + i) * g.imageOut(), col, gyi, i);
          Gemm.sgemmPackedA(pw, false, cols, col, gyi, cols, null, col, 0, cols, false);
        }
        Arrays.fill(xe, 0f);
        for (int ci = 0; ci < g.c; ci++) {
          for (int kj = 0; kj < g.kw; kj++) {
            int base = (ci * g.kw + kj) * plane;
            for (int ki = 0; ki < g.kh; ki++) addInto(col, ((ci * g.kh + ki) * g.kw + kj) * cols, xe, base + ki * g.dH * row, cols);
          }
        }
        for (int i = 0; i < gn; i++) {
          int gxOff = (img0 + i) * g.imageIn();
          Arrays.fill(gx, gxOff, gxOff + g.imageIn(), 0f);
          ex.addBack(xe, 0, gx, gxOff, i);
        }
      });
      return;
    }
    forImages(g, (img, col) -> {
      int gyOff = img * g.imageOut(), gxOff = img * g.imageIn();
      if (col == null) {
        Gemm.sgemmPackedA(pw, false, ohw, gy, gyOff, ohw, null, gx, gxOff, ohw, false);
      } else {
        Gemm.sgemmPackedA(pw, false, ohw, gy, gyOff, ohw, null, col, 0, ohw, false);
        Arrays.fill(gx, gxOff, gxOff + g.imageIn(), 0f);
        col2im(g, col, gx, gxOff);
      }
    });
  }

  /**
   * The weight gradient sums over images, so each thread accumulates its images into a private
   * buffer and the buffers are added into {@code gw} at the end (a short critical section).
   */
  private static void addInOrder(java.util.NavigableMap<Integer, float[]> partials, float[] gw, int len) {
    for (float[] part : partials.values())
      for (int i = 0; i < len; i++) gw[i] += part[i];
  }

  /** dst[j][i] (+)= src[i][j] for src [rows x cols]: a transposed weight-gradient partial into gw [cols x rows]. */
  private static void transposeInto(float[] src, int rows, int cols, float[] dst, boolean add) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        int d = j * rows + i;
        dst[d] = add ? dst[d] + src[i * cols + j] : src[i * cols + j];
      }
    }
  }

  static void conv2dBackwardWeight(float[] x, int n, int c, int h, int w, float[] gy, int oc, int kh, int kw,
                                   int strideH, int strideW, int padH, int padW, int dilH, int dilW, float[] gw) {
    Geom g = Geom.of(n, c, h, w, oc, kh, kw, strideH, strideW, padH, padW, dilH, dilW);
    if (useWinograd(g, true)) {
      if (channelsLastWeight(g)) WinogradCL.backwardWeight(x, g, gy, gw);
      else Winograd.backwardWeight(Winograd.DEFAULT, x, g, gy, gw);
      return;
    }
    if (useDotWeight(g)) {
      DotWeightGrad.backwardWeight(g, x, gy, gw);
      return;
    }
    int ohw = g.ohw(), ckk = g.ckk(), wLen = oc * ckk;
    Arrays.fill(gw, 0, wLen, 0f);
    // per-thread partial sums, added in the order of their image ranges once all are done, so the
    // result depends on the thread count only, never on which thread finished first
    java.util.concurrent.ConcurrentSkipListMap<Integer, float[]> partials = new java.util.concurrent.ConcurrentSkipListMap<>();
    if (shiftable(g) && expands(g)) {
      // gw = sum over images of gy * B^T, B the expanded image's shifted rows: depth oh*ow, gy as it lies
      Expanded ex = Expanded.of(g);
      // where Gemm's NT path applies, as gwᵀ = Σ col gyᵀ: the im2col rows are read in place and
      // only gy is packed (Gemm.sgemmRowsNT); the same sums, so gw gets the same bits
      boolean transposed = Gemm.ntApplies(ckk, g.oc, ohw);
      Parallel.forRange(g.n, 1, (from, to) -> {
        float[] partial = from == 0 && to == g.n && !transposed ? gw : new float[wLen];
        float[] xs = new float[ex.len()];
        for (int img = from; img < to; img++) {
          ex.fill(x, img * g.imageIn(), xs, 0);
          if (transposed) {
            Gemm.sgemmRowsNT(ckk, g.oc, ohw, xs, 0, ex.rows(), gy, img * g.imageOut(), ohw, partial, 0, g.oc, img > from);
          } else {
            Gemm.sgemmRows(false, true, g.oc, ckk, ohw, gy, img * g.imageOut(), ohw, xs, 0, ex.rows(), partial, 0, ckk, img > from);
          }
        }
        if (partial != gw) partials.put(from, partial);
      });
      if (!transposed) {
        addInOrder(partials, gw, wLen);
      } else if (partials.size() == 1) {
        // one range: gw is its product (assigned, as the untransposed product is written into gw)
        transposeInto(partials.firstEntry().getValue(), ckk, g.oc, gw, false);
      } else {
        for (float[] part : partials.values()) transposeInto(part, ckk, g.oc, gw, true);
      }
      return;
    }
    if (shiftable(g)) {
      // gw = sum over images of gy' * B^T, with gy' = gy spread to the padded width (zeros in the
      // garbage columns, written once: only the valid cells are ever copied in) and B the
      // shifted-row view of the padded image; depth oh*wp per image.
      Shifted sh = Shifted.of(g);
      int cols = sh.cols();
      Parallel.forRange(g.n, 1, (from, to) -> {
        float[] partial = from == 0 && to == g.n ? gw : new float[wLen];
        float[] xp = new float[sh.len()], gyp = new float[g.oc * cols];
        for (int img = from; img < to; img++) {
          sh.pad(x, img * g.imageIn(), xp);
          int gyOff = img * g.imageOut();
          for (int o = 0; o < g.oc; o++) {
            for (int oy = 0; oy < g.oh; oy++) System.arraycopy(gy, gyOff + (o * g.oh + oy) * g.ow, gyp, o * cols + oy * sh.wp(), g.ow);
          }
          Gemm.sgemmRows(false, true, g.oc, ckk, cols, gyp, 0, cols, xp, 0, sh.rows(), partial, 0, ckk, img > from);
        }
        if (partial != gw) partials.put(from, partial);
      });
      addInOrder(partials, gw, wLen);
      return;
    }
    if (g.n >= Parallel.threads()) {
      Parallel.forRange(g.n, 1, (from, to) -> {
        float[] partial = new float[wLen];
        float[] col = g.pointwise() ? null : new float[ckk * ohw];
        for (int img = from; img < to; img++) weightGradImage(g, x, gy, img, col, partial, img > from);
        partials.put(from, partial);
      });
      addInOrder(partials, gw, wLen);
    } else {
      float[] col = g.pointwise() ? null : new float[ckk * ohw];
      for (int img = 0; img < g.n; img++) weightGradImage(g, x, gy, img, col, gw, true);
    }
  }

  private static void weightGradImage(Geom g, float[] x, float[] gy, int img, float[] col, float[] acc, boolean accumulate) {
    int ohw = g.ohw(), ckk = g.ckk();
    float[] src = x;
    int off = img * g.imageIn();
    if (col != null) {
      im2col(g, x, off, col);
      src = col;
      off = 0;
    }
    Gemm.sgemm(false, true, g.oc, ckk, ohw, gy, img * g.imageOut(), ohw, src, off, ohw, acc, 0, ckk, accumulate);
  }

  /** Stride 1 (any padding and dilation), not pointwise: the im2col matrix is a shifted view. */
  static boolean shiftable(Geom g) {
    return g.sH == 1 && g.sW == 1 && !g.pointwise();
  }

  /**
   * A stride-1 convolution over a zero-padded copy xp [c, hp, wp] of the image, computed on the
   * padded width: output column j = oy*wp + ox for ox in [0, wp), of which the last wp - ow of
   * every row are garbage and dropped. Then the im2col row for (ci, ki, kj) is xp read from
   * ci*hp*wp + ki*dH*wp + kj*dW on, contiguously: the GEMM packs straight from xp (no im2col
   * buffer written out of cache and read back) at the price of (wp - ow)/ow extra columns
   * (7% at 28x28 with pad 1). The tail slack keeps the garbage columns of the last rows in range.
   */
  record Shifted(int hp, int wp, int len, int[] rows, Geom g) {
    static Shifted of(Geom g) {
      int hp = g.h + 2 * g.pH, wp = g.w + 2 * g.pW, plane = hp * wp;
      int[] rows = new int[g.ckk()];
      for (int ci = 0; ci < g.c; ci++) {
        for (int ki = 0; ki < g.kh; ki++) {
          for (int kj = 0; kj < g.kw; kj++) rows[(ci * g.kh + ki) * g.kw + kj] = ci * plane + ki * g.dH * wp + kj * g.dW;
        }
      }
      return new Shifted(hp, wp, g.c * plane + (g.kw - 1) * g.dW, rows, g);
    }

    /** GEMM columns: oh rows of the padded width. */
    int cols() {
      return g.oh * wp;
    }

    /** Copies the image's interior into xp; the border is never written, so it stays zero. */
    void pad(float[] x, int xOff, float[] xp) {
      for (int ci = 0; ci < g.c; ci++) {
        int dst = ci * hp * wp + g.pH * wp + g.pW, src = xOff + ci * g.h * g.w;
        for (int iy = 0; iy < g.h; iy++, dst += wp, src += g.w) System.arraycopy(x, src, xp, dst, g.w);
      }
    }
  }

  /**
   * Whether a stride-1 convolution reads its im2col rows from an {@link Expanded} copy rather than
   * the {@link Shifted} one: when the shifted view's garbage columns, (wp - ow)/ow of the GEMM,
   * are more than an eighth. LeNet's second convolution (5x5, 12 -> 8) computes 12 columns per
   * row for 8 that way; a 3x3 padding-1 convolution on 28x28 30 for 28, where expanding (3x the
   * copy) is not worth 7%.
   */
  static boolean expands(Geom g) {
    int wp = g.w + 2 * g.pW;
    return 8 * wp > 9 * g.ow;
  }

  /**
   * A stride-1 convolution's im2col matrix as row offsets into a copy of the image expanded by
   * kernel column: xs[ci][kj][iy][ox] = xp[ci][iy][ox + kj*dW] with xp the zero-padded image
   * (hp = h + 2pH rows, ow columns). The im2col row for (ci, ki, kj) is then xs read from
   * ((ci*kw + kj)*hp + ki*dH)*ow on, contiguously for oh*ow cells, with no garbage columns: the
   * copy is kw times the image, against the {@link Shifted} view's (wp - ow)/ow extra GEMM
   * columns. The GEMM's sums are the same terms in the same order either way.
   */
  record Expanded(int hp, int group, int len, int[] rows, Geom g) {
    static Expanded of(Geom g) {
      return of(g, 1);
    }

    /**
     * The expanded copies of {@code group} images interleaved row by row,
     * xs[ci][kj][iy][image][ox]: the im2col row for (ci, ki, kj) is then one run of
     * oh*group*ow cells, column (oy*group + image)*ow + ox, so one GEMM covers the group.
     */
    static Expanded of(Geom g, int group) {
      int hp = g.h + 2 * g.pH, row = group * g.ow, plane = hp * row;
      int[] rows = new int[g.ckk()];
      for (int ci = 0; ci < g.c; ci++) {
        for (int ki = 0; ki < g.kh; ki++) {
          for (int kj = 0; kj < g.kw; kj++) rows[(ci * g.kh + ki) * g.kw + kj] = (ci * g.kw + kj) * plane + ki * g.dH * row;
        }
      }
      return new Expanded(hp, group, g.c * g.kw * plane, rows, g);
    }

    /** GEMM columns of a group: oh rows of group*ow cells. */
    int cols() {
      return g.oh * group * g.ow;
    }

    /** An image's output-shaped planes [oc, oh, ow] at {@code off} into the group's columns as image {@code slot}: dst[o][(oy*group + slot)*ow + ox]. */
    void group(float[] src, int off, float[] dst, int dstOff, int slot) {
      int cols = cols();
      for (int o = 0; o < g.oc; o++) {
        for (int oy = 0; oy < g.oh; oy++) copy(src, off + (o * g.oh + oy) * g.ow, dst, dstOff + o * cols + (oy * group + slot) * g.ow, g.ow);
      }
    }

    /** The inverse of {@link #group}: image {@code slot}'s columns of src back to planes [oc, oh, ow] at {@code off}. */
    void ungroup(float[] src, int srcOff, int slot, float[] dst, int off) {
      int cols = cols();
      for (int o = 0; o < g.oc; o++) {
        for (int oy = 0; oy < g.oh; oy++) copy(src, srcOff + o * cols + (oy * group + slot) * g.ow, dst, off + (o * g.oh + oy) * g.ow, g.ow);
      }
    }

    /**
     * Writes the expanded copy of the image at {@code xOff} into xs from {@code xsOff} on, as image
     * {@code slot} of the group. Each run of ow cells is one vector (or a few) loaded from x under
     * the mask of the cells inside the image row and stored under the run's mask: the cells
     * outside are +0, as the element-wise copy and fills wrote them. Per run, two calls of the fill
     * stub and a scalar loop of 7 or 14 cells took ~40% of the weight gradient at 14² and 7²
     * (one thread, batch 50).
     */
    void fill(float[] x, int xOff, float[] xs, int xsOff, int slot) {
      if (VECTOR_FILL) {
        fillVectors(x, xOff, xs, xsOff, slot);
        return;
      }
      int ow = g.ow, row = group * ow;
      for (int ci = 0; ci < g.c; ci++) {
        for (int kj = 0; kj < g.kw; kj++) {
          int sx = kj * g.dW - g.pW;
          int lo = Math.min(ow, Math.max(0, -sx)), hi = Math.max(lo, Math.min(ow, g.w - sx));
          int dst = xsOff + (ci * g.kw + kj) * hp * row + slot * ow;
          for (int iy = 0; iy < hp; iy++, dst += row) {
            int sy = iy - g.pH;
            if (sy < 0 || sy >= g.h) {
              Arrays.fill(xs, dst, dst + ow, 0f);
              continue;
            }
            if (lo > 0) Arrays.fill(xs, dst, dst + lo, 0f);
            copy(x, xOff + (ci * g.h + sy) * g.w + sx + lo, xs, dst + lo, hi - lo);
            if (hi < ow) Arrays.fill(xs, dst + hi, dst + ow, 0f);
          }
        }
      }
    }

    void fill(float[] x, int xOff, float[] xs, int xsOff) {
      fill(x, xOff, xs, xsOff, 0);
    }

    private void fillVectors(float[] x, int xOff, float[] xs, int xsOff, int slot) {
      int ow = g.ow, row = group * ow, w = g.w, h = g.h, pH = g.pH;
      jdk.incubator.vector.FloatVector zero = jdk.incubator.vector.FloatVector.zero(FS);
      for (int kj = 0; kj < g.kw; kj++) {
        int sx = kj * g.dW - g.pW;
        int lo = Math.min(ow, Math.max(0, -sx)), hi = Math.max(lo, Math.min(ow, w - sx));
        for (int q = 0; q < ow; q += L) {
          // lanes of run cells q.. inside the image row (taken from x) and inside the run (stored)
          jdk.incubator.vector.VectorMask<Float> take = FS.indexInRange(q, hi).andNot(FS.indexInRange(q, lo));
          jdk.incubator.vector.VectorMask<Float> put = FS.indexInRange(q, ow);
          for (int ci = 0; ci < g.c; ci++) {
            // padded row iy reads image row iy − pH, from column sx on
            int src = xOff + (ci * h - pH) * w + sx + q, dst = xsOff + (ci * g.kw + kj) * hp * row + slot * ow + q;
            for (int iy = 0; iy < hp; iy++, src += w, dst += row) {
              int sy = iy - pH;
              jdk.incubator.vector.FloatVector v = sy < 0 || sy >= h ? zero : jdk.incubator.vector.FloatVector.fromArray(FS, x, src, take);
              v.intoArray(xs, dst, put);
            }
          }
        }
      }
    }

    /** The adjoint of {@link #fill}: adds every cell of image {@code slot}'s copy that {@code fill} took from x back into gx. */
    void addBack(float[] xs, int xsOff, float[] gx, int gxOff, int slot) {
      int ow = g.ow, row = group * ow;
      for (int ci = 0; ci < g.c; ci++) {
        for (int kj = 0; kj < g.kw; kj++) {
          int sx = kj * g.dW - g.pW;
          int lo = Math.min(ow, Math.max(0, -sx)), hi = Math.max(lo, Math.min(ow, g.w - sx));
          if (hi == lo) continue;
          int src = xsOff + (ci * g.kw + kj) * hp * row + g.pH * row + slot * ow + lo;
          int dst = gxOff + ci * g.h * g.w + sx + lo;
          for (int sy = 0; sy < g.h; sy++, src += row, dst += g.w) addInto(xs, src, gx, dst, hi - lo);
        }
      }
    }
  }

  /**
   * Images per GEMM on the expanded layout: the group of 1–4 whose oh*ow*group columns fill
   * NR-wide panels best (the smallest on a tie). LeNet's second layer has 64 columns an image,
   * three 24-wide panels for 64 (72 computed); three images are 192, eight whole panels.
   */
  static int imageGroup(Geom g) {
    int best = 1;
    double bestWaste = Double.MAX_VALUE;
    for (int k = 1; k <= Math.min(4, g.n); k++) {
      int cols = k * g.ohw();
      double waste = (double) ((cols + Gemm.NR - 1) / Gemm.NR * Gemm.NR) / cols;
      if (waste < bestWaste - 1e-9) {
        best = k;
        bestWaste = waste;
      }
    }
    return best;
  }

  @FunctionalInterface
  private interface ScratchBody {
    void run(int img, float[] s1, float[] s2);
  }

  /** Images split over threads (or one by one with a parallel GEMM), two zeroed scratch buffers per thread. */
  private static void forImages(int n, int len1, int len2, ScratchBody body) {
    if (n >= Parallel.threads()) {
      Parallel.forRange(n, 1, (from, to) -> {
        float[] s1 = new float[len1], s2 = new float[len2];
        for (int img = from; img < to; img++) body.run(img, s1, s2);
      });
    } else {
      float[] s1 = new float[len1], s2 = new float[len2];
      for (int img = 0; img < n; img++) body.run(img, s1, s2);
    }
  }

  /**
   * col[(ci*kh + ki)*kw + kj][oy*ow + ox] = x[ci][oy*sH - pH + ki*dH][ox*sW - pW + kj*dW], zero
   * outside the image. The valid ox range of each row is computed up front so the inner copy is
   * branch-free (an arraycopy at stride 1).
   */
  private static void im2col(Geom g, float[] x, int xOff, float[] col) {
    int ohw = g.ohw();
    for (int ci = 0; ci < g.c; ci++) {
      for (int ki = 0; ki < g.kh; ki++) {
        for (int kj = 0; kj < g.kw; kj++) {
          int row = ((ci * g.kh + ki) * g.kw + kj) * ohw;
          int t = g.pW - kj * g.dW;
          int lo = Math.min(g.ow, t <= 0 ? 0 : (t + g.sW - 1) / g.sW);
          int hi = Math.max(lo, Math.min(g.ow, g.w + t <= 0 ? 0 : (g.w + t + g.sW - 1) / g.sW));
          for (int oy = 0; oy < g.oh; oy++) {
            int dst = row + oy * g.ow;
            int iy = oy * g.sH - g.pH + ki * g.dH;
            if (iy < 0 || iy >= g.h) {
              Arrays.fill(col, dst, dst + g.ow, 0f);
              continue;
            }
            int src = xOff + (ci * g.h + iy) * g.w - t;
            Arrays.fill(col, dst, dst + lo, 0f);
            if (g.sW == 1) {
              // Guarded: with padding wider than the output, lo = ow < t and src + lo < 0.
              if (hi > lo) System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
            } else {
              for (int ox = lo; ox < hi; ox++) col[dst + ox] = x[src + ox * g.sW];
            }
            Arrays.fill(col, dst + hi, dst + g.ow, 0f);
          }
        }
      }
    }
  }

  private static final jdk.incubator.vector.VectorSpecies<Float> FS = Species.FLOAT;
  private static final int L = FS.length();

  /**
   * Whether {@link Expanded#fill} writes its runs as masked vectors: on by default,
   * {@code -Darcus.conv.vectorFill=false} turns it off (for measurements; the bits are the same).
   * Not final so that a test can compare both ways in one JVM.
   */
  static boolean VECTOR_FILL = !"false".equals(System.getProperty("arcus.conv.vectorFill"));
  /**
   * Eight lanes for the last eight or more cells of a run when {@link #FS} is wider (AVX-512):
   * LeNet's second convolution moves rows of 8 cells (and its first rows of 24), which with
   * 16-lane vectors fell wholly or partly to the scalar tail. Null when FS has eight lanes or fewer.
   */
  private static final jdk.incubator.vector.VectorSpecies<Float> HALF = FS.length() > 8 ? jdk.incubator.vector.FloatVector.SPECIES_256 : null;

  /**
   * dst[d..d+len) += src[s..s+len), in vectors then the tail: one addition per element, as in the
   * scalar loop. Written out rather than through {@code SimdLoops.binary}: col2im calls it once
   * per output row (often a single vector), and that entry's stride check and op switch per call
   * cost LeNet's one-thread training 5% (2601–2702 against 2821–2835 images/s, interleaved).
   */
  private static void addInto(float[] src, int s, float[] dst, int d, int len) {
    int i = 0, step = FS.length();
    for (; i <= len - step; i += step) {
      jdk.incubator.vector.FloatVector.fromArray(FS, dst, d + i).add(jdk.incubator.vector.FloatVector.fromArray(FS, src, s + i)).intoArray(dst, d + i);
    }
    if (HALF != null && len - i >= 8) {
      jdk.incubator.vector.FloatVector.fromArray(HALF, dst, d + i).add(jdk.incubator.vector.FloatVector.fromArray(HALF, src, s + i)).intoArray(dst, d + i);
      i += 8;
    }
    for (; i < len; i++) dst[d + i] += src[s + i];
  }

  /**
   * dst[d..d+len) = src[s..s+len) in vectors then the tail: the expanded copy moves rows of ow
   * cells (8 for LeNet's second layer), where {@code System.arraycopy}'s call cost 5% of LeNet's
   * training step.
   */
  private static void copy(float[] src, int s, float[] dst, int d, int len) {
    int i = 0, step = FS.length();
    for (; i <= len - step; i += step) jdk.incubator.vector.FloatVector.fromArray(FS, src, s + i).intoArray(dst, d + i);
    if (HALF != null && len - i >= 8) {
      jdk.incubator.vector.FloatVector.fromArray(HALF, src, s + i).intoArray(dst, d + i);
      i += 8;
    }
    for (; i < len; i++) dst[d + i] = src[s + i];
  }

  /**
   * The adjoint of {@link #im2col}: scatters-adds every column cell back to its input pixel.
   * Kernel columns outside kernel rows: consecutive adds then go to rows at the same column
   * offset, and the load of each reads what an earlier store wrote at the same address. In
   * (ki, kj) order each add overlapped the previous one shifted by one float, a store-to-load
   * forward that fails and stalls; LeNet's second layer spent 5% of its training step here.
   */
  private static void col2im(Geom g, float[] col, float[] gx, int gxOff) {
    int ohw = g.ohw();
    for (int ci = 0; ci < g.c; ci++) {
      for (int kj = 0; kj < g.kw; kj++) {
        for (int ki = 0; ki < g.kh; ki++) {
          int row = ((ci * g.kh + ki) * g.kw + kj) * ohw;
          int t = g.pW - kj * g.dW;
          int lo = Math.min(g.ow, t <= 0 ? 0 : (t + g.sW - 1) / g.sW);
          int hi = Math.max(lo, Math.min(g.ow, g.w + t <= 0 ? 0 : (g.w + t + g.sW - 1) / g.sW));
          for (int oy = 0; oy < g.oh; oy++) {
            int iy = oy * g.sH - g.pH + ki * g.dH;
            if (iy < 0 || iy >= g.h) continue;
            int src = row + oy * g.ow;
            int dst = gxOff + (ci * g.h + iy) * g.w - t;
            if (g.sW == 1) {
              addInto(col, src + lo, gx, dst + lo, hi - lo);
            } else {
              for (int ox = lo; ox < hi; ox++) gx[dst + ox * g.sW] += col[src + ox];
            }
          }
        }
      }
    }
  }

  // ---- double precision: direct loops ----

  static void conv2dForward(double[] x, int n, int c, int h, int w, double[] wt, int oc, int kh, int kw,
                            int strideH, int strideW, int padH, int padW, int dilH, int dilW, double[] y) {
    Geom g = Geom.of(n, c, h, w, oc, kh, kw, strideH, strideW, padH, padW, dilH, dilW);
    Parallel.forRange(n * oc, 1, (from, to) -> {
      for (int no = from; no < to; no++) {
        int img = no / oc, o = no % oc;
        int yOff = no * g.ohw();
        for (int oy = 0; oy < g.oh; oy++) {
          for (int ox = 0; ox < g.ow; ox++) {
            double s = 0;
            for (int ci = 0; ci < c; ci++) {
              for (int ki = 0; ki < kh; ki++) {
                int iy = oy * strideH - padH + ki * dilH;
                if (iy < 0 || iy >= h) continue;
                for (int kj = 0; kj < kw; kj++) {
                  int ix = ox * strideW - padW + kj * dilW;
                  if (ix < 0 || ix >= w) continue;
                  s += x[((img * c + ci) * h + iy) * w + ix] * wt[((o * c + ci) * kh + ki) * kw + kj];
                }
              }
            }
            y[yOff + oy * g.ow + ox] = s;
          }
        }
      }
    });
  }

  static void conv2dBackwardInput(double[] gy, int n, int c, int h, int w, double[] wt, int oc, int kh, int kw,
                                  int strideH, int strideW, int padH, int padW, int dilH, int dilW, double[] gx) {
    Geom g = Geom.of(n, c, h, w, oc, kh, kw, strideH, strideW, padH, padW, dilH, dilW);
    Parallel.forRange(n, 1, (from, to) -> {
      for (int img = from; img < to; img++) {
        Arrays.fill(gx, img * g.imageIn(), (img + 1) * g.imageIn(), 0d);
        for (int o = 0; o < oc; o++) {
          for (int oy = 0; oy < g.oh; oy++) {
            for (int ox = 0; ox < g.ow; ox++) {
              double d = gy[((img * oc + o) * g.oh + oy) * g.ow + ox];
              for (int ci = 0; ci < c; ci++) {
                for (int ki = 0; ki < kh; ki++) {
                  int iy = oy * strideH - padH + ki * dilH;
                  if (iy < 0 || iy >= h) continue;
                  for (int kj = 0; kj < kw; kj++) {
                    int ix = ox * strideW - padW + kj * dilW;
                    if (ix < 0 || ix >= w) continue;
                    gx[((img * c + ci) * h + iy) * w + ix] += d * wt[((o * c + ci) * kh + ki) * kw + kj];
                  }
                }
              }
            }
          }
        }
      }
    });
  }

  /** Parallel over output channels: each owns a disjoint slice of {@code gw}, so no reduction. */
  static void conv2dBackwardWeight(double[] x, int n, int c, int h, int w, double[] gy, int oc, int kh, int kw,
                                   int strideH, int strideW, int padH, int padW, int dilH, int dilW, double[] gw) {
    Geom g = Geom.of(n, c, h, w, oc, kh, kw, strideH, strideW, padH, padW, dilH, dilW);
    Parallel.forRange(oc, 1, (from, to) -> {
      for (int o = from; o < to; o++) {
        for (int ci = 0; ci < c; ci++) {
          for (int ki = 0; ki < kh; ki++) {
            for (int kj = 0; kj < kw; kj++) {
              double s = 0;
              for (int img = 0; img < n; img++) {
                for (int oy = 0; oy < g.oh; oy++) {
                  int iy = oy * strideH - padH + ki * dilH;
                  if (iy < 0 || iy >= h) continue;
                  for (int ox = 0; ox < g.ow; ox++) {
                    int ix = ox * strideW - padW + kj * dilW;
                    if (ix < 0 || ix >= w) continue;
                    s += gy[((img * oc + o) * g.oh + oy) * g.ow + ox] * x[((img * c + ci) * h + iy) * w + ix];
                  }
                }
              }
              gw[((o * c + ci) * kh + ki) * kw + kj] = s;
            }
          }
        }
      }
    });
  }
}
