package arcus.core;

/**
 * The data of a tensor, owned by one backend: host arrays for the CPU, a device buffer for an
 * accelerator. Nothing writes a storage after a backend hands it out; only its own backend reads
 * its contents, and the host sees them through {@link Backend#toFloatArray} / {@link Backend#toDoubleArray}.
 */
public interface Storage {
  Backend backend();

  DType dtype();

  int size();
}
