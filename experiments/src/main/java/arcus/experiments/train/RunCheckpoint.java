package arcus.experiments.train;

import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Tensor;
import arcus.experiments.json.Jackson;
import arcus.nn.TrainStep;
import arcus.nn.io.CheckpointData;
import arcus.nn.io.Checkpoints;
import arcus.nn.io.NamedArray;
import arcus.nn.optim.OptState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's checkpoint in the format of docs/checkpoint-format.md: the parameters under
 * {@code params/}, the model state (batch-norm statistics) under {@code state/}, the optimizer
 * slots under {@code opt/}; the step, the finished epochs, the per-epoch history and the config
 * in the metadata. Loading checks the model id, every name and shape, and the dtype.
 */
final class RunCheckpoint {
  private RunCheckpoint() {}

  static void save(Path path, Trainer t, Trainer.Progress p) {
    List<NamedArray> arrays = new ArrayList<>();
    add(arrays, "params/", p.state().params());
    add(arrays, "state/", p.state().modelState());
    add(arrays, "opt/", p.state().optState().slots());
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("step", Long.toString(p.step()));
    meta.put("opt_step", Long.toString(p.state().optState().step()));
    meta.put("epochs_done", Integer.toString(p.epochsDone()));
    meta.put("dtype", t.dtype.toString());
    meta.put("config", Jackson.compact(t.config()));
    meta.put("history", Jackson.compact(p.history()));
    meta.put("step_losses", stepLosses(p.stepLosses()));
    Checkpoints.write(path, new CheckpointData(t.checkpointModelId(), p.step(), meta, arrays));
  }

  private static void add(List<NamedArray> out, String prefix, Params p) {
    p.asMap().forEach((k, v) -> out.add(v.dtype() == DType.F32
        ? NamedArray.of(prefix + k, v.shape().dims(), v.toFloatArray())
        : NamedArray.of(prefix + k, v.shape().dims(), v.toDoubleArray())));
  }

  /** Restores a checkpoint into the structure of {@code fresh} (which fixes names, shapes and dtype). */
  static Trainer.Progress load(Path path, Trainer t, TrainStep.State fresh) {
    CheckpointData ck = Checkpoints.read(path);
    Map<String, int[]> expected = new LinkedHashMap<>();
    fresh.params().asMap().forEach((k, v) -> expected.put("params/" + k, v.shape().dims()));
    fresh.modelState().asMap().forEach((k, v) -> expected.put("state/" + k, v.shape().dims()));
    fresh.optState().slots().asMap().forEach((k, v) -> expected.put("opt/" + k, v.shape().dims()));
    Checkpoints.checkCompatible(path.toString(), ck, t.checkpointModelId(), expected);
    String dt = ck.meta().get("dtype");
    if (dt != null && !dt.equals(t.dtype.toString()))
      throw new IllegalArgumentException(path + ": saved in " + dt + ", this run uses " + t.dtype);
    Params params = restore(ck, "params/", fresh.params(), t);
    Params state = restore(ck, "state/", fresh.modelState(), t);
    Params slots = restore(ck, "opt/", fresh.optState().slots(), t);
    long optStep = Long.parseLong(ck.meta().getOrDefault("opt_step", Long.toString(ck.step())));
    int epochs = Integer.parseInt(ck.meta().getOrDefault("epochs_done", "0"));
    List<EpochMetrics> history = History.fromJson(ck.meta().getOrDefault("history", "[]"));
    double[] losses = stepLosses(path, ck.meta().get("step_losses"), ck.step());
    return new Trainer.Progress(new TrainStep.State(params, state, new OptState(optStep, slots)), ck.step(), epochs, history, losses);
  }

  /** The per-step losses as text: space-separated, each exactly as Double.toString writes it. */
  static String stepLosses(double[] losses) {
    StringBuilder sb = new StringBuilder(losses.length * 20);
    for (int i = 0; i < losses.length; i++) sb.append(i == 0 ? "" : " ").append(losses[i]);
    return sb.toString();
  }

  /** Parses {@link #stepLosses(double[])}; a checkpoint without them (older runs) gives NaN for every step. */
  static double[] stepLosses(Path source, String text, long steps) {
    double[] out = new double[Math.toIntExact(steps)];
    java.util.Arrays.fill(out, Double.NaN);
    if (text == null || text.isBlank()) return out;
    String[] parts = text.trim().split(" ");
    for (int i = 0; i < Math.min(parts.length, out.length); i++) {
      try {
        out[i] = Double.parseDouble(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(source + ": step_losses entry " + i + " is not a number: '" + parts[i] + "'");
      }
    }
    return out;
  }

  private static Params restore(CheckpointData ck, String prefix, Params like, Trainer t) {
    List<String> names = new ArrayList<>();
    List<Tensor> tensors = new ArrayList<>();
    like.asMap().forEach((k, v) -> {
      NamedArray a = ck.array(prefix + k);
      Tensor x = a.f32() != null ? Tensor.of(a.f32(), a.shape()) : Tensor.of(a.f64(), a.shape());
      names.add(k);
      tensors.add(x.to(v.dtype()).to(t.backend));
    });
    return Params.of(names, tensors);
  }
}
