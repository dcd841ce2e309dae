#!/usr/bin/env python3
"""PyTorch-on-CPU reference anchors for Arcus (written for this project; see README.md here).

Subcommands (all print one JSON object per measurement on stdout):
  sgemm  --sizes 128,256,512,1024,2048           torch.mm GFLOP/s
  cnn    --model lsoftmax|lenet --mnist DIR       train (fwd+bwd+SGD-momentum step) img/s at
                                                  batch 50/256, inference img/s at batch 256
  epoch  --model lsoftmax|lenet --mnist DIR       1 epoch at batch 256 (SGD m=0.9, lr=0.01),
                                                  wall time + test accuracy
  head                                            FC (no bias) + softmax-CE fwd+bwd:
                                                  10000x256->10 and 10000x512->1000

Common: --threads N (torch.set_num_threads), --repeats R.
--device cuda runs sgemm and cnn on the GPU in float32 with TF32 off (like-for-like with a float32
kernel), synchronising before each clock read. cnn --random-images N trains on N random images
instead of MNIST (throughput only; for machines without the data).
The BLAS library used by torch.mm / nn.Linear is whatever libblas.so.3 the dynamic loader finds
(Debian python3-torch is built with BLAS_INFO=generic); pick it with LD_LIBRARY_PATH and name it
in the output with BENCH_BLAS_LABEL (README.md here has an example).
Convolutions go through oneDNN (libdnnl, JIT kernels for the CPU's vector ISA), independent of
the BLAS choice.
"""
import argparse, json, os, statistics, struct, sys, time

_CORETYPE_ENV = os.environ.get("OPENBLAS_CORETYPE", "auto")  # read before OpenBLAS loads
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def env_info():
    return {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas_dir": os.environ.get("LD_LIBRARY_PATH", "(system default)"),
        "blas_label": os.environ.get("BENCH_BLAS_LABEL", "?"),
        "openblas_coretype": _CORETYPE_ENV,
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
    }


def stats(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def emit(d):
    d.update(env_info())
    print(json.dumps(d), flush=True)


# ---------------------------------------------------------------- MNIST IDX
def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def load_mnist(d):
    def img(name):
        x = read_idx(os.path.join(d, name)).astype(np.float32) / 255.0
        x = (x - 0.1307) / 0.3081
        return torch.from_numpy(x).unsqueeze(1).contiguous()  # N,1,28,28

    def lab(name):
        return torch.from_numpy(read_idx(os.path.join(d, name)).astype(np.int64))

    return (img("train-images-idx3-ubyte"), lab("train-labels-idx1-ubyte"),
            img("t10k-images-idx3-ubyte"), lab("t10k-labels-idx1-ubyte"))


# ---------------------------------------------------------------- models
def conv_block(cin, cout):
    # L-Softmax paper MNIST net: 3x3 conv, pad 1, stride 1, PReLU, then BatchNorm
    return [nn.Conv2d(cin, cout, 3, 1, 1), nn.PReLU(cout), nn.BatchNorm2d(cout)]


class LSoftmaxMnistNet(nn.Module):
    """conv0 3x3x64 (x1), conv1 3x3x64 (x3), pool, conv2 (x3), pool, conv3 (x3), pool, FC256, FC10.
    Max-pool 2x2 stride 2 with ceil_mode=True (Caffe rounding, as in the original Caffe model):
    28 -> 14 -> 7 -> 4, so the FC input is 64*4*4 = 1024."""

    def __init__(self):
        super().__init__()
        L = conv_block(1, 64)
        for _ in range(3): L += conv_block(64, 64)
        L += [nn.MaxPool2d(2, 2, ceil_mode=True)]
        for _ in range(3): L += conv_block(64, 64)
        L += [nn.MaxPool2d(2, 2, ceil_mode=True)]
        for _ in range(3): L += conv_block(64, 64)
        L += [nn.MaxPool2d(2, 2, ceil_mode=True)]
        self.features = nn.Sequential(*L)
        self.fc = nn.Sequential(nn.Linear(64 * 4 * 4, 256), nn.PReLU(256), nn.BatchNorm1d(256))
        self.classifier = nn.Linear(256, 10)

    def forward(self, x):
        return self.classifier(self.fc(torch.flatten(self.features(x), 1)))


class LeNet(nn.Module):
    """Caffe-style LeNet: conv5x5x20 (valid), maxpool2, conv5x5x50, maxpool2, fc500, ReLU, fc10."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 20, 5)
        self.c2 = nn.Conv2d(20, 50, 5)
        self.f1 = nn.Linear(50 * 4 * 4, 500)
        self.f2 = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(self.c1(x), 2)
        x = F.max_pool2d(self.c2(x), 2)
        return self.f2(F.relu(self.f1(torch.flatten(x, 1))))


MODELS = {"lsoftmax": LSoftmaxMnistNet, "lenet": LeNet}


def forward_flops(model):
    """Analytic multiply-add FLOPs (2*MAC) of conv and linear layers for one 1x28x28 image."""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            total[0] += 2 * out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += 2 * m.in_features * m.out_features * out.shape[0]

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 1, 28, 28))
    for h in hs: h.remove()
    model.train()
    return total[0]


# ---------------------------------------------------------------- benchmarks
def sync(a):
    if a.device == "cuda":
        torch.cuda.synchronize()


def bench_sgemm(a):
    dev = a.device
    for n in [int(s) for s in a.sizes.split(",")]:
        A = torch.randn(n, n, device=dev); B = torch.randn(n, n, device=dev); C = torch.empty(n, n, device=dev)
        flop = 2.0 * n ** 3
        inner = max(1, int((2e11 if dev == "cuda" else 2e9) / flop))  # ~2 GFLOP (GPU: 200) per timed sample
        for _ in range(3): torch.mm(A, B, out=C)
        g = []
        for _ in range(a.repeats):
            sync(a)
            t = time.perf_counter()
            for _ in range(inner): torch.mm(A, B, out=C)
            sync(a)
            g.append(flop * inner / (time.perf_counter() - t) / 1e9)
        emit({"bench": "sgemm", "device": dev, "n": n, "gflops": stats(g)})


def make_train_step(model, opt):
    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def bench_cnn(a):
    torch.manual_seed(0)
    if a.random_images:
        xtr, ytr = torch.randn(a.random_images, 1, 28, 28), torch.randint(0, 10, (a.random_images,))
    else:
        xtr, ytr, _, _ = load_mnist(a.mnist)
    model = MODELS[a.model]()
    fl = forward_flops(model)
    dev = a.device
    model = model.to(dev); xtr = xtr.to(dev); ytr = ytr.to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    step = make_train_step(model, opt)
    N = xtr.shape[0]
    for bs in [int(b) for b in a.train_batches.split(",")]:
        model.train()
        nb = N // bs
        steps = max(5, int(a.min_images / bs))
        i = 0
        for _ in range(a.warmup):
            step(xtr[i * bs:(i + 1) * bs], ytr[i * bs:(i + 1) * bs]); i = (i + 1) % nb
        ips = []
        for _ in range(a.repeats):
            sync(a)
            t = time.perf_counter()
            for _ in range(steps):
                step(xtr[i * bs:(i + 1) * bs], ytr[i * bs:(i + 1) * bs]); i = (i + 1) % nb
            sync(a)
            ips.append(steps * bs / (time.perf_counter() - t))
        emit({"bench": "cnn_train", "device": dev, "model": a.model, "batch": bs, "steps_per_sample": steps,
              "images_per_s": stats(ips), "fwd_mflop_per_image": fl / 1e6,
              "train_gflops_median_at_3x_fwd": statistics.median(ips) * 3 * fl / 1e9})
    bs = a.infer_batch
    if bs <= 0:
        return  # --infer-batch 0: training only
    model.eval()
    nb = N // bs
    steps = max(5, int(a.min_images * 3 / bs))
    i = 0
    with torch.no_grad():
        for _ in range(a.warmup):
            model(xtr[i * bs:(i + 1) * bs]); i = (i + 1) % nb
        ips = []
        for _ in range(a.repeats):
            sync(a)
            t = time.perf_counter()
            for _ in range(steps):
                model(xtr[i * bs:(i + 1) * bs]); i = (i + 1) % nb
            sync(a)
            ips.append(steps * bs / (time.perf_counter() - t))
    emit({"bench": "cnn_infer", "device": dev, "model": a.model, "batch": bs, "steps_per_sample": steps,
          "images_per_s": stats(ips), "fwd_mflop_per_image": fl / 1e6,
          "infer_gflops_median": statistics.median(ips) * fl / 1e9})


def evaluate(model, x, y, bs=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], bs):
            correct += (model(x[i:i + bs]).argmax(1) == y[i:i + bs]).sum().item()
    model.train()
    return correct / x.shape[0]


def bench_epoch(a):
    torch.manual_seed(a.seed)
    xtr, ytr, xte, yte = load_mnist(a.mnist)
    model = MODELS[a.model]()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    step = make_train_step(model, opt)
    bs = 256
    N = xtr.shape[0]
    perm = torch.randperm(N)
    nsteps = (N + bs - 1) // bs if a.max_steps <= 0 else min(a.max_steps, (N + bs - 1) // bs)
    model.train()
    t0 = time.perf_counter()
    seen = 0
    for s in range(nsteps):
        idx = perm[s * bs:(s + 1) * bs]
        loss = step(xtr[idx], ytr[idx])
        seen += idx.numel()
    dt = time.perf_counter() - t0
    acc = evaluate(model, xte, yte)
    emit({"bench": "epoch", "model": a.model, "batch": bs, "steps": nsteps, "images": seen,
          "train_seconds": dt, "epoch_seconds_60k": dt * N / seen, "final_batch_loss": loss.item(),
          "test_accuracy": acc, "seed": a.seed, "lr": 0.01, "momentum": 0.9})


def bench_head(a):
    torch.manual_seed(0)
    for (N, D, C) in [(10000, 256, 10), (10000, 512, 1000)]:
        X = torch.randn(N, D, requires_grad=True)
        W = nn.Linear(D, C, bias=False)
        y = torch.randint(0, C, (N,))
        flop = 3 * 2.0 * N * D * C  # fwd GEMM + dX GEMM + dW GEMM

        def once():
            X.grad = None; W.weight.grad = None
            F.cross_entropy(W(X), y).backward()
        for _ in range(3): once()
        inner = max(1, int(3e9 / flop))
        ms, gf = [], []
        for _ in range(a.repeats):
            t = time.perf_counter()
            for _ in range(inner): once()
            dt = (time.perf_counter() - t) / inner
            ms.append(dt * 1e3); gf.append(flop / dt / 1e9)
        emit({"bench": "head", "N": N, "D": D, "C": C, "ms_per_fwd_bwd": stats(ms),
              "gemm_gflops": stats(gf), "rows_per_s_median": N / (statistics.median(ms) / 1e3)})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cmd", choices=["sgemm", "cnn", "epoch", "head"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--sizes", default="128,256,512,1024,2048")
    p.add_argument("--model", choices=list(MODELS), default="lsoftmax")
    p.add_argument("--mnist", default=os.environ.get("MNIST_DIR"))
    p.add_argument("--train-batches", default="50,256")
    p.add_argument("--infer-batch", type=int, default=256, help="cnn: batch of the inference timing (0: none)")
    p.add_argument("--min-images", type=int, default=1024, help="images per timed sample (train)")
    p.add_argument("--max-steps", type=int, default=0, help="epoch: 0 = full epoch")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--random-images", type=int, default=0, help="cnn: train on this many random images instead of MNIST")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.device == "cuda":
        if a.cmd not in ("sgemm", "cnn"):
            sys.exit("--device cuda: only sgemm and cnn")
        torch.backends.cuda.matmul.allow_tf32 = False  # float32 products, as the Arcus kernels compute
        torch.backends.cudnn.allow_tf32 = False
    if (a.cmd == "epoch" or (a.cmd == "cnn" and not a.random_images)) and not a.mnist:
        sys.exit("need --mnist DIR or MNIST_DIR with the *-ubyte IDX files")
    {"sgemm": bench_sgemm, "cnn": bench_cnn, "epoch": bench_epoch, "head": bench_head}[a.cmd](a)


if __name__ == "__main__":
    main()
