package arcus.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Every GEMM path against a scalar triple loop, on sizes that hit every tile and vector tail. */
class GemmProperties {
  /** Which implementation a property exercises; the public entry picks one by size. */
  enum Path { DISPATCH, PACKED, SMALL }

  @Property(tries = 60)
  void sgemmMatchesReference(@ForAll @IntRange(min = 1, max = 50) int m, @ForAll @IntRange(min = 1, max = 50) int n,
                             @ForAll @IntRange(min = 0, max = 50) int k, @ForAll boolean transA, @ForAll boolean transB,
                             @ForAll boolean accumulate, @ForAll Path path, @ForAll long seed) {
    checkFloat(path, transA, transB, m, n, k, accumulate, seed);
  }

  @Property(tries = 8)
  void sgemmLargeOddShapes(@ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate, @ForAll long seed) {
    checkFloat(Path.DISPATCH, transA, transB, 67, 131, 257, accumulate, seed);
    checkFloat(Path.PACKED, transA, transB, 151, 37, 300, accumulate, seed);
  }

  @Property(tries = 60)
  void dgemmMatchesReference(@ForAll @IntRange(min = 1, max = 40) int m, @ForAll @IntRange(min = 1, max = 40) int n,
                             @ForAll @IntRange(min = 0, max = 40) int k, @ForAll boolean transA, @ForAll boolean transB,
                             @ForAll boolean accumulate, @ForAll long seed) {
    Random r = new Random(seed);
    Layout g = Layout.random(r, transA, transB, m, n, k);
    double[] a = randomD(r, g.aLen()), b = randomD(r, g.bLen()), c = randomD(r, g.cLen());
    double[] want = c.clone();
    refD(g, a, b, want, accumulate);
    Gemm.dgemm(transA, transB, m, n, k, a, g.aOff, g.lda, b, g.bOff, g.ldb, c, g.cOff, g.ldc, accumulate);
    for (int i = 0; i < c.length; i++) {
      assertEquals(want[i], c[i], 1e-12 * Math.max(1, Math.abs(want[i])) * Math.max(1, k), "index " + i);
    }
  }

  /** A prepacked A gives the packing GEMM's bits, with row and column splits over 1 to 3 threads and KC-deep blocks. */
  @Property(tries = 40)
  void prepackedAIsThePackingGemmBitForBit(@ForAll @IntRange(min = 1, max = 120) int m, @ForAll @IntRange(min = 1, max = 300) int n,
                                          @ForAll @IntRange(min = 1, max = 600) int k, @ForAll boolean transA, @ForAll boolean transB,
                                          @ForAll boolean accumulate, @ForAll @IntRange(min = 1, max = 3) int threads, @ForAll long seed) {
    Random r = new Random(seed);
    int lda = transA ? m + r.nextInt(3) : k + r.nextInt(3), ldb = transB ? k + r.nextInt(3) : n + r.nextInt(3), ldc = n + r.nextInt(3);
    int aOff = r.nextInt(5), bOff = r.nextInt(5);
    float[] a = randomF(r, aOff + (transA ? k : m) * lda), b = randomF(r, bOff + (transB ? n : k) * ldb), c0 = randomF(r, m * ldc);
    float[] want = c0.clone(), got = c0.clone();
    Parallel.executor(threads).run(() -> {
      Gemm.sgemmPacked(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, want, 0, ldc, accumulate);
      Gemm.PackedA pa = Gemm.packA(transA, a, aOff, lda, m, k);
      Gemm.sgemmPackedA(pa, transB, n, b, bOff, ldb, null, got, 0, ldc, accumulate);
    });
    assertArrayEquals(want, got);
  }

  /**
   * A ragged last panel of at most two vectors' columns gives the same bits through the narrow
   * 6-row kernels as through the full tile, for every column count modulo NR, short and long
   * depths (KC-deep blocks accumulating), 6-row blocks split by MC, and either layout of B.
   */
  @Property(tries = 40)
  void narrowPanelsAreTheFullTileBitForBit(@ForAll @IntRange(min = 1, max = 110) int m, @ForAll @IntRange(min = 1, max = 200) int n,
                                          @ForAll @IntRange(min = 1, max = 300) int k, @ForAll boolean transA, @ForAll boolean transB,
                                          @ForAll boolean accumulate, @ForAll long seed) {
    Random r = new Random(seed);
    Layout g = Layout.random(r, transA, transB, m, n, k);
    float[] a = randomF(r, g.aLen()), b = randomF(r, g.bLen()), c = randomF(r, g.cLen());
    float[] want = c.clone(), got = c.clone();
    boolean was = Gemm.NARROW;
    try {
      Gemm.NARROW = false;
      Gemm.sgemmPacked(transA, transB, m, n, k, a, g.aOff, g.lda, b, g.bOff, g.ldb, want, g.cOff, g.ldc, accumulate);
      Gemm.NARROW = true;
      Gemm.sgemmPacked(transA, transB, m, n, k, a, g.aOff, g.lda, b, g.bOff, g.ldb, got, g.cOff, g.ldc, accumulate);
    } finally {
      Gemm.NARROW = was;
    }
    for (int i = 0; i < c.length; i++) {
      assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "index " + i + " of " + g);
    }
    // B read in place (at most one panel deep): the first n columns, narrow or not
    int kd = Math.min(k, Gemm.KC), nr = (n + Gemm.NR - 1) / Gemm.NR * Gemm.NR;
    float[] ad = randomF(r, m * kd), bd = randomF(r, kd * nr), cd = new float[m * nr], cw = new float[m * nr];
    Gemm.PackedA pa = Gemm.packA(false, ad, 0, kd, m, kd);
    try {
      Gemm.NARROW = false;
      Gemm.sgemmDirectB(pa, n, bd, 0, nr, cw, 0, nr);
      Gemm.NARROW = true;
      Gemm.sgemmDirectB(pa, n, bd, 0, nr, cd, 0, nr);
    } finally {
      Gemm.NARROW = was;
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(Float.floatToRawIntBits(cw[i * nr + j]), Float.floatToRawIntBits(cd[i * nr + j]), "direct B, C[" + i + "][" + j + "]");
      }
    }
  }

  /**
   * B read in place (Winograd's GEMMs) gives the packing GEMM's bits on the first n columns, for any
   * depth up to one panel, a packed A at an offset inside a shared buffer, and B and C rows with
   * room to the next whole panel; the cells of C past the rows' panels are not touched.
   */
  @Property(tries = 40)
  void directBIsThePackingGemmBitForBit(@ForAll @IntRange(min = 1, max = 70) int m, @ForAll @IntRange(min = 1, max = 130) int n,
                                       @ForAll @IntRange(min = 0, max = 300) int kDraw, @ForAll @IntRange(min = 0, max = 9) int slack,
                                       @ForAll long seed) {
    int k = Math.min(kDraw, Gemm.KC);
    Random r = new Random(seed);
    int nr = (n + Gemm.NR - 1) / Gemm.NR * Gemm.NR;
    int ldb = nr + slack, ldc = nr + slack, bOff = r.nextInt(5), cOff = r.nextInt(5), base = r.nextInt(7);
    float[] a = randomF(r, m * k), b = randomF(r, bOff + Math.max(k, 1) * ldb), c = randomF(r, cOff + m * ldc);
    float[] want = c.clone();
    Gemm.sgemmPacked(false, false, m, n, k, a, 0, k, b, bOff, ldb, want, cOff, ldc, false);
    float[] buffer = randomF(r, base + Gemm.PackedA.length(m, k) + 3);
    Gemm.PackedA pa = Gemm.packAInto(false, a, 0, k, m, k, buffer, base);
    float[] got = c.clone();
    Gemm.sgemmDirectB(pa, n, b, bOff, ldb, got, cOff, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int at = cOff + i * ldc + j;
        assertEquals(Float.floatToRawIntBits(want[at]), Float.floatToRawIntBits(got[at]), "C[" + i + "][" + j + "]");
      }
      for (int j = nr; j < ldc; j++) assertEquals(c[cOff + i * ldc + j], got[cOff + i * ldc + j], "C[" + i + "][" + j + "] is past the panels");
    }
  }

  /**
   * The A·Bᵀ path of the Winograd weight gradient ({@link Gemm#sgemmNT}: A broadcast in place, B
   * packed 4 vectors wide) gives sgemm's bits, for column counts that are whole 4-vector panels
   * (half the tries) or not, any row count (4-row tiles and single rows), depths across KC-deep
   * blocks, padded rows and offsets, overwriting or accumulating; C's cells outside the product
   * are not touched.
   */
  @Property(tries = 60)
  void ntPathIsTheTransposedGemmBitForBit(@ForAll @IntRange(min = 1, max = 70) int m, @ForAll @IntRange(min = 1, max = 3) int panels,
                                          @ForAll boolean wholePanels, @ForAll @IntRange(min = 1, max = 140) int nDraw,
                                          @ForAll @IntRange(min = 1, max = 300) int k, @ForAll boolean accumulate, @ForAll long seed) {
    int n = wholePanels ? panels * Gemm.NT_W : nDraw;
    Random r = new Random(seed);
    Layout g = Layout.random(r, false, true, m, n, k);
    float[] a = randomF(r, g.aLen()), b = randomF(r, g.bLen()), c = randomF(r, g.cLen());
    float[] want = c.clone(), got = c.clone();
    boolean was = Gemm.NT;
    try {
      Gemm.NT = false;
      Gemm.sgemmNT(m, n, k, a, g.aOff, g.lda, b, g.bOff, g.ldb, want, g.cOff, g.ldc, accumulate);
      Gemm.NT = true;
      Gemm.sgemmNT(m, n, k, a, g.aOff, g.lda, b, g.bOff, g.ldb, got, g.cOff, g.ldc, accumulate);
    } finally {
      Gemm.NT = was;
    }
    float[] direct = c.clone();
    Gemm.sgemm(false, true, m, n, k, a, g.aOff, g.lda, b, g.bOff, g.ldb, direct, g.cOff, g.ldc, accumulate);
    for (int i = 0; i < c.length; i++) {
      assertEquals(Float.floatToRawIntBits(direct[i]), Float.floatToRawIntBits(want[i]), "NT off is sgemm, index " + i + " of " + g);
      assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "index " + i + " of " + g);
    }
  }

  /** A depth of at least {@code kDraw} that makes m × n × k large enough for the NT path ({@link Gemm#ntShape}). */
  private static int ntDepth(int m, int n, int kDraw) {
    return Math.max(kDraw, (int) (Gemm.SMALL / ((long) m * n)) + 1);
  }

  /**
   * B packed ahead ({@link Gemm#packNT}, every KC-deep block and 4-vector panel at once, at an
   * offset into a larger array) and multiplied where it lies ({@link Gemm#sgemmNTPacked}) gives
   * {@link Gemm#sgemmNT}'s bits, across KC-deep blocks, overwriting or accumulating; packing
   * writes exactly k·n floats, and the packed product refuses a shape sgemmNT would not take.
   */
  @Property(tries = 40)
  void prePackedNtIsSgemmNtBitForBit(@ForAll @IntRange(min = 1, max = 70) int m, @ForAll @IntRange(min = 1, max = 2) int panels,
                                     @ForAll @IntRange(min = 1, max = 300) int kDraw, @ForAll boolean accumulate, @ForAll long seed) {
    int n = panels * Gemm.NT_W, k = ntDepth(m, n, kDraw);
    Random r = new Random(seed);
    Layout g = Layout.random(r, false, true, m, n, k);
    float[] a = randomF(r, g.aLen()), b = randomF(r, g.bLen()), c = randomF(r, g.cLen());
    int pOff = r.nextInt(5);
    float[] packed = new float[pOff + k * n + 3];
    java.util.Arrays.fill(packed, Float.NaN);
    Gemm.packNT(n, k, b, g.bOff, g.ldb, packed, pOff);
    for (int i = 0; i < packed.length; i++) {
      boolean inside = i >= pOff && i < pOff + k * n;
      assertEquals(inside, !Float.isNaN(packed[i]), "packed cell " + i + " (" + k + " x " + n + " from " + pOff + ")");
    }
    float[] want = c.clone(), got = c.clone();
    Gemm.sgemmNT(m, n, k, a, g.aOff, g.lda, b, g.bOff, g.ldb, want, g.cOff, g.ldc, accumulate);
    Gemm.sgemmNTPacked(m, n, k, a, g.aOff, g.lda, packed, pOff, got, g.cOff, g.ldc, accumulate);
    for (int i = 0; i < c.length; i++) assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "index " + i + " of " + g);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemmNTPacked(m, n + 1, k, a, g.aOff, g.lda, packed, pOff, got, g.cOff, g.ldc, accumulate));
  }

  /**
   * A's rows at arbitrary (overlapping) offsets ({@link Gemm#sgemmRowsNT}, the transposed im2col
   * weight gradient) give, transposed, the bits of {@link Gemm#sgemmRows} computing Bᵀ's product
   * the other way round (B · Aᵀ with A as the row-offset operand), across KC-deep blocks.
   */
  @Property(tries = 40)
  void rowsNtIsTheTransposedRowsGemmBitForBit(@ForAll @IntRange(min = 1, max = 90) int m, @ForAll @IntRange(min = 1, max = 2) int panels,
                                             @ForAll @IntRange(min = 1, max = 300) int kDraw, @ForAll boolean accumulate, @ForAll long seed) {
    int n = panels * Gemm.NT_W, k = ntDepth(m, n, kDraw);
    Random r = new Random(seed);
    int ldb = k + r.nextInt(3), bOff = r.nextInt(4), aOff = r.nextInt(4);
    float[] a = randomF(r, aOff + m * k + 7 * k), b = randomF(r, bOff + n * ldb);
    int[] aRows = new int[m];
    for (int i = 0; i < m; i++) aRows[i] = r.nextInt(a.length - aOff - k + 1);
    float[] c = randomF(r, m * n), ct = new float[n * m];
    for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) ct[j * m + i] = c[i * n + j];
    Gemm.sgemmRowsNT(m, n, k, a, aOff, aRows, b, bOff, ldb, c, 0, n, accumulate);
    Gemm.sgemmRows(false, true, n, m, k, b, bOff, ldb, a, aOff, aRows, ct, 0, m, accumulate);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(Float.floatToRawIntBits(ct[j * m + i]), Float.floatToRawIntBits(c[i * n + j]), "C[" + i + "][" + j + "], m " + m + " n " + n + " k " + k);
      }
    }
  }

  @Test
  void directBRejectsADepthOverOnePanel() {
    Gemm.PackedA pa = Gemm.packA(false, new float[3 * (Gemm.KC + 1)], 0, Gemm.KC + 1, 3, Gemm.KC + 1);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemmDirectB(pa, 4, new float[Gemm.NR * (Gemm.KC + 1)], 0, Gemm.NR, new float[3 * Gemm.NR], 0, Gemm.NR));
    assertTrue(e.getMessage().contains("depth"), e.getMessage());
  }

  @Test
  void multiThreadedSplitsAgreeWithSerial() {
    for (int threads : new int[] {1, 3}) {
      Parallel.executor(threads).run(() -> {
        assertEquals(threads, Parallel.threads());
        checkFloat(Path.PACKED, false, false, 203, 45, 70, false, 1);
        checkFloat(Path.PACKED, true, true, 20, 301, 70, true, 2);
      });
    }
  }

  private static void checkFloat(Path path, boolean transA, boolean transB, int m, int n, int k, boolean accumulate, long seed) {
    Random r = new Random(seed);
    Layout g = Layout.random(r, transA, transB, m, n, k);
    float[] a = randomF(r, g.aLen()), b = randomF(r, g.bLen()), c = randomF(r, g.cLen());
    double[] want = new double[c.length];
    for (int i = 0; i < c.length; i++) want[i] = c[i];
    refD(g, toD(a), toD(b), want, accumulate);
    switch (path) {
      case DISPATCH -> Gemm.sgemm(transA, transB, m, n, k, a, g.aOff, g.lda, b, g.bOff, g.ldb, c, g.cOff, g.ldc, accumulate);
      case PACKED -> Gemm.sgemmPacked(transA, transB, m, n, k, a, g.aOff, g.lda, b, g.bOff, g.ldb, c, g.cOff, g.ldc, accumulate);
      case SMALL -> Gemm.sgemmSmall(transA, transB, m, n, k, a, g.aOff, g.lda, b, g.bOff, g.ldb, c, g.cOff, g.ldc, accumulate);
    }
    double tol = 1e-4 * Math.sqrt(Math.max(1, k)) * (k + 1);
    for (int i = 0; i < c.length; i++) {
      // Values are in [-1, 1), so |C| <= k + 1 bounds the scale; cells outside C must be untouched.
      assertTrue(Math.abs(want[i] - c[i]) <= tol, () -> "mismatch in " + path + " " + g);
    }
  }

  /** Random offsets and padded leading dimensions around the operands. */
  record Layout(boolean transA, boolean transB, int m, int n, int k,
                int aOff, int lda, int bOff, int ldb, int cOff, int ldc) {
    static Layout random(Random r, boolean transA, boolean transB, int m, int n, int k) {
      int lda = (transA ? m : k) + r.nextInt(3);
      int ldb = (transB ? k : n) + r.nextInt(3);
      int ldc = n + r.nextInt(3);
      return new Layout(transA, transB, m, n, k, r.nextInt(4), Math.max(1, lda), r.nextInt(4), Math.max(1, ldb), r.nextInt(4), ldc);
    }

    int aLen() { return aOff + (transA ? k : m) * lda + 2; }
    int bLen() { return bOff + (transB ? n : k) * ldb + 2; }
    int cLen() { return cOff + m * ldc + 2; }
    double a(double[] a, int i, int p) { return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]; }
    double b(double[] b, int p, int j) { return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]; }
  }

  static void refD(Layout g, double[] a, double[] b, double[] c, boolean accumulate) {
    for (int i = 0; i < g.m; i++) {
      for (int j = 0; j < g.n; j++) {
        double s = 0;
        for (int p = 0; p < g.k; p++) s += g.a(a, i, p) * g.b(b, p, j);
        int ci = g.cOff + i * g.ldc + j;
        c[ci] = accumulate ? c[ci] + s : s;
      }
    }
  }

  static float[] randomF(Random r, int len) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) x[i] = r.nextFloat() * 2 - 1;
    return x;
  }

  static double[] randomD(Random r, int len) {
    double[] x = new double[len];
    for (int i = 0; i < len; i++) x[i] = r.nextDouble() * 2 - 1;
    return x;
  }

  static double[] toD(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) d[i] = x[i];
    return d;
  }
}
