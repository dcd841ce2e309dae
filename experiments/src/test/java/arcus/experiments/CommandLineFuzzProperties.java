package arcus.experiments;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.cpu.Parallel;
import arcus.nn.fuzz.FuzzTries;
import arcus.nn.fuzz.Within;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import picocli.CommandLine;

/**
 * Fuzzing of the command line (docs/robustness.md): {@code arcus} and {@code arcus train} with
 * random and mutated options — extreme numbers, wrong types, unknown options, missing values,
 * every loss with out-of-range {@code --loss-param}s (the m = 1e9 among them). {@code --data}
 * points at an empty folder, so a command line that passes every check ends at "data not found";
 * each must end within {@link Within#LIMIT} with status 0 (help) or 2 and no stack trace.
 * {@code bench} and {@code experiment} are left out: their valid command lines run for minutes.
 * {@code -Darcus.fuzz.tries=10000} runs the full count.
 */
@AddLifecycleHook(FuzzTries.class)
class CommandLineFuzzProperties {
  private static final Path DIR;

  static {
    try {
      DIR = Within.tempDir("arcus-fuzz-cli");
      Files.createDirectories(DIR.resolve("empty-data"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final int THREADS = Parallel.threads();

  @AfterContainer
  static void noCommandChangedTheDefaultThreads() {
    // --threads binds an executor to its own run; a fuzzed --threads must leave everybody else's alone
    org.junit.jupiter.api.Assertions.assertEquals(THREADS, Parallel.threads());
  }

  static final String[] OPTIONS = {"--dataset", "--model", "--feature-dim", "--loss", "--loss-param", "--loss-param", "--loss-param",
      "--warmup-loss", "--warmup-epochs", "--epochs", "--batch", "--lr", "--lr-schedule", "--optimizer", "--momentum", "--weight-decay",
      "--lambda-schedule", "--seed", "--threads", "--dtype", "--backend", "--classes", "--train-limit", "--test-limit", "--train-eval",
      "--augment", "--resume", "--help", "--epoch", "-x", "--", "--version"};
  static final String[] VALUES = {"0", "1", "2", "-1", "3", "10", "256", "2147483647", "2147483648", "-2147483649", "9223372036854775808",
      "1e9", "1e309", "NaN", "Infinity", "-0", "1e-400", "0.5", "abc", "", " ", "mnist", "cifar10", "fashion", "lenet", "resnet32",
      "lsoftmax-mnist", "softmax", "lsoftmax", "sphereface", "emsoftmax", "arcface", "center", "simplex", "float32", "float64", "f16",
      "cpu", "tornado", "sgd", "adam", "cosine", "exp:0.5:10", "exp:2:0", "exp:x", "multistep:0.1:5,3", "multistep:0.1:-1",
      "lsoftmax", "none", "m=1e9", "m=100000", "m=1e8", "m=4", "m=16", "m=17", "K=1000000", "K=3", "s=1e300", "s=64", "lambda=-1",
      "alpha=NaN", "=5", "m", "m=", "bias=true", "bias=1", "combine=max", "base=center", "base=emsoftmax", "zz=1", "/nonexistent/ck.arcus"};

  @Provide
  Arbitrary<List<String>> commandLines() {
    return Arbitraries.randomValue(CommandLineFuzzProperties::commandLine);
  }

  static List<String> commandLine(Random r) {
    List<String> a = new ArrayList<>();
    int first = r.nextInt(20);
    if (first < 16) a.add("train");
    else a.add(List.of("help", "trian", "--version", "").get(first - 16));
    int pairs = r.nextInt(9);
    for (int i = 0; i < pairs; i++) {
      String o = OPTIONS[r.nextInt(OPTIONS.length)];
      if (o.equals("--help") && r.nextInt(4) > 0) continue; // help ends the parse: keep it rare
      a.add(o);
      int values = r.nextInt(10) == 0 ? r.nextInt(3) : 1; // sometimes a missing or an extra value
      for (int v = 0; v < values; v++) a.add(r.nextInt(8) == 0 ? Long.toString(r.nextLong()) : VALUES[r.nextInt(VALUES.length)]);
    }
    if (r.nextInt(10) == 0 && a.size() > 2) { // splice: repeat a random slice
      int from = r.nextInt(a.size()), to = from + r.nextInt(a.size() - from);
      a.addAll(new ArrayList<>(a.subList(from, to)));
    }
    a.addAll(List.of("--data", DIR.resolve("empty-data").toString(), "--out", DIR.resolve("run").toString()));
    return a;
  }

  @Property(tries = 300)
  void everyCommandLineEndsWithHelpOrOneClearError(@ForAll("commandLines") List<String> args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    Integer status = Within.valueOrDocumented(() -> {
      CommandLine cl = Main.commandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      return cl.execute(args.toArray(String[]::new));
    }, List.of());
    String e = err.toString();
    assertTrue(status == 0 || status == 2, "status " + status + " for " + args + ":\n" + e);
    assertFalse(e.contains("\tat ") || e.contains("Exception in thread") || e.contains("java.lang."), "a stack trace for " + args + ":\n" + e);
    if (status == 2) assertFalse(e.isBlank(), "an error needs a message: " + args);
    net.jqwik.api.statistics.Statistics.collect(status == 0 ? "help" : e.contains("not found") || e.contains("missing") ? "reached the data" : "refused");
    net.jqwik.api.statistics.Statistics.coverage(c -> c.check("reached the data").count(n -> n > 0));
  }
}
