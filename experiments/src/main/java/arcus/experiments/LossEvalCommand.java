package arcus.experiments;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Tensor;
import arcus.experiments.json.Json;
import arcus.experiments.json.JsonArrays;
import arcus.experiments.json.JsonException;
import arcus.losses.CenterLoss;
import arcus.losses.EmSoftmax;
import arcus.losses.Losses;
import arcus.losses.MarginLoss;
import arcus.losses.SimplexClassifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code arcus loss-eval}: one loss value and its gradients for a JSON case read from stdin. */
@Command(
    name = "loss-eval",
    mixinStandardHelpOptions = true,
    description = {
      "Prints one JSON case's mean loss and its gradients (the case is read from standard input).",
      "Details: docs/loss-eval.md, docs/losses.md.",
      "",
      "Input:  {\"loss\": NAME, \"features\": N×d, \"weights\": d×C,",
      "         \"labels\": [N ints], \"params\": {...}, \"dtype\": \"float64\"}",
      "  weights    d×C; emsoftmax K×d×C; simplex: omit (frozen, C = d + 1)",
      "  center     weights = the base loss's d×C, optional \"centers\" C×d (zeros);",
      "             params: base (default softmax), center_weight, center_alpha,",
      "             and the base loss's own parameters",
      "  bias       softmax/l2softmax: params.bias = true, or (softmax) a length-C",
      "             array of bias values",
      "  params and dtype are optional (defaults: the loss's, float64).",
      "Output: {\"value\": L, \"grad_features\": N×d, \"grad_weights\": as weights}",
      "  plus \"grad_bias\" [C] with a bias, \"grad_centers\" C×d for center loss.",
      "A malformed case prints {\"error\": \"...\"} and exits with status 2.",
      "Losses: softmax normface l2softmax lsoftmax sphereface cosface arcface",
      "  combined wsoftmax emsoftmax pureangular hinge center simplex",
      ""
    })
public final class LossEvalCommand implements Callable<Integer> {
  static final int MALFORMED = 2;
  private static final Set<String> FIELDS = Set.of("loss", "features", "weights", "labels", "params", "dtype", "centers");

  @Spec CommandSpec spec;

  @picocli.CommandLine.Option(names = "--timing", description = "Print the time of each phase to standard error.")
  boolean timing;
  private final InputStream input;
  /** Compiles the kernels on the idle core while this thread parses; stopped before the real work. */
  private Thread warmup;

  public LossEvalCommand() {
    this(System.in);
  }

  LossEvalCommand(InputStream input) {
    this.input = input;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String result;
    int status = 0;
    warmup = KernelWarmup.start();
    Timer timer = new Timer(timing ? spec.commandLine().getErr() : null, System.nanoTime());
    try {
      String text = new String(LossEvalLimits.read(input), StandardCharsets.UTF_8);
      timer.lap("read");
      result = evaluate(text, timer, this::stopWarmup);
    } catch (IllegalArgumentException e) {
      result = error(e.getMessage());
      status = MALFORMED;
    } catch (IOException e) {
      result = error("cannot read standard input: " + e.getMessage());
      status = MALFORMED;
    } catch (RuntimeException | OutOfMemoryError e) {
      result = error("internal error: " + e);
      status = 1;
    } finally {
      // a refused case must not leave the warm-up thread computing (fuzzing runs thousands in one JVM);
      // interrupt without waiting: it stops after its current step, and a daemon ends with the JVM
      if (warmup != null) warmup.interrupt();
    }
    out.println(result);
    out.flush();
    if (status == 0) {
      timer.lap("print");
      timer.total();
    }
    return status;
  }

  private void stopWarmup() {
    if (warmup == null) return;
    warmup.interrupt();
    try {
      warmup.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message == null ? "unknown error" : message);
    return Json.writeLine(m);
  }

  /** The whole computation, from case text to result text; IllegalArgumentException for a bad case. */
  static String evaluate(String text) {
    return evaluate(text, new Timer(null, System.nanoTime()), () -> {});
  }

  /** Phase times on standard error for --timing (not part of the result). */
  static final class Timer {
    private final PrintWriter err;
    private final long start;
    private long last;

    Timer(PrintWriter err, long start) {
      this.err = err;
      this.start = start;
      this.last = start;
    }

    void lap(String phase) {
      long now = System.nanoTime();
      if (err != null) err.printf("loss-eval: %-8s %8.3f s%n", phase, (now - last) / 1e9);
      last = now;
    }

    void total() {
      if (err != null) {
        err.printf("loss-eval: %-8s %8.3f s%n", "total", (System.nanoTime() - start) / 1e9);
        err.flush();
      }
    }
  }

  static String evaluate(String text, Timer timer, Runnable beforeCompute) {
    if (text.isBlank()) throw new JsonException("empty input: expected one JSON case on standard input");
    Object parsed = Json.parse("standard input", text);
    timer.lap("parse");
    if (!(parsed instanceof Map<?, ?> raw)) throw new JsonException("the case must be a JSON object");
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) raw;
    Set<String> unknown = new TreeSet<>(c.keySet());
    unknown.removeAll(FIELDS);
    if (!unknown.isEmpty()) throw new JsonException("unknown field(s) " + unknown + " (valid: " + new TreeSet<>(FIELDS) + ")");

    String lossName = string(c, "loss", null);
    DType dtype = dtype(c);
    Map<String, Object> params = c.containsKey("params") ? params(c.get("params")) : Map.of();
    boolean emCase = "emsoftmax".equals(lossName) || "center".equals(lossName) && "emsoftmax".equals(params.get("base"));
    if (emCase && !params.containsKey("K") && c.get("weights") instanceof List<?> stacked && !stacked.isEmpty()) {
      params = new LinkedHashMap<>(params); // K defaults to the number of stacked classifiers given
      params.put("K", (long) stacked.size());
    }
    MarginLoss loss = Losses.create(lossName, params);

    JsonArrays feats = JsonArrays.of("features", require(c, "features"), 2);
    LossEvalLimits.checkValues("features", feats.data());
    timer.lap("check");
    int n = feats.shape()[0], d = feats.shape()[1];
    int[] labels = labels(require(c, "labels"), n);

    MarginLoss core = loss instanceof CenterLoss cl ? cl.base() : loss;
    Params p;
    List<String> weightNames;
    int[] weightShape = null;
    int classes;
    if (core instanceof SimplexClassifier) {
      if (c.containsKey("weights")) throw new JsonException("weights: the simplex head has frozen weights; omit \"weights\" (C = d + 1)");
      classes = d + 1;
      p = Params.empty();
      weightNames = List.of();
    } else {
      boolean em = core instanceof EmSoftmax;
      JsonArrays w = JsonArrays.of("weights", require(c, "weights"), em ? 3 : 2);
      LossEvalLimits.checkValues("weights", w.data());
      weightShape = w.shape();
      if (em && w.shape()[0] != ((EmSoftmax) core).k())
        throw new JsonException("weights: emsoftmax with K = " + ((EmSoftmax) core).k() + " needs K×d×C weights, got " + w.shape()[0] + " classifiers");
      int wd = w.shape()[em ? 1 : 0];
      classes = w.shape()[em ? 2 : 1];
      if (wd != d) throw new JsonException("weights: first dimension " + wd + " does not match the feature dimension d = " + d + (em ? " (expected K×d×C)" : " (expected d×C)"));
      if (classes < 2) throw new JsonException("weights: need at least 2 classes, got C = " + classes);
      p = core.params(Tensor.of(dtype, w.data(), w.shape()));
      weightNames = em ? p.names().stream().filter(k -> k.startsWith("w")).toList() : List.of("w");
    }
    LossEvalLimits.checkShapes(n, d, classes, core instanceof EmSoftmax em ? em.k() : 1, core instanceof EmSoftmax em && em.hsicLambda() > 0);
    for (int i = 0; i < n; i++)
      if (labels[i] >= classes) throw new JsonException("labels: label " + labels[i] + " at position " + i + " is out of range [0, " + classes + ")");
    if (loss instanceof CenterLoss) {
      Tensor centers;
      if (c.containsKey("centers")) {
        JsonArrays cs = JsonArrays.of("centers", c.get("centers"), 2);
        LossEvalLimits.checkValues("centers", cs.data());
        if (cs.shape()[0] != classes || cs.shape()[1] != d)
          throw new JsonException("centers: expected C×d = " + classes + "×" + d + ", got " + cs.shape()[0] + "×" + cs.shape()[1]);
        centers = Tensor.of(dtype, cs.data(), cs.shape());
      } else centers = Tensor.zeros(dtype, classes, d);
      p = p.with(CenterLoss.CENTERS, centers);
    } else if (c.containsKey("centers")) throw new JsonException("centers: only the center loss takes centers");

    Tensor x = Tensor.of(dtype, feats.data(), n, d);
    List<String> names = p.names();
    List<Tensor> inputs = new ArrayList<>();
    inputs.add(x);
    inputs.addAll(p.tensors());
    timer.lap("convert");
    beforeCompute.run();
    // the case is valid from here on: a failure now is Arcus's, not the input's (status 1, not 2)
    try {
      var vg = Autodiff.valueAndGrad((List<Tensor> xs) -> loss.loss(xs.get(0), Params.of(names, xs.subList(1, xs.size())), labels), inputs);
      Params g = Params.of(names, vg.grad().subList(1, vg.grad().size()));

      timer.lap("compute");
      Map<String, Object> out = new LinkedHashMap<>();
      double value = vg.value().item();
      if (!Double.isFinite(value)) throw new IllegalStateException("the loss is not finite (" + value + ")");
      out.put("value", value);
      out.put("grad_features", array("grad_features", vg.grad().get(0)));
      // grad_weights has the layout the weights came in: d×C, or K×d×C for EM-Softmax (any K, 1 included)
      if (weightShape != null)
        out.put("grad_weights", array("grad_weights", weightShape.length == 2 ? g.get(weightNames.get(0)) : stacked(weightNames, g, weightShape)));
      if (g.has("b")) out.put("grad_bias", array("grad_bias", g.get("b")));
      if (g.has(CenterLoss.CENTERS)) out.put("grad_centers", array("grad_centers", g.get(CenterLoss.CENTERS)));
      String json = Json.writeLine(out);
      timer.lap("format");
      return json;
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * A gradient as a JSON array in its dtype's precision. JSON has no NaN or infinity (the writer
   * would put null), so a non-finite gradient is an internal failure, reported as such.
   */
  private static Json.NumberArray array(String name, Tensor t) {
    int[] dims = t.shape().dims();
    if (t.dtype() == DType.F32) {
      float[] a = t.toFloatArray();
      for (int i = 0; i < a.length; i++) if (!Float.isFinite(a[i])) throw notFinite(name, a[i], i, dims);
      return Json.array(a, dims);
    }
    double[] a = t.toDoubleArray();
    for (int i = 0; i < a.length; i++) if (!Double.isFinite(a[i])) throw notFinite(name, a[i], i, dims);
    return Json.array(a, dims);
  }

  private static IllegalStateException notFinite(String name, double v, int flat, int[] dims) {
    StringBuilder at = new StringBuilder();
    for (int a = dims.length - 1; a >= 0; a--) {
      at.insert(0, "[" + flat % dims[a] + "]");
      flat /= dims[a];
    }
    return new IllegalStateException(name + at + " is not finite (" + v + ")");
  }

  private static Tensor stacked(List<String> names, Params g, int[] shape) {
    List<Tensor> parts = new ArrayList<>();
    for (String k : names) parts.add(g.get(k).reshape(1, shape[1], shape[2]));
    return Tensor.concat(0, parts);
  }

  /** The field's value, which may be null (JSON null: the converters name it); missing is an error. */
  private static Object require(Map<String, Object> c, String field) {
    if (!c.containsKey(field)) throw new JsonException("missing field \"" + field + "\"");
    return c.get(field);
  }

  private static String string(Map<String, Object> c, String field, String dflt) {
    if (!c.containsKey(field)) {
      if (dflt == null) throw new JsonException("missing field \"" + field + "\"");
      return dflt;
    }
    if (!(c.get(field) instanceof String s)) throw new JsonException(field + ": expected a string");
    return s;
  }

  private static DType dtype(Map<String, Object> c) {
    if (!c.containsKey("dtype")) return DType.F64;
    Object v = c.get("dtype");
    if (v instanceof String s && (s.equals("float32") || s.equals("float64"))) return DType.parse(s);
    throw new JsonException("dtype: expected \"float32\" or \"float64\", got " + (v instanceof String s ? "\"" + s + "\"" : Json.writeLine(v)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> params(Object v) {
    if (!(v instanceof Map<?, ?> m)) throw new JsonException("params: expected an object");
    for (Map.Entry<?, ?> e : m.entrySet())
      if (e.getValue() == null) throw new JsonException("params: " + e.getKey() + " is null");
    return (Map<String, Object>) m;
  }

  private static int[] labels(Object v, int n) {
    if (!(v instanceof List<?> l)) throw new JsonException("labels: expected an array of integers");
    if (l.size() != n) throw new JsonException("labels: " + l.size() + " labels for " + n + " feature rows");
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      // whole numbers parse as Long; 1.0 or 1e0 (a Double) is accepted as the integer it denotes
      if (!(l.get(i) instanceof Number num)) throw new JsonException("labels: element " + i + " is not an integer");
      double d = num.doubleValue();
      if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw new JsonException("labels: element " + i + " is not an integer");
      if (d < 0) throw new JsonException("labels: label " + (int) d + " at position " + i + " is negative");
      out[i] = (int) d;
    }
    return out;
  }
}
