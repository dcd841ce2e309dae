package arcus.losses;

/** Cyclic Jacobi eigenvalue iteration for small symmetric matrices (test code only). */
final class Jacobi {
  private Jacobi() {}

  static double[] eigenvalues(double[][] input) {
    int n = input.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) a[i] = input[i].clone();
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++)
        for (int q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
      if (off < 1e-26) break;
      for (int p = 0; p < n; p++)
        for (int q = p + 1; q < n; q++) {
          if (Math.abs(a[p][q]) < 1e-300) continue;
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) t = 1;
          double c = 1 / Math.sqrt(t * t + 1), s = t * c;
          for (int k = 0; k < n; k++) { // rotate columns p, q
            double akp = a[k][p], akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) { // rotate rows p, q
            double apk = a[p][k], aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
        }
    }
    double[] ev = new double[n];
    for (int i = 0; i < n; i++) ev[i] = a[i][i];
    return ev;
  }
}
