package arcus.experiments;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Tensor;
import arcus.experiments.json.Jackson;
import arcus.experiments.json.JsonStreams;
import arcus.experiments.json.NumberArray;
import arcus.experiments.json.NumberArrayReader;
import com.fasterxml.jackson.annotation.JsonInclude;
import arcus.losses.CenterLoss;
import arcus.losses.EmSoftmax;
import arcus.losses.Losses;
import arcus.losses.MarginLoss;
import arcus.losses.SimplexClassifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.exc.StreamReadException;

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
  /** The fields read as numeric arrays. */
  private static final Set<String> ARRAYS = Set.of("features", "weights", "centers");
  private static final String INPUT = "standard input";


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
      InputStream bounded = new ByteArrayInputStream(LossEvalLimits.read(input));
      timer.lap("read");
      result = evaluate(bounded, timer, this::stopWarmup);
    } catch (IllegalArgumentException e) {
      result = error(e.getMessage());
      status = MALFORMED;
    } catch (UncheckedIOException e) {
      result = error("cannot read standard input: " + e.getCause().getMessage());
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
    return Jackson.line(Map.of("error", message == null ? "unknown error" : message));
  }

  /** The whole computation, from case text to result text; IllegalArgumentException for a bad case. */
  static String evaluate(String text) {
    return evaluate(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), new Timer(null, System.nanoTime()), () -> {});
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

  /** The result: the mean loss and its gradients, each gradient in the layout of its input. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Result(double value, NumberArray gradFeatures, NumberArray gradWeights, NumberArray gradBias, NumberArray gradCenters) {
    /**
     * The record as Jackson's mapper writes it ({@code Jackson.line(result)}; a test holds the two
     * equal), written by the streaming generator with the large arrays formatted on all cores: the
     * mapper would cost a fresh JVM about half a second of class loading, more than the formatting.
     */
    String toJson() {
      return JsonStreams.line(g -> {
        g.writeStartObject();
        g.writeNumberProperty("value", value);
        array(g, "grad_features", gradFeatures);
        array(g, "grad_weights", gradWeights);
        array(g, "grad_bias", gradBias);
        array(g, "grad_centers", gradCenters);
        g.writeEndObject();
      });
    }

    private static void array(JsonGenerator g, String name, NumberArray a) {
      if (a == null) return;
      g.writeName(name);
      a.writeLine(g);
    }
  }

  /**
   * Reads the case with Jackson's streaming parser: the numeric arrays (features, weights,
   * centers) straight into {@code double[]}s ({@link NumberArrayReader}), the other fields as plain
   * values. Malformed JSON is an IllegalArgumentException naming the line and column.
   */
  static Map<String, Object> readCase(InputStream in) {
    try (JsonParser p = JsonStreams.FACTORY.createParser(ObjectReadContext.empty(), in)) {
      if (p.nextToken() == null) throw new IllegalArgumentException("empty input: expected one JSON case on standard input");
      if (p.currentToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("the case must be a JSON object");
      Map<String, Object> c = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        c.put(name, p.nextToken() == JsonToken.START_ARRAY && ARRAYS.contains(name)
            ? NumberArrayReader.read(p, name) : value(p));
      }
      try {
        if (p.nextToken() != null) throw new IllegalArgumentException(INPUT + ": unexpected text after the JSON value" + Jackson.at(p.currentTokenLocation()));
      } catch (StreamReadException e) {
        throw new IllegalArgumentException(INPUT + ": unexpected text after the JSON value" + Jackson.at(e.getLocation()), e);
      }
      return c;
    } catch (JacksonIOException e) {
      throw new UncheckedIOException(e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e));
    } catch (JacksonException e) {
      throw Jackson.invalid(INPUT, e);
    }
  }

  /**
   * A field that is not a numeric array, as plain values: String, Boolean, null, Integer/Long/
   * BigInteger, Double, List, Map. Read from the token stream so that the mapper is not needed
   * in a fresh JVM (Jackson's object mapper costs about half a second of class loading).
   */
  private static Object value(JsonParser p) {
    return switch (p.currentToken()) {
      case VALUE_STRING -> p.getString();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) l.add(value(p));
        yield l;
      }
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          String k = p.currentName();
          p.nextToken();
          m.put(k, value(p));
        }
        yield m;
      }
      default -> null; // VALUE_NULL
    };
  }

  static String evaluate(InputStream in, Timer timer, Runnable beforeCompute) {
    Map<String, Object> c = readCase(in);
    timer.lap("parse");
    Set<String> unknown = new TreeSet<>(c.keySet());
    unknown.removeAll(FIELDS);
    if (!unknown.isEmpty()) throw new IllegalArgumentException("unknown field(s) " + unknown + " (valid: " + new TreeSet<>(FIELDS) + ")");

    String lossName = string(c, "loss", null);
    DType dtype = dtype(c);
    Map<String, Object> params = c.containsKey("params") ? params(c.get("params")) : Map.of();
    boolean emCase = "emsoftmax".equals(lossName) || "center".equals(lossName) && "emsoftmax".equals(params.get("base"));
    if (emCase && !params.containsKey("K") && c.get("weights") instanceof NumberArray stacked && stacked.shape().length == 3) {
      params = new LinkedHashMap<>(params); // K defaults to the number of stacked classifiers given
      params.put("K", (long) stacked.shape()[0]);
    }
    MarginLoss loss = Losses.create(lossName, params);

    NumberArray feats = array(require(c, "features"), "features", 2);
    LossEvalLimits.checkValues("features", feats.doubles());
    timer.lap("check");
    int n = feats.shape()[0], d = feats.shape()[1];
    int[] labels = labels(require(c, "labels"), n);

    MarginLoss core = loss instanceof CenterLoss cl ? cl.base() : loss;
    Params p;
    List<String> weightNames;
    int[] weightShape = null;
    int classes;
    if (core instanceof SimplexClassifier) {
      if (c.containsKey("weights")) throw new IllegalArgumentException("weights: the simplex head has frozen weights; omit \"weights\" (C = d + 1)");
      classes = d + 1;
      p = Params.empty();
      weightNames = List.of();
    } else {
      boolean em = core instanceof EmSoftmax;
      NumberArray w = array(require(c, "weights"), "weights", em ? 3 : 2);
      LossEvalLimits.checkValues("weights", w.doubles());
      weightShape = w.shape();
      if (em && w.shape()[0] != ((EmSoftmax) core).k())
        throw new IllegalArgumentException("weights: emsoftmax with K = " + ((EmSoftmax) core).k() + " needs K×d×C weights, got " + w.shape()[0] + " classifiers");
      int wd = w.shape()[em ? 1 : 0];
      classes = w.shape()[em ? 2 : 1];
      if (wd != d) throw new IllegalArgumentException("weights: first dimension " + wd + " does not match the feature dimension d = " + d + (em ? " (expected K×d×C)" : " (expected d×C)"));
      if (classes < 2) throw new IllegalArgumentException("weights: need at least 2 classes, got C = " + classes);
      p = core.params(Tensor.of(dtype, w.doubles(), w.shape()));
      weightNames = em ? p.names().stream().filter(k -> k.startsWith("w")).toList() : List.of("w");
    }
    LossEvalLimits.checkShapes(n, d, classes, core instanceof EmSoftmax em ? em.k() : 1, core instanceof EmSoftmax em && em.hsicLambda() > 0);
    for (int i = 0; i < n; i++)
      if (labels[i] >= classes) throw new IllegalArgumentException("labels: label " + labels[i] + " at position " + i + " is out of range [0, " + classes + ")");
    if (loss instanceof CenterLoss) {
      Tensor centers;
      if (c.containsKey("centers")) {
        NumberArray cs = array(c.get("centers"), "centers", 2);
        LossEvalLimits.checkValues("centers", cs.doubles());
        if (cs.shape()[0] != classes || cs.shape()[1] != d)
          throw new IllegalArgumentException("centers: expected C×d = " + classes + "×" + d + ", got " + cs.shape()[0] + "×" + cs.shape()[1]);
        centers = Tensor.of(dtype, cs.doubles(), cs.shape());
      } else centers = Tensor.zeros(dtype, classes, d);
      p = p.with(CenterLoss.CENTERS, centers);
    } else if (c.containsKey("centers")) throw new IllegalArgumentException("centers: only the center loss takes centers");

    Tensor x = Tensor.of(dtype, feats.doubles(), n, d);
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
      double value = vg.value().item();
      if (!Double.isFinite(value)) throw new IllegalStateException("the loss is not finite (" + value + ")");
      // grad_weights has the layout the weights came in: d×C, or K×d×C for EM-Softmax (any K, 1 included)
      Result result = new Result(value, array("grad_features", vg.grad().get(0)),
          weightShape == null ? null : array("grad_weights", weightShape.length == 2 ? g.get(weightNames.get(0)) : stacked(weightNames, g, weightShape)),
          g.has("b") ? array("grad_bias", g.get("b")) : null,
          g.has(CenterLoss.CENTERS) ? array("grad_centers", g.get(CenterLoss.CENTERS)) : null);
      String json = result.toJson();
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
  private static NumberArray array(String name, Tensor t) {
    int[] dims = t.shape().dims();
    if (t.dtype() == DType.F32) {
      float[] a = t.toFloatArray();
      for (int i = 0; i < a.length; i++) if (!Float.isFinite(a[i])) throw notFinite(name, a[i], i, dims);
      return NumberArray.of(a, dims);
    }
    double[] a = t.toDoubleArray();
    for (int i = 0; i < a.length; i++) if (!Double.isFinite(a[i])) throw notFinite(name, a[i], i, dims);
    return NumberArray.of(a, dims);
  }

  private static IllegalStateException notFinite(String name, double v, int flat, int[] dims) {
    StringBuilder at = new StringBuilder();
    for (int a = dims.length - 1; a >= 0; a--) {
      at.insert(0, "[" + flat % dims[a] + "]");
      flat /= dims[a];
    }
    return new IllegalStateException(name + at + " is not finite (" + v + ")");
  }

  /** A numeric array field of the given rank (as read by {@link NumberArrayReader}). */
  private static NumberArray array(Object v, String field, int rank) {
    if (!(v instanceof NumberArray a)) throw new IllegalArgumentException(field + ": expected a " + rank + "-dimensional array of numbers");
    int r = a.shape().length;
    if (r < rank) throw new IllegalArgumentException(field + ": expected a " + rank + "-dimensional array of numbers (depth " + r + " is not an array)");
    if (r > rank) throw new IllegalArgumentException(field + ": expected a " + rank + "-dimensional array of numbers, got a " + r + "-dimensional one");
    return a;
  }

  private static Tensor stacked(List<String> names, Params g, int[] shape) {
    List<Tensor> parts = new ArrayList<>();
    for (String k : names) parts.add(g.get(k).reshape(1, shape[1], shape[2]));
    return Tensor.concat(0, parts);
  }

  /** The field's value, which may be null (JSON null: the converters name it); missing is an error. */
  private static Object require(Map<String, Object> c, String field) {
    if (!c.containsKey(field)) throw new IllegalArgumentException("missing field \"" + field + "\"");
    return c.get(field);
  }

  private static String string(Map<String, Object> c, String field, String dflt) {
    if (!c.containsKey(field)) {
      if (dflt == null) throw new IllegalArgumentException("missing field \"" + field + "\"");
      return dflt;
    }
    if (!(c.get(field) instanceof String s)) throw new IllegalArgumentException(field + ": expected a string");
    return s;
  }

  private static DType dtype(Map<String, Object> c) {
    if (!c.containsKey("dtype")) return DType.F64;
    Object v = c.get("dtype");
    if (v instanceof String s && (s.equals("float32") || s.equals("float64"))) return DType.parse(s);
    throw new IllegalArgumentException("dtype: expected \"float32\" or \"float64\", got " + (v instanceof String s ? "\"" + s + "\"" : Jackson.line(v)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> params(Object v) {
    if (!(v instanceof Map<?, ?> m)) throw new IllegalArgumentException("params: expected an object");
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (e.getValue() == null) throw new IllegalArgumentException("params: " + e.getKey() + " is null");
      if (!finite(e.getValue())) throw new IllegalArgumentException("params: " + e.getKey() + ": number out of range");
    }
    return (Map<String, Object>) m;
  }

  /** False for a number too large for a double (Jackson reads 1e999 as infinity), also inside arrays. */
  private static boolean finite(Object v) {
    if (v instanceof Double d) return Double.isFinite(d);
    if (v instanceof List<?> l) return l.stream().allMatch(LossEvalCommand::finite);
    return true;
  }

  private static int[] labels(Object v, int n) {
    if (!(v instanceof List<?> l)) throw new IllegalArgumentException("labels: expected an array of integers");
    if (l.size() != n) throw new IllegalArgumentException("labels: " + l.size() + " labels for " + n + " feature rows");
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      // whole numbers parse as Long; 1.0 or 1e0 (a Double) is accepted as the integer it denotes
      if (!(l.get(i) instanceof Number num)) throw new IllegalArgumentException("labels: element " + i + " is not an integer");
      double d = num.doubleValue();
      if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw new IllegalArgumentException("labels: element " + i + " is not an integer");
      if (d < 0) throw new IllegalArgumentException("labels: label " + (int) d + " at position " + i + " is negative");
      out[i] = (int) d;
    }
    return out;
  }
}
