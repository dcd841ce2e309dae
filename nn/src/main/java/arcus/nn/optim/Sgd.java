package arcus.nn.optim;

import arcus.core.Autodiff;
import arcus.core.Fused;
import arcus.core.Params;
import arcus.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Stochastic gradient descent with PyTorch's semantics (dampening 0): g ← g + wd·p;
 * buf ← μ·buf + g; step direction g + μ·buf (Nesterov) or buf; p ← p − lr·direction. The
 * buffers start at zero, which equals PyTorch's "buf = g on the first step". With μ = 0 there is
 * no state beyond the step counter.
 */
public record Sgd(double momentum, boolean nesterov, double weightDecay) implements Optimizer {
  public Sgd {
    if (!(momentum >= 0)) throw new IllegalArgumentException("Sgd: momentum must be >= 0, got " + momentum);
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("Sgd: weight decay must be >= 0, got " + weightDecay);
    if (nesterov && momentum == 0) throw new IllegalArgumentException("Sgd: Nesterov momentum needs momentum > 0");
  }

  public static Sgd plain() {
    return new Sgd(0, false, 0);
  }

  @Override
  public OptState init(Params params) {
    return new OptState(0, momentum == 0 ? Params.empty() : Optimizer.slot("momentum", params));
  }

  @Override
  public Update update(Params grads, OptState state, Params params, double lr) {
    Optimizer.checkLr("Sgd", lr);
    params.checkSameStructure(grads);
    var newParams = new LinkedHashMap<String, Tensor>();
    // the buffers updated in one map: Params.with copies the whole map, once per parameter
    var slots = new LinkedHashMap<>(state.slots().asMap());
    for (String name : params.names()) {
      Tensor p = Autodiff.stopGradient(params.get(name));
      Tensor g = Autodiff.stopGradient(grads.get(name));
      if (momentum != 0 && !nesterov) {
        // the same operations in one pass (the composed form below on a backend without it)
        Tensor[] r = Fused.sgdMomentumStep(p, g, Autodiff.stopGradient(slot(slots, "momentum." + name)), weightDecay, momentum, lr);
        slots.put("momentum." + name, r[1]);
        newParams.put(name, r[0]);
        continue;
      }
      if (weightDecay != 0) g = g.add(p.mul(weightDecay));
      Tensor dir = g;
      if (momentum != 0) {
        Tensor buf = slot(slots, "momentum." + name).mul(momentum).add(g);
        slots.put("momentum." + name, buf);
        dir = nesterov ? g.add(buf.mul(momentum)) : buf;
      }
      newParams.put(name, p.sub(dir.mul(lr)));
    }
    return new Update(Params.of(List.copyOf(newParams.keySet()), List.copyOf(newParams.values())), new OptState(state.step() + 1, Params.of(slots)));
  }

  private static Tensor slot(java.util.Map<String, Tensor> slots, String name) {
    Tensor t = slots.get(name);
    if (t == null) throw new IllegalArgumentException("Sgd: no optimizer state '" + name + "' (have " + slots.keySet() + ")");
    return t;
  }
}
