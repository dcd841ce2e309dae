package arcus.experiments.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.nn.data.ImageDataset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The verification scores against hand-made values. */
class VerificationTest {
  private static Set<String> pairSet(Verification.Pairs p, boolean same) {
    Set<String> s = new HashSet<>();
    for (int k = 0; k < p.size(); k++) if (p.same()[k] == same) s.add(Math.min(p.a()[k], p.b()[k]) + "-" + Math.max(p.a()[k], p.b()[k]));
    return s;
  }

  @Test
  void pairsAreHalfSameHalfDifferentDistinctAndNeverAnImageWithItself() {
    int[] labels = {0, 0, 1, 1, 1}; // same-class pairs: 0-1, 2-3, 2-4, 3-4; 6 different-class pairs
    Verification.Pairs p = Verification.sample(labels, 8, 5);
    assertEquals(8, p.size());
    assertEquals(4, p.positives());
    assertEquals(Set.of("0-1", "2-3", "2-4", "3-4"), pairSet(p, true), "all four same-class pairs, each once");
    assertEquals(4, pairSet(p, false).size(), "four distinct different-class pairs");
    for (int k = 0; k < p.size(); k++) {
      assertNotEquals(p.a()[k], p.b()[k]);
      assertEquals(p.same()[k], labels[p.a()[k]] == labels[p.b()[k]]);
      assertEquals(k % 2 == 0, p.same()[k], "alternating, so every fold is balanced");
    }
  }

  @Test
  void pairsDependOnTheSeedAloneAndTooManyAreRefused() {
    int[] labels = new int[300];
    for (int i = 0; i < labels.length; i++) labels[i] = 7 + i % 3;
    Verification.Pairs a = Verification.sample(labels, 200, 1), b = Verification.sample(labels, 200, 1), c = Verification.sample(labels, 200, 2);
    assertArrayEquals(a.a(), b.a());
    assertArrayEquals(a.b(), b.b());
    assertFalse(java.util.Arrays.equals(a.a(), c.a()));
    assertEquals(100, pairSet(a, true).size());
    assertEquals(100, pairSet(a, false).size());
    assertThrows(IllegalArgumentException.class, () -> Verification.sample(new int[] {0, 0, 1, 1, 1}, 10, 1)); // 5 same pairs > 4
    assertThrows(IllegalArgumentException.class, () -> Verification.sample(labels, 7, 1));
  }

  @Test
  void cosinesOfFeatureRows() {
    double[][] x = {{1, 0}, {0, 2}, {3, 0}, {0, 0}, {-1, 1}};
    var p = new Verification.Pairs(new int[] {0, 0, 0, 0}, new int[] {1, 2, 3, 4}, new boolean[4]);
    assertArrayEquals(new double[] {0, 1, 0, -Math.sqrt(0.5)}, Verification.cosines(x, p), 1e-12);
  }

  @Test
  void bestThresholdMaximisesAccuracyAtTheLowestCut() {
    // sorted: 0.1 d, 0.2 s, 0.3 d, 0.4 s, 0.5 s: accepting all is 3/5; cut after 0.1 (t = 0.15) and after 0.3 (t = 0.35) are 4/5
    double[] s = {0.4, 0.1, 0.5, 0.3, 0.2};
    boolean[] y = {true, false, true, false, true};
    assertEquals(0.15, Verification.bestThreshold(s, y), 1e-12);
    assertEquals(0.8, Verification.accuracy(s, y, 0.15), 1e-12);
    assertEquals(Double.NEGATIVE_INFINITY, Verification.bestThreshold(new double[] {0.3, 0.2}, new boolean[] {true, true}));
  }

  @Test
  void tenFoldAccuracyOnAHandMadeSet() {
    // 20 pairs alternating same/different: same pairs score 0.8 except pair 0 (-1.0, below every different pair);
    // different pairs score -0.1, -0.14, ... Folds are pairs {0,1}, {2,3}, ...; each fold's threshold, chosen on the
    // other 18 pairs, lies between the highest different score and 0.8, so only pair 0 is judged wrong: fold 0 gets
    // 1/2, the nine others 2/2, the mean is 0.95.
    double[] s = new double[20];
    boolean[] y = new boolean[20];
    for (int k = 0; k < 20; k++) {
      y[k] = k % 2 == 0;
      s[k] = y[k] ? 0.8 : -0.1 - 0.02 * k;
    }
    s[0] = -1.0;
    assertEquals(0.95, Verification.foldAccuracy(s, y, 10), 1e-12);
    s[0] = 0.8;
    assertEquals(1.0, Verification.foldAccuracy(s, y, 10), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> Verification.foldAccuracy(new double[5], new boolean[5], 10));
  }

  @Test
  void tarAtFarOnAHandMadeSet() {
    double[] neg = new double[100];
    for (int i = 0; i < 100; i++) neg[i] = i / 100.0; // 0.00 .. 0.99
    double[] pos = {0.985, 0.99, 0.5, 0.999};
    Verification.TarAtFar at2 = Verification.tarAtFar(pos, neg, 1e-2); // one negative may pass: threshold 0.98
    assertEquals(0.98, at2.threshold(), 1e-12);
    assertEquals(1, at2.falseAccepts());
    assertEquals(0.75, at2.tar(), 1e-12);
    Verification.TarAtFar at3 = Verification.tarAtFar(pos, neg, 1e-3); // none may pass: threshold 0.99, a tie is rejected
    assertEquals(0, at3.falseAccepts());
    assertEquals(0.25, at3.tar(), 1e-12);
    assertEquals(1.0, Verification.tarAtFar(pos, neg, 1).tar(), 1e-12);
    assertEquals(30, Verification.falseAccepts(1e-2, 3000));
    assertEquals(3, Verification.falseAccepts(1e-3, 3000));
  }

  @Test
  void aucEqualsTheBruteForcePairCount() {
    assertEquals(1.0, Verification.auc(new double[] {3, 4}, new double[] {1, 2}), 1e-12);
    assertEquals(0.5, Verification.auc(new double[] {1}, new double[] {1}), 1e-12);
    Random r = new Random(3);
    double[] pos = new double[37], neg = new double[23];
    for (int i = 0; i < pos.length; i++) pos[i] = Math.round(r.nextGaussian() * 5 + 3) / 10.0; // coarse: many ties
    for (int i = 0; i < neg.length; i++) neg[i] = Math.round(r.nextGaussian() * 5) / 10.0;
    double count = 0;
    for (double p : pos) for (double n : neg) count += p > n ? 1 : p == n ? 0.5 : 0;
    assertEquals(count / (pos.length * neg.length), Verification.auc(pos, neg), 1e-12);
  }

  @Test
  void farGridIsLogSpacedFromOneNegativeToOne() {
    double[] f = Verification.farGrid(1000, 4);
    assertArrayEquals(new double[] {1e-3, 1e-2, 1e-1, 1}, f, 1e-12);
  }

  @Test
  void heldOutKeepsTheClassesFromKOnWithTheirPixels() {
    byte[] px = {10, 11, 12, 13};
    var d = new ImageDataset("t", px, 4, 1, 1, 1, new int[] {0, 8, 3, 9}, 10);
    ImageDataset h = VerificationCommand.heldOut(d, 7);
    assertEquals(2, h.n());
    assertArrayEquals(new int[] {8, 9}, h.labels());
    assertArrayEquals(new byte[] {11, 13}, h.pixels());
  }

  private static VerificationCommand.Summaries acc(String label, double... xs) {
    Stats.Summary s = Stats.of(xs);
    return new VerificationCommand.Summaries(label, s, s, s, s, s);
  }

  @Test
  void verdictWordsFollowTheComparison() {
    Map<String, VerificationCommand.Summaries> by = new LinkedHashMap<>();
    by.put("softmax", acc("softmax", 0.90, 0.91, 0.92));
    by.put("arcface", acc("arcface(s=30)", 0.95, 0.96, 0.97));
    by.put("cosface", acc("cosface", 0.955, 0.925, 0.985));
    by.put("sphereface", acc("sphereface", 0.80, 0.81, 0.82));
    List<String> v = VerificationCommand.verdict(by);
    assertEquals(5, v.size(), v.toString());
    assertTrue(v.get(0).startsWith("arcface(s=30) > softmax") && v.get(0).endsWith("verdict: reproduced."), v.get(0));
    assertTrue(v.get(1).startsWith("cosface > softmax") && v.get(1).contains("verdict: reproduced."), v.get(1)); // +4.5 points > 1 + 3
    assertTrue(v.get(2).startsWith("sphereface > softmax") && v.get(2).endsWith("not reproduced (reversed beyond the spread)."), v.get(2));
    assertTrue(v.get(3).startsWith("arcface(s=30) ≥ cosface") && v.get(3).endsWith("in direction only (within the spread)."), v.get(3));
    assertTrue(v.get(4).startsWith("cosface ≥ sphereface") && v.get(4).endsWith("verdict: reproduced."), v.get(4));
    assertEquals(List.of("no claim applies to these losses (the claims need softmax and a margin loss, or two of arcface, cosface, sphereface)."),
        VerificationCommand.verdict(Map.of("softmax", acc("softmax", 0.9))));
  }
}
