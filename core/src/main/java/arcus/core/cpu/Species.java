package arcus.core.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes the CPU kernels compute with: the machine's preferred shape, or, for tests
 * only, the one {@code -Darcus.vector.bits=128|256|512} names. The kernels choose their blocking
 * from the lane count (GEMM tile and panel depth, Winograd's tiles per vector), and some have
 * written-out forms for 8 lanes; a 512-bit shape on an AVX2 machine runs the 16-lane code
 * through the Vector API's portable (slow, not intrinsified) implementation, which is how the
 * 16-lane paths are tested on a machine without AVX-512 ({@code ./bin/test -pl core
 * -Darcus.jvm.flags=-Darcus.vector.bits=512}).
 */
final class Species {
  /** The float species every kernel uses. */
  static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED.withShape(shape());
  /** The double species, of the same shape. */
  static final VectorSpecies<Double> DOUBLE = DoubleVector.SPECIES_PREFERRED.withShape(shape());

  private Species() {}

  private static VectorShape shape() {
    String bits = System.getProperty("arcus.vector.bits");
    if (bits == null || bits.isBlank()) return VectorShape.preferredShape();
    return switch (bits.trim()) {
      case "64" -> VectorShape.S_64_BIT;
      case "128" -> VectorShape.S_128_BIT;
      case "256" -> VectorShape.S_256_BIT;
      case "512" -> VectorShape.S_512_BIT;
      default -> throw new IllegalArgumentException("-Darcus.vector.bits must be 64, 128, 256 or 512, got '" + bits + "'");
    };
  }
}
