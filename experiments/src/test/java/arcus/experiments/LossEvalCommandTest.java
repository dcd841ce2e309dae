package arcus.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Autodiff;
import arcus.core.Tensor;
import arcus.experiments.json.Jackson;
import arcus.experiments.json.NumberArray;
import arcus.losses.ArcFace;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code arcus loss-eval}, run in-process through picocli with redirected streams. */
class LossEvalCommandTest {
  record Result(int status, String out, String err) {}

  static Result run(String stdin) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cl = new CommandLine(new LossEvalCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int status = cl.execute();
    return new Result(status, out.toString(), err.toString());
  }

  static final String FEATURES = "[[1, 2], [0.5, -1], [-0.3, 0.8]]";
  static final String WEIGHTS = "[[1, 0, -1], [0, 1, 0.5]]";

  @SuppressWarnings("unchecked")
  static Map<String, Object> ok(String stdin) {
    Result r = run(stdin);
    assertEquals(0, r.status(), r.out() + r.err());
    return Jackson.MAPPER.readValue(r.out(), Map.class);
  }

  static double num(Object o) {
    return ((Number) o).doubleValue(); // whole numbers parse as Long
  }

  @SuppressWarnings("unchecked")
  static double at(Object nested, int... idx) {
    Object o = nested;
    for (int i : idx) o = ((List<Object>) o).get(i);
    return num(o);
  }

  @Test
  void arcFaceCaseMatchesTheLibrary() {
    Map<String, Object> r = ok("{\"loss\": \"arcface\", \"features\": " + FEATURES + ", \"weights\": " + WEIGHTS
        + ", \"labels\": [0, 2, 1], \"params\": {\"s\": 64, \"m\": 0.5, \"easy_margin\": false}, \"dtype\": \"float64\"}");
    Tensor x = Tensor.of(new double[] {1, 2, 0.5, -1, -0.3, 0.8}, 3, 2);
    Tensor w = Tensor.of(new double[] {1, 0, -1, 0, 1, 0.5}, 2, 3);
    int[] labels = {0, 2, 1};
    ArcFace loss = new ArcFace(64, 0.5, false);
    var vg = Autodiff.valueAndGrad((List<Tensor> in) -> loss.loss(in.get(0), in.get(1), labels), List.of(x, w));
    assertEquals(vg.value().item(), num(r.get("value")), 1e-12);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 2; j++) assertEquals(vg.grad().get(0).get(i, j), at(r.get("grad_features"), i, j), 1e-12);
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 3; j++) assertEquals(vg.grad().get(1).get(i, j), at(r.get("grad_weights"), i, j), 1e-12);
    assertEquals(List.of("value", "grad_features", "grad_weights"), List.copyOf(r.keySet()));
  }

  @Test
  void everyLossEvaluates() {
    for (String name : arcus.losses.Losses.names()) {
      String weights = switch (name) {
        case "emsoftmax" -> "\"weights\": [" + WEIGHTS + ", " + WEIGHTS + "], ";
        case "simplex" -> "";
        default -> "\"weights\": " + WEIGHTS + ", ";
      };
      Map<String, Object> r = ok("{\"loss\": \"" + name + "\", \"features\": " + FEATURES + ", " + weights + "\"labels\": [0, 2, 1], \"dtype\": \"float32\"}");
      assertTrue(Double.isFinite(num(r.get("value"))), name);
      assertEquals(3, ((List<?>) r.get("grad_features")).size(), name);
      if (name.equals("emsoftmax")) assertEquals(2, ((List<?>) r.get("grad_weights")).size());
      if (name.equals("simplex")) assertFalse(r.containsKey("grad_weights"));
      if (name.equals("center")) assertEquals(3, ((List<?>) r.get("grad_centers")).size());
    }
  }

  @Test
  void softmaxBiasArrayGivesItsGradient() {
    Map<String, Object> r = ok("{\"loss\": \"softmax\", \"features\": " + FEATURES + ", \"weights\": " + WEIGHTS
        + ", \"labels\": [0, 2, 1], \"params\": {\"bias\": [0.1, -0.2, 0.3]}}");
    Tensor x = Tensor.of(new double[] {1, 2, 0.5, -1, -0.3, 0.8}, 3, 2);
    Tensor w = Tensor.of(new double[] {1, 0, -1, 0, 1, 0.5}, 2, 3);
    Tensor b = Tensor.of(new double[] {0.1, -0.2, 0.3}, 3);
    var vg = Autodiff.valueAndGrad((List<Tensor> in) -> arcus.core.Fn.crossEntropy(x.matmul(w).add(in.get(0)), new int[] {0, 2, 1}), List.of(b));
    assertEquals(vg.value().item(), num(r.get("value")), 1e-12);
    for (int j = 0; j < 3; j++) assertEquals(vg.grad().get(0).get(j), at(r.get("grad_bias"), j), 1e-12);
  }

  @Test
  void centerLossTakesCenters() {
    Map<String, Object> r = ok("{\"loss\": \"center\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"centers\": [[0, 0], [1, 1]], \"labels\": [1],"
        + " \"params\": {\"base\": \"softmax\", \"center_weight\": 2}}");
    // L_C = ½‖(1,2) − (1,1)‖² = 0.5, ∂(λ L_C)/∂c_1 = −λ(x − c_1) = (0, −2)
    assertEquals(0, at(r.get("grad_centers"), 1, 0), 1e-12);
    assertEquals(-2, at(r.get("grad_centers"), 1, 1), 1e-12);
  }

  @Test
  void emSoftmaxTakesKFromTheStackedWeights() {
    Map<String, Object> r = ok("{\"loss\": \"emsoftmax\", \"features\": " + FEATURES + ", \"weights\": [" + WEIGHTS + ", " + WEIGHTS + ", " + WEIGHTS
        + "], \"labels\": [0, 2, 1], \"params\": {\"m\": 0.2, \"hsic_lambda\": 0.5, \"combine\": \"sum\"}}");
    assertEquals(3, ((List<?>) r.get("grad_weights")).size());
  }

  @Test
  void emSoftmaxWithOneClassifierKeepsTheStackedLayout() {
    // found by tools/crosscheck: K = 1 used to look for a weight named "w" and fail
    Map<String, Object> r = ok("{\"loss\": \"emsoftmax\", \"features\": [[1, 2]], \"weights\": [[[1, 0], [0, 1]]], \"labels\": [0], \"params\": {\"K\": 1}}");
    assertEquals(Math.log(Math.exp(0.7) + Math.exp(2)) - 0.7, ((Number) r.get("value")).doubleValue(), 1e-12);
    assertEquals(1, ((List<?>) r.get("grad_weights")).size());
  }

  @Test
  void wholeLabelsMayBeWrittenAsDecimals() {
    String c = "{\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [%s]}";
    assertEquals(run(c.formatted("1")).out(), run(c.formatted("1.0")).out());
    assertEquals(run(c.formatted("1")).out(), run(c.formatted("1e0")).out());
  }

  @Test
  void outputIsOneLineWithSpacesAndFloatPrecision() {
    Result r = run("{\"loss\": \"softmax\", \"features\": [[0, 0]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0], \"params\": {\"bias\": true}, \"dtype\": \"float32\"}");
    assertEquals("{\"value\": 0.6931471824645996, \"grad_features\": [[-0.5, 0.5]], \"grad_weights\": [[0, 0], [0, 0]], \"grad_bias\": [-0.5, 0.5]}\n",
        r.out().replace("\r\n", "\n"));
  }

  @Test
  void resultWrittenByTheStreamingGeneratorIsWhatTheMapperWrites() {
    java.util.Random r = new java.util.Random(3);
    float[] big = new float[301 * 257]; // > 2^16 values: formatted in parallel
    for (int i = 0; i < big.length; i++) big[i] = r.nextInt(9) == 0 ? -0f : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(16) - 8));
    double[] small = {1, -0.5, 1e-300, 3};
    var full = new LossEvalCommand.Result(0.25, NumberArray.of(big, 301, 257), NumberArray.of(small, 2, 2), NumberArray.of(new float[] {0.5f}, 1),
        NumberArray.of(new double[] {2.5, -1}, 1, 2));
    var partial = new LossEvalCommand.Result(1e-9, NumberArray.of(small, 4, 1), null, null, null);
    for (var result : List.of(full, partial)) assertEquals(Jackson.line(result), result.toJson());
    assertEquals("{\"value\": 1.0E-9, \"grad_features\": [[1], [-0.5], [1.0E-300], [3]]}", partial.toJson());
  }

  @Test
  void registeredInMain() {
    assertTrue(Main.commandLine().getSubcommands().containsKey("loss-eval"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "invalid JSON | {\"loss\": \"arcface\",} | invalid JSON",
    "not an object | [1, 2] | JSON object",
    "empty input | '' | empty input",
    "trailing text | {\"loss\": \"softmax\"} x | unexpected text",
    "ragged features | {\"loss\": \"softmax\", \"features\": [[1, 2], [3]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0, 1]} | ragged",
    "non-number | {\"loss\": \"softmax\", \"features\": [[1, \"a\"]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0]} | features[0][1]",
    "label out of range | {\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [2]} | out of range",
    "negative label | {\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [-1]} | negative",
    "fractional label | {\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0.5]} | not an integer",
    "label count | {\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0, 1]} | 2 labels for 1",
    "unknown loss | {\"loss\": \"arcfce\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0]} | arcfce",
    "unknown parameter | {\"loss\": \"arcface\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0], \"params\": {\"margin\": 0.5}} | margin",
    "bad parameter type | {\"loss\": \"arcface\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0], \"params\": {\"s\": \"big\"}} | s must be a number",
    "wrong dimensions | {\"loss\": \"softmax\", \"features\": [[1, 2, 3]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0]} | feature dimension",
    "em weights rank | {\"loss\": \"emsoftmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0]} | weights",
    "wrong dtype | {\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0], \"dtype\": \"float16\"} | dtype",
    "missing field | {\"loss\": \"softmax\", \"weights\": [[1, 0], [0, 1]], \"labels\": [0]} | features",
    "unknown field | {\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0], \"extra\": 1} | extra",
    "bias length | {\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0], \"params\": {\"bias\": [1, 2, 3]}} | bias",
    "centers shape | {\"loss\": \"center\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0], \"centers\": [[1, 2]]} | centers",
    "one class | {\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1], [0]], \"labels\": [0]} | 2 classes",
    "huge number | {\"loss\": \"softmax\", \"features\": [[1e999, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0]} | out of range",
    "null loss | {\"loss\": null, \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0]} | loss: expected a string",
    "null features | {\"loss\": \"softmax\", \"features\": null, \"weights\": [[1, 0], [0, 1]], \"labels\": [0]} | features: expected a 2-dimensional array",
    "null element | {\"loss\": \"softmax\", \"features\": [[1, null]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0]} | features[0][1]: expected a number, got null",
    "null dtype | {\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0], \"dtype\": null} | got null",
    "null params | {\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0], \"params\": null} | params: expected an object",
    "null parameter | {\"loss\": \"arcface\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0], \"params\": {\"s\": null}} | params: s is null",
    "null centers | {\"loss\": \"center\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0], \"centers\": null} | centers: expected",
    "null simplex weights | {\"loss\": \"simplex\", \"features\": [[1, 2]], \"weights\": null, \"labels\": [0]} | omit",
    "huge label | {\"loss\": \"softmax\", \"features\": [[1, 2]], \"weights\": [[1, 0], [0, 1]], \"labels\": [3000000000]} | not an integer",
    "duplicate field | {\"loss\": \"softmax\", \"loss\": \"arcface\"} | Duplicate Object property",
    "deep nesting | {\"loss\": \"softmax\", \"features\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ | nesting depth",
    "features too deep | {\"loss\": \"softmax\", \"features\": [[[1, 2]]], \"weights\": [[1, 0], [0, 1]], \"labels\": [0]} | features: expected a 2-dimensional array of numbers, got a 3-dimensional one",
  })
  void malformedCaseExitsWith2AndNamesTheProblem(String what, String stdin, String expected) {
    Result r = run(stdin);
    assertEquals(2, r.status(), what + ": " + r.out());
    Object parsed = Jackson.MAPPER.readValue(r.out(), Object.class);
    assertTrue(parsed instanceof Map<?, ?> m && m.keySet().equals(java.util.Set.of("error")), r.out());
    String msg = (String) ((Map<?, ?>) parsed).get("error");
    assertTrue(msg.contains(expected), what + ": '" + msg + "' does not mention '" + expected + "'");
    assertFalse(r.out().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.out() + r.err());
  }
}
