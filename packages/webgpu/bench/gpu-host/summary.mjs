#!/usr/bin/env node
/**
 * Reads run.sh's JSON documents from a folder and prints issue #6's comparison: Heed's fused
 * attention against tfjs-webgpu's composed ops and PyTorch's fp32 SDPA (same card, same run) per
 * N, the PCT forward and FPS + kNN, each against its target. Also writes <folder>/summary.json.
 * Usage: node summary.mjs <folder>
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'gpu-bench-out';
const read = (name) => {
  const path = join(dir, `${name}.json`);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // the step failed before printing its document: its .log says why
  }
};
const attention = read('attention'), torch = read('pytorch-sdpa'), points = read('point-kernels'), pct = read('pct-forward');
const torchAt = (N) => torch?.results?.find((r) => r.N === N);
const ratio = (a, b) => (a && b ? +(a / b).toFixed(3) : null);

const rows = (attention?.results ?? []).map((r) => {
  const t = torchAt(r.N);
  return {
    N: r.N,
    fusedTflops: r.fused?.tflops ?? r.fused?.failed ?? null,
    fusedTiledTflops: r.fusedTiled?.tflops ?? r.fusedTiled?.failed ?? null,
    tiledOverRows: r.speedupTiledOverRows ?? null,
    fusedScalarTflops: r.fusedScalar?.tflops ?? r.fusedScalar?.failed ?? null,
    vec4OverScalar: r.speedupVec4OverScalar ?? null,
    composedTflops: r.composed?.tflops ?? r.composed?.skipped ?? r.composed?.failed ?? null,
    torchEfficientTflops: t?.efficient?.tflops ?? t?.efficient?.failed ?? null,
    fusedOverTorch: ratio(r.fused?.tflops, t?.efficient?.tflops),
    fusedMs: r.fused?.medianMs ?? null,
    torchMs: t?.efficient?.medianMs ?? null,
  };
});
const at = (N) => rows.find((r) => r.N === N);
const fps = points?.results?.find((r) => r.op === 'farthestPointSample')?.webgpuKernel?.medianMs;
const knn = points?.results?.find((r) => r.op === 'kNearestNeighbours')?.webgpuKernel?.medianMs;
const pctB1 = pct?.results?.find((r) => r.B === 1)?.forwardMs?.medianMs;
const summary = {
  adapter: attention?.adapter, torch: torch?.available ? `${torch.torch} on ${torch.device}` : torch?.reason ?? 'no pytorch-sdpa.json',
  attention: rows,
  targets: {
    'N = 16384: fused ≥ 34 TFLOP/s and ≥ 1.0× PyTorch fp32 SDPA': { fusedTflops: at(16384)?.fusedTflops ?? null, fusedOverTorch: at(16384)?.fusedOverTorch ?? null, met: (at(16384)?.fusedTflops ?? 0) >= 34 && (at(16384)?.fusedOverTorch ?? 0) >= 1 },
    'N = 262144 self-attention in one call': { fusedMs: at(262144)?.fusedMs ?? null, met: typeof at(262144)?.fusedMs === 'number' },
    'PCT classification forward, B = 1, N = 1024 (FPS + kNN included) ≤ 5 ms': { medianMs: pctB1 ?? null, met: pctB1 !== undefined && pctB1 <= 5 },
    'FPS 100k → 1024 plus kNN k = 32 ≤ 2 ms': { fpsMs: fps ?? null, knnMs: knn ?? null, met: fps !== undefined && knn !== undefined && fps + knn <= 2 },
  },
  indicesIdentical: points?.results?.map((r) => `${r.op}: ${r.indicesIdentical}`),
};
writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary, null, 2));
