package arcus.nn.optim;

import arcus.core.Autodiff;
import arcus.core.Params;
import arcus.core.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma & Ba 2015) with bias correction and PyTorch's L2 weight decay (g ← g + wd·p,
 * not AdamW): m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; with t the 1-based step,
 * p ← p − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + eps).
 */
public record Adam(double beta1, double beta2, double eps, double weightDecay) implements Optimizer {
  public Adam {
    if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("Adam: beta1 must be in [0, 1), got " + beta1);
    if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("Adam: beta2 must be in [0, 1), got " + beta2);
    if (!(eps > 0)) throw new IllegalArgumentException("Adam: eps must be > 0, got " + eps);
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("Adam: weight decay must be >= 0, got " + weightDecay);
  }

  /** β1 = 0.9, β2 = 0.999, eps = 1e-8, no weight decay. */
  public static Adam defaults() {
    return new Adam(0.9, 0.999, 1e-8, 0);
  }

  @Override
  public OptState init(Params params) {
    return new OptState(0, Optimizer.slot("m", params).merge(Optimizer.slot("v", params)));
  }

  @Override
  public Update update(Params grads, OptState state, Params params, double lr) {
    Optimizer.checkLr("Adam", lr);
    params.checkSameStructure(grads);
    long t = state.step() + 1;
    double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
    List<String> names = params.names();
    List<Tensor> out = new ArrayList<>(names.size());
    // the moments updated in one map: Params.with copies the whole map, once per parameter
    var slots = new java.util.LinkedHashMap<>(state.slots().asMap());
    for (String name : names) {
      Tensor p = Autodiff.stopGradient(params.get(name));
      Tensor g = Autodiff.stopGradient(grads.get(name));
      if (weightDecay != 0) g = g.add(p.mul(weightDecay));
      Tensor m = slot(slots, "m." + name).mul(beta1).add(g.mul(1 - beta1));
      Tensor v = slot(slots, "v." + name).mul(beta2).add(g.square().mul(1 - beta2));
      slots.put("m." + name, m);
      slots.put("v." + name, v);
      out.add(p.sub(m.div(c1).div(v.div(c2).sqrt().add(eps)).mul(lr)));
    }
    return new Update(Params.of(names, out), new OptState(t, Params.of(slots)));
  }

  private static Tensor slot(java.util.Map<String, Tensor> slots, String name) {
    Tensor t = slots.get(name);
    if (t == null) throw new IllegalArgumentException("Adam: no optimizer state '" + name + "' (have " + slots.keySet() + ")");
    return t;
  }
}
