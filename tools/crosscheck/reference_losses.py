"""Independent float64 PyTorch reference implementations of the Arcus margin losses.

Written from the loss specification (the formulas of docs/losses.md) and the conventions of
the public reference implementations (pytorch-metric-learning's LargeMarginSoftmax/SphereFace/CosFace/ArcFace,
insightface's ArcMarginProduct with th/mm and easy_margin, ...), NOT from the Arcus sources.
Where Arcus documents a choice the papers leave open (EM-Softmax combine/HSIC defaults,
L2-softmax defaults, center loss with center_alpha, parameter defaults), docs/losses.md is
followed; each such place is marked "docs/losses.md".

Conventions: x [N, d], W [d, C] (column j = class j), labels [N];
L = mean_i (-f_{i,y_i} + logsumexp_j f_{i,j}); cos θ clamped to [-1+EPS, 1-EPS] wherever
arccos or its derivative (sin θ = sqrt(1 - cos²θ)) is taken.

evaluate(case) -> dict with the same keys as `arcus loss-eval`, all gradients from
torch.autograd.grad.
"""
import math

import torch

DT = torch.float64
EPS = 1e-7          # arccos clamp, float64 (docs/losses.md)
NORM_EPS = 1e-12    # zero-norm guard (docs/losses.md)


def _t(a):
    return torch.tensor(a, dtype=DT)


def _ce(f, y):
    """Mean cross-entropy -f_y + logsumexp(f), max-shifted by torch.logsumexp."""
    return (torch.logsumexp(f, dim=1) - f.gather(1, y[:, None])[:, 0]).mean()


def _norm_rows(x):
    return x / x.norm(dim=1, keepdim=True).clamp_min(NORM_EPS)


def _norm_cols(w):
    return w / w.norm(dim=0, keepdim=True).clamp_min(NORM_EPS)


def _cos(x, w):
    """cos θ [N, C] between rows of x and columns of w (unclamped)."""
    return _norm_rows(x) @ _norm_cols(w)


def _clamp(c):
    return c.clamp(-1 + EPS, 1 - EPS)


def _onehot(y, C):
    return torch.nn.functional.one_hot(y, C).to(DT)


def _replace_target(f_other, f_target, y):
    """Logits equal to f_other except column y_i of row i, which is f_target[i]."""
    oh = _onehot(y, f_other.shape[1])
    return f_other * (1 - oh) + f_target[:, None] * oh


# ---------------------------------------------------------------------------------------------
# L-Softmax / SphereFace ψ (original paper and pytorch-metric-learning's LargeMarginSoftmaxLoss)

def _cos_m_theta(c, m):
    """Chebyshev/binomial expansion: cos(mθ) = Σ_n (-1)^n C(m,2n) c^{m-2n} (1-c²)^n."""
    out = torch.zeros_like(c)
    for n in range(m // 2 + 1):
        out = out + ((-1) ** n) * math.comb(m, 2 * n) * c ** (m - 2 * n) * (1 - c ** 2) ** n
    return out


def _psi(c, m):
    """ψ(θ) = (-1)^k cos(mθ) - 2k, k = floor(mθ/π) from θ = arccos(c) (no gradient through k,
    as in the original Caffe layer and pytorch-metric-learning)."""
    with torch.no_grad():
        theta = torch.acos(_clamp(c))
        k = torch.floor(m * theta / math.pi).clamp(0, m - 1)
        sign = 1.0 - 2.0 * torch.remainder(k, 2)   # (-1)^k
    return sign * _cos_m_theta(c, m) - 2 * k


# ---------------------------------------------------------------------------------------------
# logits per loss: (x, W, y, params, extra) -> f  [N, C]

def _softmax(x, w, y, p, ex):
    f = x @ w
    if ex.get("b") is not None:
        f = f + ex["b"]
    return f


def _normface(x, w, y, p, ex):
    return p.get("s", 30.0) * _cos(x, w)


def _l2softmax(x, w, y, p, ex):
    a = p.get("a", 16.0)
    f = (a * _norm_rows(x)) @ w
    if ex.get("b") is not None:
        f = f + ex["b"]
    return f


def _lsoftmax(x, w, y, p, ex):
    m = int(p.get("m", 4))
    lam = p.get("lambda", 5.0)
    f = x @ w
    wn = w.norm(dim=0)                       # [C]
    xn = x.norm(dim=1)                       # [N]
    wy_n = wn[y]
    c = f.gather(1, y[:, None])[:, 0] / (wy_n * xn)   # cos θ_y, exact (no arccos -> no clamp)
    target = wy_n * xn * (lam * c + _psi(c, m)) / (1 + lam)
    return _replace_target(f, target, y)


def _sphereface(x, w, y, p, ex):
    m = int(p.get("m", 4))
    lam = p.get("lambda", 5.0)
    xn = x.norm(dim=1)
    cos = _cos(x, w)
    c = cos.gather(1, y[:, None])[:, 0]
    target = xn * (lam * c + _psi(c, m)) / (1 + lam)
    return _replace_target(xn[:, None] * cos, target, y)


def _cosface(x, w, y, p, ex):
    s, m = p.get("s", 30.0), p.get("m", 0.35)
    cos = _cos(x, w)
    return s * (cos - m * _onehot(y, w.shape[1]))


def _arcface(x, w, y, p, ex):
    """insightface ArcMarginProduct: phi = cos·cos m − sin·sin m, th = cos(π−m),
    mm = sin(π−m)·m; easy_margin -> where(cos > 0, phi, cos)."""
    s, m = p.get("s", 64.0), p.get("m", 0.5)
    easy = p.get("easy_margin", False)
    cos = _cos(x, w)
    sine = torch.sqrt(1.0 - _clamp(cos) ** 2)
    phi = cos * math.cos(m) - sine * math.sin(m)
    if easy:
        phi = torch.where(cos > 0, phi, cos)
    else:
        th, mm = math.cos(math.pi - m), math.sin(math.pi - m) * m
        phi = torch.where(cos > th, phi, cos - mm)
    oh = _onehot(y, w.shape[1])
    return s * (oh * phi + (1 - oh) * cos)


def _combined(x, w, y, p, ex):
    s = p.get("s", 64.0)
    m1, m2, m3 = p.get("m1", 1.0), p.get("m2", 0.3), p.get("m3", 0.2)
    cos = _cos(x, w)
    c = cos.gather(1, y[:, None])[:, 0]
    theta = torch.acos(_clamp(c))
    target = torch.cos(m1 * theta + m2) - m3
    return s * _replace_target(cos, target, y)


def _wsoftmax(x, w, y, p, ex):
    """Literal per-sample construction: w̃_j = (ŵ_j + α ŵ_y)/‖ŵ_j + α ŵ_y‖, f_j = w̃_jᵀx (j≠y),
    f_y = ŵ_yᵀx; features not normalised."""
    alpha = p.get("alpha", 0.5)
    wh = _norm_cols(w)                                   # [d, C]
    rows = []
    for i in range(x.shape[0]):
        wy = wh[:, y[i]:y[i] + 1]                        # [d, 1]
        wt = wh + alpha * wy
        wt = wt / wt.norm(dim=0, keepdim=True)
        fi = x[i] @ wt                                   # [C]
        fy = x[i] @ wy[:, 0]
        oh = _onehot(y[i:i + 1], w.shape[1])[0]
        rows.append(fi * (1 - oh) + fy * oh)
    return torch.stack(rows)


def _pureangular(x, w, y, p, ex):
    S, m = p.get("S", 30.0), p.get("m", 0.3)
    theta = torch.acos(_clamp(_cos(x, w)))
    return S * (-torch.log(theta + m))


def _hinge_loss(x, w, y, p, ex):
    delta = p.get("delta", 1.0)
    sq = p.get("squared", False)
    f = x @ w
    fy = f.gather(1, y[:, None])
    h = torch.relu(delta + f - fy) * (1 - _onehot(y, w.shape[1]))
    if sq:
        h = h ** 2
    return h.sum(dim=1).mean()


def _hsic(a, b):
    """HSIC(A, B) = (C−1)^{-2} tr(K_A H K_B H), K_A = AᵀA [C, C], H = I − 11ᵀ/C (literal)."""
    C = a.shape[1]
    H = torch.eye(C, dtype=DT) - torch.full((C, C), 1.0 / C, dtype=DT)
    return torch.trace(a.T @ a @ H @ b.T @ b @ H) / (C - 1) ** 2


def _emsoftmax_loss(x, w, y, p, ex):
    """docs/losses.md: combine=mean (default) averages the K soft-margin CE terms, sum adds them;
    + hsic_lambda Σ_{u<v} HSIC(W^u, W^v)."""
    K = w.shape[0]
    m = p.get("m", 0.3)
    lam = p.get("hsic_lambda", 0.0)
    comb = p.get("combine", "mean")
    C = w.shape[2]
    oh = _onehot(y, C)
    ce = sum(_ce(x @ w[v] - m * oh, y) for v in range(K))
    if comb == "mean":
        ce = ce / K
    h = torch.zeros((), dtype=DT)
    for u in range(K):
        for v in range(u + 1, K):
            h = h + _hsic(w[u], w[v])
    return ce + lam * h


def simplex_weights(C):
    """Regular simplex [C−1, C] by the paper's induction W_{k+1} = [[√(1−1/k²) W_k, 0], [−1/k 1ᵀ, 1]]."""
    Wk = torch.tensor([[1.0, -1.0]], dtype=DT)
    for k in range(2, C):
        top = torch.cat([math.sqrt(1 - 1 / k ** 2) * Wk, torch.zeros(k - 1, 1, dtype=DT)], dim=1)
        bot = torch.cat([torch.full((1, k), -1.0 / k, dtype=DT), torch.ones(1, 1, dtype=DT)], dim=1)
        Wk = torch.cat([top, bot], dim=0)
    return Wk


LOGITS = {
    "softmax": _softmax, "normface": _normface, "l2softmax": _l2softmax, "lsoftmax": _lsoftmax,
    "sphereface": _sphereface, "cosface": _cosface, "arcface": _arcface, "combined": _combined,
    "wsoftmax": _wsoftmax, "pureangular": _pureangular,
}
DIRECT = {"hinge": _hinge_loss, "emsoftmax": _emsoftmax_loss}
BIAS_LOSSES = ("softmax", "l2softmax")


def _base_loss(name, x, w, y, p, ex):
    if name in DIRECT:
        return DIRECT[name](x, w, y, p, ex)
    if name == "simplex":
        return _ce(p.get("s", 10.0) * _cos(x, simplex_weights(x.shape[1] + 1)), y)
    return _ce(LOGITS[name](x, w, y, p, ex), y)


def evaluate(case):
    """Value and autograd gradients of one loss-eval case; returns loss-eval's output keys."""
    name = case["loss"]
    p = dict(case.get("params", {}))
    y = torch.tensor(case["labels"], dtype=torch.long)
    x = _t(case["features"]).requires_grad_(True)
    inputs = {"grad_features": x}
    w = None
    if name != "simplex":
        w = _t(case["weights"]).requires_grad_(True)
        inputs["grad_weights"] = w
    base = p.pop("base", "softmax") if name == "center" else name
    ex = {}
    if base in BIAS_LOSSES and p.get("bias", False) is not False:
        C = w.shape[1]
        b = _t(p["bias"]) if isinstance(p["bias"], list) else torch.zeros(C, dtype=DT)
        ex["b"] = b.requires_grad_(True)
        inputs["grad_bias"] = ex["b"]
    loss = _base_loss(base, x, w, y, p, ex)
    if name == "center":
        lam_c = p.get("center_weight", 0.003)
        C, d = w.shape[-1], x.shape[1]
        cen = _t(case["centers"]) if "centers" in case else torch.zeros(C, d, dtype=DT)
        cen.requires_grad_(True)
        inputs["grad_centers"] = cen
        c_used = cen.detach() if "center_alpha" in p else cen   # docs/losses.md: constants
        diff = x - c_used[y]
        loss = loss + lam_c * 0.5 * (diff ** 2).sum() / x.shape[0]
    keys = list(inputs)
    grads = torch.autograd.grad(loss, [inputs[k] for k in keys], allow_unused=True)
    out = {"value": loss.item()}
    for k, g in zip(keys, grads):
        out[k] = (torch.zeros_like(inputs[k]) if g is None else g).tolist()
    return out
