#!/usr/bin/python3
"""Cross-check `bin/arcus loss-eval` against the PyTorch references in reference_losses.py.

Usage:  /usr/bin/python3 tools/crosscheck/run.py [--jobs 2] [--seeds 4] [--keep-failing DIR]

For every loss it generates random cases (several seeds, random N 1-8, d 1-8, C 2-7) and edge
cases (features at angle 0.01 / 0.003 from their class weight and from its opposite, large s,
different margins, λ > 0, m = 1..4, easy_margin both ways, α = 0 and > 0, K = 1..3 with HSIC,
...), runs one JVM per case and compares the value and every gradient with the float64
PyTorch result.

Errors, per output array (value, grad_features, grad_weights, grad_bias, grad_centers):
  norm  = ‖a − b‖₂ / max(‖b‖₂, 1e-7)    (Frobenius; b = PyTorch)  -- the pass criterion
          (the 1e-7 floor only matters for gradients that are mathematically zero, see NORM_FLOOR)
  elem  = max_i |a_i − b_i| / max(|b_i|, 1e-12)                       -- reported only
A case fails if any norm error > 1e-6 (TOL), if the output keys differ, or if a value is not
finite. Three+ malformed cases must give exit status 2 and a JSON {"error": ...}.
Exit status: 0 all agree, 1 otherwise.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import reference_losses as R  # noqa: E402

TOL = 1e-6
# Denominator floor of the norm-wise error. With d = 1 every cos θ is exactly ±1, so the
# gradients of the normalised losses are mathematically zero and both sides hold only round-off
# (~1e-15 × s); below 1e-7 in norm a gradient is compared absolutely (‖a − b‖ ≤ 1e-13).
NORM_FLOOR = 1e-7
ARCUS = [os.path.join(ROOT, "bin", "arcus"), "loss-eval"]


# ------------------------------------------------------------------------------------ generation

def rmat(rng, r, c, scale=1.0):
    return [[rng.gauss(0, scale) for _ in range(c)] for _ in range(r)]


def unit(v):
    n = math.sqrt(sum(t * t for t in v))
    return [t / n for t in v]


def at_angle(rng, w_col, phi, radius):
    """A vector of norm `radius` at angle phi from w_col (d ≥ 2)."""
    wh = unit(w_col)
    while True:
        u = [rng.gauss(0, 1) for _ in wh]
        dot = sum(a * b for a, b in zip(u, wh))
        u = [a - dot * b for a, b in zip(u, wh)]
        if math.sqrt(sum(t * t for t in u)) > 1e-3:
            break
    u = unit(u)
    return [radius * (math.cos(phi) * a + math.sin(phi) * b) for a, b in zip(wh, u)]


def make_case(rng, loss, params, edge=None, N=None, d=None, C=None, K=None, centers=False,
              wscale=1.0):
    N = N or rng.randint(1, 8)
    d = d or rng.randint(1, 8)
    C = C or rng.randint(2, 7)
    if edge:
        d = max(d, 2)
    if loss == "simplex":
        C = d + 1
    y = [rng.randrange(C) for _ in range(N)]
    x = rmat(rng, N, d, rng.choice([0.5, 1.0, 3.0]))
    case = {"loss": loss, "labels": y, "params": params, "dtype": "float64"}
    if loss == "emsoftmax":
        w = [rmat(rng, d, C, wscale) for _ in range(K)]
    elif loss != "simplex":
        w = rmat(rng, d, C, wscale)
    if edge:
        cols = R.simplex_weights(C).T.tolist() if loss == "simplex" else \
            [[w[r][j] for r in range(d)] for j in range(C)] if loss != "emsoftmax" else \
            [[w[0][r][j] for r in range(d)] for j in range(C)]
        for i in range(N):
            phi = {"near": rng.choice([0.01, 0.003]),
                   "opposite": math.pi - rng.choice([0.01, 0.003]),
                   "mixed": rng.choice([0.01, math.pi - 0.01, None])}[edge]
            if phi is not None:
                x[i] = at_angle(rng, cols[y[i]], phi, rng.choice([0.7, 2.0, 5.0]))
    case["features"] = x
    if loss != "simplex":
        case["weights"] = w
    if centers:
        case["centers"] = rmat(rng, C, d)
    return case


def cases(seeds):
    out = []

    def add(tag, rng, loss, params, **kw):
        out.append((loss, tag, make_case(rng, loss, params, **kw)))

    for seed in range(seeds):
        rng = random.Random(1000 + seed)
        add("random", rng, "softmax", {})
        add("bias=true", rng, "softmax", {"bias": True})
        C = rng.randint(2, 7)
        add("bias=array", rng, "softmax", {"bias": [rng.gauss(0, 1) for _ in range(C)]}, C=C)
        add("s=30", rng, "normface", {})
        add("s=256", rng, "normface", {"s": 256.0}, edge="mixed")
        add("a=16", rng, "l2softmax", {})
        add("a=5,bias", rng, "l2softmax", {"a": 5.0, "bias": True})
        for name in ("lsoftmax", "sphereface"):
            for m in (1, 2, 3, 4):
                lam = rng.choice([0.0, 0.0, 2.5, 100.0])
                add(f"m={m},λ={lam}", rng, name, {"m": m, "lambda": lam})
            m = rng.choice([2, 3, 4])
            add(f"m={m},near", rng, name, {"m": m}, edge="near")
            add(f"m={m},opposite", rng, name, {"m": m, "lambda": 1.0}, edge="opposite")
        s, m = rng.choice([(30.0, 0.35), (64.0, 0.1), (128.0, 0.5)])
        add(f"s={s},m={m}", rng, "cosface", {"s": s, "m": m})
        add("near", rng, "cosface", {}, edge="near")
        add("s=2,near", rng, "cosface", {"s": 2.0}, edge="near")
        add("opposite", rng, "cosface", {"s": 64.0}, edge="opposite")
        for easy in (False, True):
            s, m = rng.choice([(64.0, 0.5), (30.0, 0.2), (256.0, 0.5), (64.0, 0.8)])
            add(f"easy={easy},s={s},m={m}", rng, "arcface", {"s": s, "m": m, "easy_margin": easy})
            add(f"easy={easy},near", rng, "arcface", {"easy_margin": easy}, edge="near")
            # small s: the softmax is not saturated, so the gradients near θ_y ≈ 0 are O(1)
            add(f"easy={easy},s=2,near", rng, "arcface", {"easy_margin": easy, "s": 2.0}, edge="near")
            add(f"easy={easy},s=2,opposite", rng, "arcface", {"easy_margin": easy, "s": 2.0},
                edge="opposite")
            add(f"easy={easy},opposite", rng, "arcface", {"easy_margin": easy, "m": 0.3},
                edge="opposite")
        m1, m2, m3 = rng.choice([(1.0, 0.3, 0.2), (1.5, 0.0, 0.1), (0.9, 0.4, 0.15), (2.0, 0.2, 0.0)])
        add(f"m=({m1},{m2},{m3})", rng, "combined", {"s": 30.0, "m1": m1, "m2": m2, "m3": m3})
        add("defaults,mixed", rng, "combined", {}, edge="mixed")
        add("s=2,near", rng, "combined", {"s": 2.0, "m1": 1.2, "m2": 0.2, "m3": 0.1}, edge="near")
        for a in (0.0, 0.5, 2.0):
            add(f"alpha={a}", rng, "wsoftmax", {"alpha": a})
        add("alpha=0.5,mixed", rng, "wsoftmax", {}, edge="mixed")
        for K in (1, 2, 3):
            lam = rng.choice([0.5, 2.0])
            comb = rng.choice(["mean", "sum"])
            add(f"K={K},λH={lam},{comb}", rng, "emsoftmax",
                {"K": K, "m": rng.choice([0.3, 1.0]), "hsic_lambda": lam, "combine": comb}, K=K)
        add("K=2 defaults", rng, "emsoftmax", {"K": 2}, K=2)
        for m in (0.0, 0.3, 0.5):
            add(f"m={m}", rng, "pureangular", {"S": rng.choice([30.0, 10.0]), "m": m})
        add("m=0,near", rng, "pureangular", {"m": 0.0}, edge="near")
        add("opposite", rng, "pureangular", {}, edge="opposite")
        for sq in (False, True):
            add(f"squared={sq}", rng, "hinge", {"squared": sq, "delta": rng.choice([1.0, 0.5])})
        add("learned,softmax", rng, "center", {"center_weight": 0.1}, centers=True)
        add("alpha,softmax+bias", rng, "center",
            {"center_weight": 0.5, "center_alpha": 0.5, "bias": True}, centers=True)
        add("learned,cosface", rng, "center", {"base": "cosface", "s": 30.0, "m": 0.35,
                                               "center_weight": 0.01}, centers=True)
        add("learned,arcface,near", rng, "center", {"base": "arcface"}, edge="near", centers=True)
        add("no centers", rng, "center", {"base": "sphereface", "m": 3})
        add("s=30", rng, "simplex", {}, d=rng.randint(1, 6))
        add("s=64,mixed", rng, "simplex", {"s": 64.0}, d=rng.randint(2, 6), edge="mixed")
    return out


MALFORMED = [
    ("invalid JSON", '{"loss": "softmax", "features": [[1, 2]'),
    ("label out of range", json.dumps({"loss": "softmax", "features": [[1.0, 2.0]],
                                       "weights": [[1.0, 0.0], [0.0, 1.0]], "labels": [2]})),
    ("unknown parameter", json.dumps({"loss": "arcface", "features": [[1.0, 2.0]],
                                      "weights": [[1.0, 0.0], [0.0, 1.0]], "labels": [0],
                                      "params": {"margin": 0.5}})),
    ("ragged features", json.dumps({"loss": "softmax", "features": [[1.0, 2.0], [3.0]],
                                    "weights": [[1.0, 0.0], [0.0, 1.0]], "labels": [0, 1]})),
    ("unknown loss", json.dumps({"loss": "nosuch", "features": [[1.0]], "weights": [[1.0, 2.0]],
                                 "labels": [0]})),
]


# ------------------------------------------------------------------------------------ comparison

def run_arcus(text):
    p = subprocess.run(ARCUS, input=text, capture_output=True, text=True, cwd=ROOT)
    return p.returncode, p.stdout, p.stderr


def errors(a, b):
    ta, tb = torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)
    if ta.shape != tb.shape:
        return math.inf, math.inf, math.inf, f"shape {tuple(ta.shape)} vs {tuple(tb.shape)}"
    if not torch.isfinite(ta).all():
        return math.inf, math.inf, math.inf, "non-finite Arcus output"
    diff = ta - tb
    norm = (diff.norm() / max(tb.norm().item(), NORM_FLOOR)).item()
    elem = (diff.abs() / tb.abs().clamp_min(1e-12)).max().item() if diff.numel() else 0.0
    return norm, elem, diff.norm().item(), None


def check(item):
    loss, tag, case = item
    rc, out, err = run_arcus(json.dumps(case))
    if rc != 0:
        return loss, tag, case, None, f"exit {rc}: {out.strip()} {err.strip()[-300:]}"
    got = json.loads(out)
    ref = R.evaluate(case)
    if set(got) != set(ref):
        return loss, tag, case, None, f"keys {sorted(got)} vs reference {sorted(ref)}"
    res = {}
    for k in ref:
        n, e, ab, why = errors(got[k], ref[k])
        if why:
            return loss, tag, case, None, f"{k}: {why}"
        res[k] = (n, e, got[k] if k == "value" else None, ref[k] if k == "value" else None, ab)
    return loss, tag, case, res, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--only", default=None, help="comma-separated loss names to check")
    ap.add_argument("--keep-failing", default=None, help="directory to write failing cases to")
    args = ap.parse_args()

    # build once before the parallel runs
    rc, out, err = run_arcus(json.dumps(cases(1)[0][2]))
    if rc != 0:
        print("arcus loss-eval does not run:", out, err)
        return 1

    items = cases(args.seeds)
    if args.only:
        items = [it for it in items if it[0] in args.only.split(",")]
    with ThreadPoolExecutor(args.jobs) as ex:
        results = list(ex.map(check, items))

    failed = []
    table = {}
    for loss, tag, case, res, problem in results:
        row = table.setdefault(loss, {"cases": 0, "value": [0, 0], "grad_features": [0, 0],
                                      "grad_weights": [0, 0], "other": [0, 0], "worst": ""})
        row["cases"] += 1
        if problem:
            failed.append((loss, tag, case, problem))
            continue
        worst_norm, worst_abs = 0.0, 0.0
        for k, (n, e, gv, rv, ab) in res.items():
            col = k if k in row else "other"
            row[col][0] = max(row[col][0], n)
            row[col][1] = max(row[col][1], e)
            if n > TOL:
                failed.append((loss, tag, case, f"{k}: norm rel error {n:.3e} "
                               f"(arcus {gv if gv is not None else '…'}, torch {rv if rv is not None else '…'})"))
            if n > worst_norm:
                worst_norm, worst_abs = n, ab
        if worst_norm >= max(row.get("_w", 0.0), 0.0):
            row["_w"] = worst_norm
            row["worst"] = f"{tag} (d={len(case['features'][0])}, ‖a−b‖={worst_abs:.0e})"

    hdr = f"{'loss':<12} {'cases':>5}  {'value':>9}  {'grad_feat norm':>14} {'(elem)':>9}  " \
          f"{'grad_w norm':>11} {'(elem)':>9}  {'bias/centers':>12} {'(elem)':>9}  worst case"
    print(hdr)
    print("-" * len(hdr))
    for loss, r in table.items():
        print(f"{loss:<12} {r['cases']:>5}  {r['value'][0]:>9.1e}  {r['grad_features'][0]:>14.1e} "
              f"{r['grad_features'][1]:>9.1e}  {r['grad_weights'][0]:>11.1e} {r['grad_weights'][1]:>9.1e}"
              f"  {r['other'][0]:>12.1e} {r['other'][1]:>9.1e}  {r['worst']}")
    print(f"\n{len(results)} cases; value column = |a−b|/max(|b|,1e-12); 'norm' = ‖a−b‖/max(‖b‖,1e-7); "
          f"'(elem)' = max_i |a_i−b_i|/max(|b_i|,1e-12) (reported only); tolerance {TOL} on norm.")

    mal_bad = 0
    for what, text in MALFORMED:
        rc, out, err = run_arcus(text)
        try:
            ok_json = "error" in json.loads(out)
        except ValueError:
            ok_json = False
        ok = rc == 2 and ok_json and "Exception" not in err
        mal_bad += not ok
        print(f"malformed: {what:<20} exit {rc}  {'OK ' if ok else 'BAD'} {out.strip()[:100]}")

    for loss, tag, case, problem in failed:
        print(f"\nDISAGREEMENT {loss} [{tag}]: {problem}\n  case: {json.dumps(case)[:2000]}")
    if args.keep_failing and failed:
        os.makedirs(args.keep_failing, exist_ok=True)
        for i, (loss, tag, case, problem) in enumerate(failed):
            with open(os.path.join(args.keep_failing, f"{i:03d}-{loss}.json"), "w") as f:
                json.dump(case, f)
    print(f"\n{'FAIL' if failed or mal_bad else 'PASS'}: {len(failed)} disagreeing case checks, "
          f"{mal_bad} malformed-case problems")
    return 1 if failed or mal_bad else 0


if __name__ == "__main__":
    sys.exit(main())
