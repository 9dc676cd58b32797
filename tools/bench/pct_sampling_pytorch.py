#!/usr/bin/python3
"""PyTorch column of packages/point-transformer/bench/pct-forward.bench.mjs: the reference port's
farthest point sampling (a Python loop over torch ops, first centre index 0) and kNN (a full
[S, N] distance matrix + topk), from tools/fixtures/pct_reference.py, on the CPU with every
logical core, for the same N, centres and k the JS bench times.

Prints one JSON line: {"status": "ok", "torch": version, "threads": T, "byN": {N: {fpsMs, knnMs}}}.
Usage: /usr/bin/python3 tools/bench/pct_sampling_pytorch.py --n 10000,100000 [--samples 1024] [--k 32] [--reps 3]
"""
import argparse
import json
import os
import sys
import time

import torch

sys.dont_write_bytecode = True  # no __pycache__ left in the checkout
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures'))
from pct_reference import farthest_point_sample, index_points, knn_point  # noqa: E402


def median_ms(fn, reps):
    fn()  # warm-up
    ms = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1000)
    return round(sorted(ms)[len(ms) // 2], 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--n', default='10000,100000')
    p.add_argument('--samples', type=int, default=1024)
    p.add_argument('--k', type=int, default=32)
    p.add_argument('--reps', type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(os.cpu_count())  # torch's default counts physical cores only
    gen = torch.Generator().manual_seed(7)
    out = {}
    for n in [int(x) for x in a.n.split(',')]:
        xyz = torch.rand(1, n, 3, generator=gen) * 2 - 1
        centres = index_points(xyz, farthest_point_sample(xyz, a.samples))
        out[n] = {
            'fpsMs': median_ms(lambda: farthest_point_sample(xyz, a.samples), a.reps),
            'knnMs': median_ms(lambda: knn_point(a.k, xyz, centres), a.reps),
        }
    print(json.dumps({'status': 'ok', 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'byN': out}))


if __name__ == '__main__':
    main()
