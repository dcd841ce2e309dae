package arcus.core;

import arcus.core.cpu.CpuBackend;

/**
 * The one place in core's API package that names the CPU implementation: the backend of tensors
 * made from host data without a backend argument ({@code Tensor.of(float[], ...)},
 * {@code Tensor.zeros(...)}, ...). {@link Tensor} itself depends only on {@link Backend}.
 */
final class HostDefault {
  private HostDefault() {}

  static final Backend BACKEND = CpuBackend.INSTANCE;
}
