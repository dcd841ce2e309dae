package arcus.core.cpu;

import arcus.core.Backend;
import arcus.core.DType;
import arcus.core.Storage;

/** CPU storage: exactly one of the arrays is set. Nothing writes it after construction. */
record HostStorage(float[] f, double[] d) implements Storage {
  static HostStorage of(float[] f) {
    return new HostStorage(f, null);
  }

  static HostStorage of(double[] d) {
    return new HostStorage(null, d);
  }

  @Override
  public Backend backend() {
    return CpuBackend.INSTANCE;
  }

  @Override
  public DType dtype() {
    return f != null ? DType.F32 : DType.F64;
  }

  @Override
  public int size() {
    return f != null ? f.length : d.length;
  }
}
