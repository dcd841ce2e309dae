package arcus.gpu;

import arcus.core.Backend;
import arcus.core.DType;
import arcus.core.Storage;

/**
 * A tensor's block of device memory: {@code size} elements at {@code offset} in the
 * {@link Arena} of its dtype. Kernels read and write the block in place; the host sees its
 * contents only through {@link TornadoBackend#toFloatArray} / {@link TornadoBackend#toDoubleArray},
 * which download it once (counted) and keep the host copy, since a block is never written after
 * the launch that produced it. The block returns to the arena's free list when this storage
 * becomes unreachable.
 */
public final class DeviceStorage implements Storage {
  private final TornadoBackend backend;
  private final DType dtype;
  private final int offset;
  private final int size;
  /** The host's copy (float[] or double[]), or null while only the device has the data. */
  private volatile Object host;

  DeviceStorage(TornadoBackend backend, Arena arena, DType dtype, int size) {
    this.backend = backend;
    this.dtype = dtype;
    this.size = size;
    this.offset = arena.allocate(kind(), size, this);
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public int size() {
    return size;
  }

  /** The arena its block lives in: {@link Arena#F32} or {@link Arena#F64}. */
  int kind() {
    return dtype == DType.F32 ? Arena.F32 : Arena.F64;
  }

  /** Where the block starts in its arena (elements). */
  int offset() {
    return offset;
  }

  /** Always true: the data lives in device memory for the storage's whole life. */
  public boolean resident() {
    return true;
  }

  /** Whether the host lacks a copy, i.e. reading it now costs a device-to-host transfer. */
  public boolean hostStale() {
    return host == null;
  }

  Object host() {
    return host;
  }

  void host(Object copy) {
    host = copy;
  }

  @Override
  public String toString() {
    return "DeviceStorage[" + dtype + " x " + size + " at " + offset + (host == null ? ", device only" : ", host current") + "]";
  }
}
