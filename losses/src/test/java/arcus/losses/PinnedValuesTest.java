package arcus.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import arcus.core.Autodiff;
import arcus.core.DType;
import arcus.core.Params;
import arcus.core.Rng;
import arcus.core.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every loss's value, training logits and gradients on one fixed random case, pinned to the values
 * the losses gave before the target-logit hook ({@code TargetMargin}) replaced their hand-written
 * logits. Each probe is a sum against fixed random weights, so any changed element moves it.
 */
class PinnedValuesTest {
  static final int N = 8, D = 5, C = 6; // D = C − 1 so that the simplex head fits too

  /** The cases: every registry name at its defaults, and the margin losses' other branches. */
  static Map<String, MarginLoss> cases() {
    Map<String, MarginLoss> cs = new LinkedHashMap<>();
    for (String name : Losses.names()) cs.put(name, Losses.create(name, Map.of()));
    cs.put("arcface easy_margin", new ArcFace(64, 0.5, true));
    cs.put("arcface m=1.5 (fallback)", new ArcFace(16, 1.5, false));
    cs.put("cosface s=10 m=0.2", new CosFace(10, 0.2));
    cs.put("combined 1.2,0.3,0.2", new CombinedMargin(16, 1.2, 0.3, 0.2));
    cs.put("lsoftmax m=3 λ=2", new LSoftmax(3, 2));
    cs.put("lsoftmax m=4 λ=0", new LSoftmax(4, 0));
    cs.put("sphereface m=4 λ=0", new SphereFace(4, 0));
    cs.put("lsoftmax m=1 λ=0", new LSoftmax(1, 0));
    cs.put("sphereface m=3 λ=5", new SphereFace(3, 5));
    cs.put("sphereface m=2 λ=0", new SphereFace(2, 0));
    cs.put("simplex s=30", new SimplexClassifier(30));
    cs.put("center(arcface)", Losses.create("center", Map.of("base", "arcface", "center_weight", 0.1)));
    return cs;
  }

  /** loss, Σ logits ⊙ R, Σ ∂L/∂x ⊙ R_x, Σ_k Σ ∂L/∂p_k ⊙ R_k, in the given dtype. */
  static double[] probe(MarginLoss loss, DType dtype) {
    Rng rng = new Rng(20261127);
    int[] labels = labels(rng);
    Tensor x = rng.normal(DType.F64, 0, 2, N, D);
    Params p = loss.init(rng, DType.F64, D, C).map(t -> rng.normal(DType.F64, 0, 1, t.shape().dims()));
    Tensor r = rng.normal(DType.F64, 0, 1, N, C);
    List<Tensor> rs = new ArrayList<>();
    rs.add(rng.normal(DType.F64, 0, 1, N, D));
    for (Tensor t : p.tensors()) rs.add(rng.normal(DType.F64, 0, 1, t.shape().dims()));
    Tensor xd = x.to(dtype);
    Params pd = p.map(t -> t.to(dtype));
    List<String> names = pd.names();
    List<Tensor> in = new ArrayList<>();
    in.add(xd);
    in.addAll(pd.tensors());
    var vg = Autodiff.valueAndGrad((List<Tensor> xs) -> loss.loss(xs.get(0), Params.of(names, xs.subList(1, xs.size())), labels), in);
    double logits = dot(loss.logits(xd, pd, labels), r);
    double gx = dot(vg.grad().get(0), rs.get(0)), gp = 0;
    for (int k = 1; k < in.size(); k++) gp += dot(vg.grad().get(k), rs.get(k));
    return new double[] {vg.value().item(), logits, gx, gp};
  }

  static int[] labels(Rng rng) {
    int[] labels = new int[N];
    for (int i = 0; i < N; i++) labels[i] = rng.nextInt(C);
    return labels;
  }

  /** cos θ_y of the case's samples for a loss with a single weight matrix "w". */
  static double[] targetCosines(MarginLoss loss) {
    Rng rng = new Rng(20261127);
    int[] labels = labels(rng);
    Tensor x = rng.normal(DType.F64, 0, 2, N, D);
    Params p = loss.init(rng, DType.F64, D, C).map(t -> rng.normal(DType.F64, 0, 1, t.shape().dims()));
    return Geometry.cosine(x, p.get("w")).takeAlong(1, labels).toDoubleArray();
  }

  static double dot(Tensor a, Tensor b) {
    double[] x = a.toDoubleArray(), y = b.toDoubleArray();
    double s = 0;
    for (int i = 0; i < x.length; i++) s += x[i] * y[i];
    return s;
  }

  /** Relative tolerances: float rounding of the reordered arithmetic, not a behaviour change. */
  static final double TOL_F64 = 1e-12, TOL_F32 = 1e-5;

  record Pin(String name, double[] f64, double[] f32) {}

  static final List<Pin> PINS = new ArrayList<>();

  static void pin(String name, double[] f64, double[] f32) {
    PINS.add(new Pin(name, f64, f32));
  }

  // Computed with the losses as of commit 0e7d397 (before the target-logit hook).
  static {
    pin("softmax", new double[] {8.655805588774875, -0.3871393464690829, -0.7766401650073794, 4.451381971039946}, new double[] {8.655805587768555, -0.38713685028147204, -0.776640020180132, 4.451381692873276});
    pin("normface", new double[] {21.362373315069753, -44.61853872330032, -0.1604347990771652, 3.6491592999520366}, new double[] {21.36237335205078, -44.6185418112431, -0.16043466044404678, 3.6491598833720533});
    pin("l2softmax", new double[] {30.746094752297164, -31.765913113696374, -0.29906966199980484, 16.026205814790533}, new double[] {30.746097564697266, -31.765920130970343, -0.2990689581344592, 16.02620626996221});
    pin("lsoftmax m=4 λ=0", new double[] {51.392810293923326, 11.471523046969429, -5.476473409359103, 12.703900832641509}, new double[] {51.3928108215332, 11.471523960133078, -5.476472197809107, 12.703899687856252});
    pin("sphereface m=4 λ=0", new double[] {17.471669132656007, -5.481579083522321, -1.811022121312463, -0.6825926353558514}, new double[] {17.471668243408203, -5.481577704389038, -1.8110220365244982, -0.682592750285173});
    pin("cosface", new double[] {29.818151513721233, -57.0828596305768, -0.3495636219656984, 3.339631077278563}, new double[] {29.818153381347656, -57.08286019795042, -0.3495635281689911, 3.339631574029169});
    pin("arcface", new double[] {66.43261893894788, -111.80275057247384, -0.06910492989493874, 4.33638469223486}, new double[] {66.43262481689453, -111.80275932322756, -0.06910345071427515, 4.336385464881923});
    pin("combined", new double[] {69.44893141032007, -121.03031388484563, -0.36781059866466265, 5.352048503032432}, new double[] {69.44893646240234, -121.03033316769447, -0.36781025188429683, 5.352048953305943});
    pin("wsoftmax", new double[] {2.9873298818899543, -8.187095416188745, -0.20353374473313243, 0.6641829443407354}, new double[] {2.9873299598693848, -8.187095286277737, -0.20353374413550165, 0.6641830008494148});
    pin("emsoftmax", new double[] {4.018320569233522, -9.856533172720788, 1.0404385041431155, -0.2126304119393727}, new double[] {4.0183210372924805, -9.856535420861118, 1.0404384281798436, -0.2126303967803203});
    pin("pureangular", new double[] {16.229979734745704, -159.5985543390592, -0.045091201022848665, 6.171528295922199}, new double[] {16.229982376098633, -159.5985560694704, -0.04509136600461763, 6.171531951016876});
    pin("hinge", new double[] {22.434694734380862, -0.3871393464690829, -3.178105650627647, 10.24543455757787}, new double[] {22.434694290161133, -0.38713685028147204, -3.178105163337927, 10.245434784882153});
    pin("center", new double[] {8.685418756992675, -5.978255625599725, -0.40132481018349264, -0.39544734538532283}, new double[] {8.685419082641602, -5.9782536867565526, -0.40132489764575974, -0.3954472848566185});
    pin("simplex s=30", new double[] {20.243811005850574, -49.565485495301594, 1.7711172720905692, 0.0}, new double[] {20.243810653686523, -49.56548252645314, 1.7711176279426388, 0.0});
    pin("arcface easy_margin", new double[] {47.95804092274871, -114.348807284497, -0.7442056314369547, 6.9215740468019495}, new double[] {47.958045959472656, -114.3488156277357, -0.7442047475648623, 6.9215750024828635});
    pin("arcface m=1.5 (fallback)", new double[] {30.777557492865284, -69.00920045582102, -0.6351530848864237, 3.353654524418633}, new double[] {30.777559280395508, -69.00920551486197, -0.6351529070908671, 3.353654828921213});
    pin("cosface s=10 m=0.2", new double[] {8.793801047607898, -17.247002604390865, -0.12793787139909377, 1.3851076832050397}, new double[] {8.793802261352539, -17.24700570399032, -0.12793780108266362, 1.3851076689459156});
    pin("combined 1.2,0.3,0.2", new double[] {20.575683934996817, -30.823605791556467, -0.16359290157883033, 0.8287955718343539}, new double[] {20.575685501098633, -30.82360973147411, -0.16359305285034623, 0.8287955768478935});
    pin("lsoftmax m=3 λ=2", new double[] {17.457838036972586, 1.6397305894435743, -1.343967479507201, 7.201825804653602}, new double[] {17.457839965820312, 1.639731215211534, -1.3439677647993717, 7.201826039958586});
    pin("lsoftmax m=1 λ=0", new double[] {8.655805588774875, -0.3871393464690829, -0.7766401650073794, 4.451381971039946}, new double[] {8.655805587768555, -0.3871367284210978, -0.776640061595734, 4.451381568874848});
    pin("sphereface m=3 λ=5", new double[] {4.985367046312317, -3.4547600197686137, -0.4721511533379527, 0.6424065547154634}, new double[] {4.9853668212890625, -3.4547599871723493, -0.4721511501552694, 0.6424065142935589});
    pin("sphereface m=2 λ=0", new double[] {7.746621159393226, -2.9950411824415806, -1.1270344054012387, 0.9726877460863012}, new double[] {7.746621131896973, -2.9950422002797343, -1.1270343226753836, 0.9726878351920009});
    // The registry defaults of lsoftmax and sphereface became λ = 5 (the recipe, docs/losses.md) after
    // the pins above: the m = 4, λ = 0 cases keep their old values; these two were computed when the
    // default changed, and the λ blend itself is pinned by the λ = 2 and λ = 5 cases above.
    pin("lsoftmax", new double[] {15.2621629989493, 1.5893043857706666, -1.742221033140209, 5.583623328345958}, new double[] {15.262163162231445, 1.589305294305732, -1.7422209591544413, 5.583623660730698});
    pin("sphereface", new double[] {5.750648125464166, -3.5192468938141848, -0.6624245400613227, 0.34775147897478187}, new double[] {5.750648021697998, -3.5192465574781693, -0.6624245801260948, 0.34775146796734746});
    // The simplex head's default scale became s = 10 (docs/results.md, "Every loss after one epoch");
    // the s = 30 case keeps its old values, the default's were computed when it changed.
    pin("simplex", new double[] {6.9356946059650255, -16.521828498433866, 0.5896567835817934, 0.0}, new double[] {6.935694217681885, -16.521826894027583, 0.5896567952241245, 0.0});
    pin("center(arcface)", new double[] {67.41972454620786, -119.53654540370866, -8.455530840788596, 3.6279885143054003}, new double[] {67.41973114013672, -119.53654233004481, -8.455531024746861, 3.627988379606452});
  }

  static void assertPinned(String what, double[] expected, double[] actual, double tol) {
    String[] probes = {"loss", "logits", "grad x", "grad params"};
    for (int i = 0; i < expected.length; i++)
      assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + ": " + probes[i]);
  }

  /** The ArcFace variants are pinned on both sides of their branch points. */
  @Test
  void theArcFaceCasesCoverBothBranches() {
    ArcFace fallback = (ArcFace) cases().get("arcface m=1.5 (fallback)");
    double[] cos = targetCosines(fallback);
    assertTrue(java.util.Arrays.stream(cos).anyMatch(c -> c <= fallback.th()) && java.util.Arrays.stream(cos).anyMatch(c -> c > fallback.th()));
    assertTrue(java.util.Arrays.stream(cos).anyMatch(c -> c <= 0) && java.util.Arrays.stream(cos).anyMatch(c -> c > 0));
  }

  @Test
  void everyLossKeepsItsPinnedValuesAndGradients() {
    Map<String, MarginLoss> cs = cases();
    assertEquals(cs.keySet(), PINS.stream().map(Pin::name).collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)));
    for (Pin pin : PINS) {
      MarginLoss loss = cs.get(pin.name());
      assertPinned(pin.name() + " f64", pin.f64(), probe(loss, DType.F64), TOL_F64);
      assertPinned(pin.name() + " f32", pin.f32(), probe(loss, DType.F32), TOL_F32);
    }
  }
}
