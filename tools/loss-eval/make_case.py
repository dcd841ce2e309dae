#!/usr/bin/env python3
"""Writes the loss-eval timing case of docs/loss-eval.md: float32 ArcFace, N=4096, d=512, C=1000,
Gaussian features and weights as json.dumps writes them (shortest round-trip reprs, mostly 16-17
significant digits), 54 MB. Usage: make_case.py OUT.json; then
  bin/arcus loss-eval --timing < OUT.json > /dev/null"""
import argparse
import json
import os
import random

ap = argparse.ArgumentParser(description=__doc__.split("Usage")[0].strip())
ap.add_argument("out", help="the JSON file to write (refused if it exists)")
out = ap.parse_args().out
if os.path.exists(out):
    ap.error(out + " exists; not overwritten")
random.seed(1)
N, d, C = 4096, 512, 1000
case = {
    "loss": "arcface",
    "features": [[random.gauss(0, 1) for _ in range(d)] for _ in range(N)],
    "weights": [[random.gauss(0, 1) for _ in range(C)] for _ in range(d)],
    "labels": [random.randrange(C) for _ in range(N)],
    "params": {"s": 64, "m": 0.5, "easy_margin": False},
    "dtype": "float32",
}
tmp = out + ".tmp"
with open(tmp, "w") as f:
    json.dump(case, f)
os.replace(tmp, out)
