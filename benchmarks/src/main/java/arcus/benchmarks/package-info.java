/**
 * JMH micro-benchmarks of the CPU kernels (GEMM, the three convolution passes, an elementwise
 * transcendental, fused batch norm) and of one training step. Run with {@code bin/jmh}; the
 * user-facing numbers with ratios to the machine's peak stay in {@code arcus bench}.
 * Every benchmark forks a JVM with the Vector API module and a fixed thread count, so results
 * are comparable between runs on one machine; compare versions by interleaving runs, never by
 * one absolute number.
 */
package arcus.benchmarks;
