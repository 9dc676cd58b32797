#!/usr/bin/python3
"""PyTorch column of packages/point-transformer/bench/pct-training-step.bench.mjs: one PCT
optimisation step (train-mode forward with dropout 0.5, the reference cal_loss with label
smoothing ε = 0.2, backward, Adam lr 1e-3 with weight decay 1e-4) in float32 on the CPU, with the
model classes of tools/fixtures/pct_training_step.py (SmallPct / SegPct: the reference Pct with
configurable grouping stages and Heed's segmentation head). Inputs are random points of the same
shapes as Heed's; FPS (a Python loop over torch ops) and kNN are inside the forward, as in the
reference port.

Each thread count in --threads is timed in turn (torch.set_num_threads): a warm-up step, then
--reps steps, each on its own batch. Prints one JSON line: status, case, torch version, params,
byThreads {threads: {medianMs, minMs, maxMs, reps, msPerCloud}}, loss {first, last}, peakRssMB
(of this process, over every thread count). Without torch it prints status 'unavailable'.

Usage: /usr/bin/python3 tools/bench/pct_train_step_pytorch.py --case classification|segmentation
       [--reps 5] [--threads 1,2 (default: 1 and the logical cores)] [--seed 0]
"""
import argparse
import json
import os
import resource
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ left in the checkout

# The bench's two configurations, as `heed train` runs them (packages/point-transformer/bench).
CASES = {
    'classification': {'batch': 16, 'points': 256, 'classes': 10, 'categories': 0, 'stages': [(128, 16), (64, 16)]},
    'segmentation': {'batch': 8, 'points': 256, 'classes': 13, 'categories': 5, 'stages': [('all', 16), ('all', 16)]},
}
EPSILON, DROPOUT, LR, WEIGHT_DECAY = 0.2, 0.5, 1e-3, 1e-4


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--case', required=True, choices=sorted(CASES))
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('--threads', default=','.join(str(t) for t in sorted({1, os.cpu_count() or 1})))
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()

    try:
        import torch
    except Exception as e:  # noqa: BLE001  (any import failure means: no PyTorch column)
        print(json.dumps({'status': 'unavailable', 'case': a.case, 'reason': f'no torch in {sys.executable}: {e}'}))
        return

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures'))
    import pct_reference as ref  # noqa: E402
    import pct_training_step as fixture  # noqa: E402

    # The fixture swaps in a kNN that sorts every distance row to refuse near-ties (a parity
    # concern); a timing wants the reference's plain topk.
    ref.knn_point = fixture._knn_point

    c = CASES[a.case]
    torch.manual_seed(a.seed)
    if c['categories']:
        model = fixture.SegPct(c['classes'], c['categories'], c['stages'])
        model.dp1.p = DROPOUT
    else:
        model = fixture.SmallPct(c['classes'], c['stages'])
        model.dp1.p = model.dp2.p = DROPOUT  # the fixture builds it with dropout 0 (for parity)
    model = model.float().train()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)

    b, n = c['batch'], c['points']

    def batch():
        x = (torch.rand(b, 3, n) * 2 - 1).contiguous()  # [B, 3, N], the port's layout
        labels = torch.randint(0, c['classes'], (b, n) if c['categories'] else (b,))
        categories = torch.randint(0, c['categories'], (b,)) if c['categories'] else None
        return x, labels, categories

    def step(x, labels, categories):
        optimizer.zero_grad(set_to_none=True)
        logits = model(x, categories)
        loss = fixture.cal_loss(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), EPSILON)
        loss.backward()
        optimizer.step()
        return float(loss)

    r = lambda v: round(v, 2 if v < 10 else 1)  # noqa: E731
    by_threads, losses = {}, []
    for threads in [int(t) for t in a.threads.split(',')]:
        torch.set_num_threads(threads)
        batches = [batch() for _ in range(a.reps + 1)]  # made before the clock, as Heed's are
        losses.append(step(*batches[0]))  # warm-up: allocator, OpenMP pool
        ms = []
        for data in batches[1:]:
            t0 = time.perf_counter()
            losses.append(step(*data))
            ms.append((time.perf_counter() - t0) * 1000)
        s = sorted(ms)
        by_threads[str(threads)] = {'medianMs': r(s[len(s) // 2]), 'minMs': r(s[0]), 'maxMs': r(s[-1]), 'reps': len(s),
                                    'msPerCloud': r(s[len(s) // 2] / b)}

    print(json.dumps({
        'status': 'ok', 'case': a.case, 'torch': torch.__version__,
        'params': sum(t.numel() for t in model.parameters()),  # tied q/k counted once
        'byThreads': by_threads,
        'loss': {'first': round(losses[0], 4), 'last': round(losses[-1], 4)},
        'peakRssMB': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),  # KiB on Linux
    }))


if __name__ == '__main__':
    main()
