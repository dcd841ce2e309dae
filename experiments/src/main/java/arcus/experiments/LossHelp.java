package arcus.experiments;

import arcus.losses.Losses;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The losses section of {@code arcus train --help}: every loss with its parameters and defaults, from the loss registry. */
final class LossHelp {
  private LossHelp() {}

  static final String HEADING = "%nLosses (--loss NAME) and their parameters (--loss-param k=v) with defaults:%n";

  static String[] lines() {
    List<String> out = new ArrayList<>();
    int w = 0;
    for (String n : Losses.names()) w = Math.max(w, n.length());
    for (String n : Losses.names()) {
      Map<String, Object> d = Losses.defaults(n);
      List<String> ps = new ArrayList<>();
      for (String p : Losses.PARAMETERS.get(n)) ps.add(d.containsKey(p) ? p + "=" + value(d.get(p)) : p + " (optional)");
      out.add("  " + n + " ".repeat(w - n.length() + 2) + (ps.isEmpty() ? "(no parameters)" : String.join(", ", ps)));
    }
    out.add("  center passes every other parameter to its base loss.");
    // the losses named here are the recipe map's, so a new recipe cannot be left out of the help
    String warmed = String.join(" and ", new java.util.TreeSet<>(arcus.experiments.train.TrainOptions.RECIPE_WARMUP.keySet()));
    out.add("  Recipes: " + warmed + " train the first half of their steps with softmax ([W-Softmax]; --warmup-epochs 0 turns it off);");
    out.add("  lsoftmax and sphereface blend in lambda=5 of cos θ (lambda=0: the pure margin, too hard from scratch in a short run).");
    out.add("  Each loss's formula: docs/losses.md.");
    return out.toArray(String[]::new);
  }

  private static String value(Object v) {
    if (v instanceof Double d) return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    return String.valueOf(v);
  }
}
