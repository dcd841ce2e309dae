package arcus.core.cpu;

import arcus.core.Shape;

/**
 * Iteration plan for an elementwise op over broadcast operands: the output dimensions with
 * adjacent dimensions merged wherever every operand is contiguous across them, and each
 * operand's strides (0 along a broadcast dimension). The innermost dimension is then a run the
 * kernels vectorise.
 */
final class Broadcast {
  final int[] dims;
  final int[][] strides;

  private Broadcast(int[] dims, int[][] strides) {
    this.dims = dims;
    this.strides = strides;
  }

  static Broadcast plan(Shape out, Shape... in) {
    int r = Math.max(1, out.rank());
    int[] od = new int[r];
    for (int i = 0; i < r; i++) od[i] = out.rank() == 0 ? 1 : out.dim(i);
    int[][] st = new int[in.length][r];
    for (int k = 0; k < in.length; k++) {
      Shape s = in[k];
      int off = r - s.rank();
      int acc = 1;
      for (int i = r - 1; i >= 0; i--) {
        int d = i - off >= 0 ? s.dim(i - off) : 1;
        st[k][i] = d == 1 && od[i] != 1 ? 0 : acc;
        acc *= d;
      }
    }
    // merge dimension i into i+1 where every operand's stride allows it
    int[] dims = new int[r];
    int[][] strides = new int[in.length][r];
    int n = 0;
    for (int i = 0; i < r; i++) {
      if (od[i] == 1 && r > 1) continue;
      if (n > 0) {
        boolean merge = true;
        for (int k = 0; k < in.length; k++) if (strides[k][n - 1] != st[k][i] * od[i]) merge = false;
        if (merge) {
          dims[n - 1] *= od[i];
          for (int k = 0; k < in.length; k++) strides[k][n - 1] = st[k][i];
          continue;
        }
      }
      dims[n] = od[i];
      for (int k = 0; k < in.length; k++) strides[k][n] = st[k][i];
      n++;
    }
    if (n == 0) {
      dims[0] = 1;
      n = 1;
    }
    int[][] s2 = new int[in.length][];
    for (int k = 0; k < in.length; k++) s2[k] = java.util.Arrays.copyOf(strides[k], n);
    return new Broadcast(java.util.Arrays.copyOf(dims, n), s2);
  }

  int inner() {
    return dims[dims.length - 1];
  }

  /** Number of inner runs. */
  int outer() {
    int o = 1;
    for (int i = 0; i < dims.length - 1; i++) o *= dims[i];
    return o;
  }

  /** Offset of operand k at the start of inner run {@code run}. */
  int offset(int k, int run) {
    // the outermost index is what is left of run: no division for it (a bias gradient's
    // [N, C, S] plan takes one per run instead of two, for 12,800 runs in LeNet's conv2)
    int[] st = strides[k];
    int off = 0;
    for (int i = dims.length - 2; i > 0; i--) {
      int d = dims[i], q = run / d;
      off += (run - q * d) * st[i];
      run = q;
    }
    return dims.length > 1 ? off + run * st[0] : 0;
  }

  int innerStride(int k) {
    return strides[k][dims.length - 1];
  }
}
