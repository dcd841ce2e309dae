package arcus.gpu;

import arcus.core.Backend;
import arcus.core.DType;
import arcus.core.Storage;

/**
 * A device buffer of a {@link TornadoBackend}. The flat array is the backend's handle to the
 * buffer: kernels read and write it "on the device", and the host sees its contents only through
 * {@link TornadoBackend#toFloatArray} / {@link TornadoBackend#toDoubleArray}, which count the
 * transfer. {@code hostStale} is true while the host has no up-to-date copy (every kernel
 * output starts so); reading the storage brings the data over once and clears it.
 */
public final class DeviceStorage implements Storage {
  private final TornadoBackend backend;
  private final float[] f;
  private final double[] d;
  private volatile boolean hostStale;

  private DeviceStorage(TornadoBackend backend, float[] f, double[] d, boolean hostStale) {
    this.backend = backend;
    this.f = f;
    this.d = d;
    this.hostStale = hostStale;
  }

  static DeviceStorage ofDevice(TornadoBackend backend, float[] f) {
    return new DeviceStorage(backend, f, null, true);
  }

  static DeviceStorage ofDevice(TornadoBackend backend, double[] d) {
    return new DeviceStorage(backend, null, d, true);
  }

  static DeviceStorage ofHost(TornadoBackend backend, float[] f) {
    return new DeviceStorage(backend, f, null, false);
  }

  static DeviceStorage ofHost(TornadoBackend backend, double[] d) {
    return new DeviceStorage(backend, null, d, false);
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public DType dtype() {
    return f != null ? DType.F32 : DType.F64;
  }

  @Override
  public int size() {
    return f != null ? f.length : d.length;
  }

  /** Always true: a device storage is allocated in device memory for its whole life. */
  public boolean resident() {
    return true;
  }

  /** Whether the host lacks an up-to-date copy, i.e. reading it now costs a device-to-host transfer. */
  public boolean hostStale() {
    return hostStale;
  }

  void markHostCurrent() {
    hostStale = false;
  }

  float[] f() {
    return f;
  }

  double[] d() {
    return d;
  }

  /** The buffer, as whichever array type it is. */
  Object buffer() {
    return f != null ? f : d;
  }

  @Override
  public String toString() {
    return "DeviceStorage[" + dtype() + " x " + size() + (hostStale ? ", device only" : ", host current") + "]";
  }
}
