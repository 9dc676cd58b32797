#!/usr/bin/python3
"""PyTorch column of packages/onnx/bench/engines.bench.mjs: the reference PCT classifier
(tools/fixtures/pct_reference.py, written module for module after the PyTorch port) loaded with
the SAME weights Heed exported (a safetensors file under the reference names) and fed the SAME
points, timed on the CPU with every logical core. FPS (a Python loop over torch ops) and kNN are
inside the forward, as in the reference port.

Prints one JSON line: status, time {medianMs, minMs, maxMs, reps} of the fastest thread count
tried, threads (that count), byThreads, peakRssMB, torch version, and vsReference
(max |logits - onnxruntime-node's|) when --reference is given.

Usage: /usr/bin/python3 tools/bench/pct_pytorch.py --weights W.safetensors --input P.f32
       --batch B --points N [--classes 40] [--budget-ms 3000] [--min-reps 3] [--max-reps 20]
       [--slow-ms 8000] [--reference R.f32] [--threads 2,1 (default: logical cores)]
"""
import argparse
import json
import os
import resource
import struct
import sys
import time

import numpy as np
import torch

sys.dont_write_bytecode = True  # no __pycache__ left in the checkout
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures'))
from pct_reference import Pct  # noqa: E402  (the reference model; importing it runs nothing)


def read_safetensors(path):
    """The format by hand (no safetensors package on Debian): u64 LE header length, JSON, raw bytes."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    base, out = 8 + n, {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        dtype = {'F32': '<f4', 'I64': '<i8'}[info['dtype']]
        start, end = info['data_offsets']
        out[name] = torch.from_numpy(np.frombuffer(raw[base + start:base + end], dtype=dtype).copy().reshape(info['shape']))
    return out


def load_model(path, classes):
    model = Pct(output_channels=classes)
    missing, unexpected = model.load_state_dict(read_safetensors(path), strict=False)
    # q_conv and k_conv share one Parameter; the file stores it once. num_batches_tracked does not matter at eval.
    missing = [k for k in missing if not k.endswith(('k_conv.weight', 'q_conv.weight', 'num_batches_tracked'))]
    if missing or unexpected:
        raise SystemExit(f'weights do not fit the reference model: missing {missing}, unexpected {unexpected}')
    return model.eval()


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--weights', required=True)
    p.add_argument('--input', required=True)
    p.add_argument('--batch', type=int, required=True)
    p.add_argument('--points', type=int, required=True)
    p.add_argument('--classes', type=int, default=40)
    p.add_argument('--budget-ms', type=float, default=3000)
    p.add_argument('--min-reps', type=int, default=3)
    p.add_argument('--max-reps', type=int, default=20)
    p.add_argument('--slow-ms', type=float, default=8000)
    p.add_argument('--reference')
    p.add_argument('--threads', default=str(os.cpu_count()),
                   help='comma-separated thread counts, each timed; the fastest is reported (default: logical cores)')
    a = p.parse_args()

    model = load_model(a.weights, a.classes)
    points = np.fromfile(a.input, dtype='<f4').reshape(a.batch, a.points, 3)
    x = torch.from_numpy(points).permute(0, 2, 1).contiguous()  # [B, 3, N], the port's layout

    def forward():
        with torch.no_grad():
            return model(x)

    def timed(threads):
        # torch's own default counts physical cores (1 of 2 here); the bench asks for logical ones.
        torch.set_num_threads(threads)
        forward()  # warm-up
        ms, logits = [], None
        while True:
            t0 = time.perf_counter()
            logits = forward()
            ms.append((time.perf_counter() - t0) * 1000)
            reps = 1 if ms[0] > a.slow_ms else max(a.min_reps, min(a.max_reps, round(a.budget_ms / ms[0])))
            if len(ms) >= reps:
                break
        s = sorted(ms)
        r = lambda v: round(v, 2 if v < 10 else 1)  # noqa: E731
        return {'medianMs': r(s[len(s) // 2]), 'minMs': r(s[0]), 'maxMs': r(s[-1]), 'reps': len(ms)}, logits

    by_threads, logits = {}, None
    for threads in [int(t) for t in a.threads.split(',')]:
        by_threads[threads], logits = timed(threads)
    best = min(by_threads, key=lambda t: by_threads[t]['medianMs'])
    result = {
        'status': 'ok', 'time': by_threads[best], 'threads': best,
        'byThreads': {str(t): v for t, v in by_threads.items()},
        'peakRssMB': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),  # KiB on Linux
        'torch': torch.__version__,
    }
    if a.reference and os.path.exists(a.reference):
        ref = np.fromfile(a.reference, dtype='<f4')
        got = logits.numpy().reshape(-1)
        if ref.size == got.size:
            result['vsReference'] = {'maxAbsDiff': float(f'{np.abs(got - ref).max():.3g}'), 'maxAbsReference': float(f'{np.abs(ref).max():.3g}')}
    print(json.dumps(result))


if __name__ == '__main__':
    main()
