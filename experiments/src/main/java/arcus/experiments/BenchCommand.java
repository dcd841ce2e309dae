package arcus.experiments;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code arcus bench ...}: the performance benchmarks, one subcommand each. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks: peak FLOPS, GEMM and conv2d kernels.",
    subcommands = {BenchPeakCommand.class, BenchGemmCommand.class, BenchConv2dCommand.class, BenchTrainCommand.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
