#!/usr/bin/env python3
"""PyTorch's scaled-dot-product attention, fp32, H = 8, d = 64, on the GPU that Heed's WebGPU
attention bench runs on in the same session: the alternative issue #6 names (PyTorch's fp32
memory-efficient SDPA; PLATFORM.md lists 33.9 TFLOP/s at N = 16384 on an H100).

Timed with CUDA events after warm-ups (median of --reps), TFLOP/s = 4*H*N^2*d / time. The math
(composed) backend runs too while its N x N scores fit in memory. Prints one JSON document. Without
CUDA, or with a torch older than 2.0 (no scaled_dot_product_attention), it says why in the JSON
("available": false) and exits 0, so the Node benches beside it still report.

Usage: python3 sdpa_pytorch.py [--sizes 1024,4096,16384,65536,262144] [--reps 10]
"""
import argparse
import json
import statistics

H, D = 8, 64


def unavailable(reason, **extra):
    print(json.dumps({"bench": "pytorch sdpa fp32", "available": False, "reason": reason, **extra}, indent=2))


def backend_context(torch, name):
    """A context that allows only one SDPA backend: 'efficient' (memory-efficient) or 'math'."""
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel  # torch >= 2.3

        return sdpa_kernel({"efficient": SDPBackend.EFFICIENT_ATTENTION, "math": SDPBackend.MATH}[name])
    except ImportError:
        return torch.backends.cuda.sdp_kernel(enable_flash=False, enable_math=name == "math", enable_mem_efficient=name == "efficient")


def time_call(torch, fn, reps):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    return {"medianMs": round(statistics.median(times), 4), "minMs": round(min(times), 4)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1024,4096,16384,65536,262144")
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    try:
        import torch
    except ImportError:
        return unavailable("python has no torch")
    functional = torch.nn.functional
    if not hasattr(functional, "scaled_dot_product_attention"):
        return unavailable(f"torch {torch.__version__} has no scaled_dot_product_attention (2.0+)", torch=torch.__version__)
    if not torch.cuda.is_available():
        return unavailable("torch sees no CUDA device", torch=torch.__version__)
    torch.backends.cuda.matmul.allow_tf32 = False  # fp32 as Heed computes, not TF32
    free_bytes, _ = torch.cuda.mem_get_info()
    results = []
    for n in sizes:
        generator = torch.Generator(device="cuda").manual_seed(n)
        q, k, v = (torch.randn(1, H, n, D, device="cuda", dtype=torch.float32, generator=generator) for _ in range(3))
        flop = 4 * H * n * n * D
        row = {"N": n, "H": H, "d": D}
        for name in ("efficient", "math"):
            scores_bytes = 2 * H * n * n * 4  # the math path holds the scores and their softmax
            if name == "math" and scores_bytes > 0.8 * free_bytes:
                row[name] = {"skipped": f"N x N scores need {scores_bytes / 2**30:.1f} GiB"}
                continue
            reps = max(2, args.reps if n <= 65536 else 2)
            try:
                with backend_context(torch, name):
                    timing = time_call(torch, lambda: functional.scaled_dot_product_attention(q, k, v), reps)
                row[name] = {**timing, "tflops": round(flop / timing["medianMs"] / 1e9, 3)}
            except RuntimeError as error:  # e.g. out of memory, or no kernel for these shapes
                row[name] = {"failed": str(error)[:200]}
                torch.cuda.empty_cache()
        results.append(row)
        del q, k, v
        torch.cuda.empty_cache()
    print(json.dumps({
        "bench": "pytorch sdpa fp32",
        "available": True,
        "torch": torch.__version__,
        "device": torch.cuda.get_device_name(0),
        "tf32": False,
        "flop": "4*H*N^2*d per call (forward)",
        "results": results,
    }, indent=2))


if __name__ == "__main__":
    main()
