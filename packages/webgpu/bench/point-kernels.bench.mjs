#!/usr/bin/env node
/**
 * Heed's WGSL point kernels (farthest point sampling, k nearest neighbours) against the plain-JS
 * path of @heed/point-transformer, in one run (FPS also without subgroup operations, where the
 * device has them): the same public functions (`farthestPointSample`,
 * `kNearestNeighbours`) with the webgpu backend active (→ the registered kernels) and with the cpu
 * backend (→ farthestPointSampleJS / kNearestNeighboursJS). Also checks the indices agree.
 * Defaults: FPS N = 10,000 → 1024 centres; kNN k = 32 for 1024 queries over N = 10,000.
 * With --ops it also times the path webgpu ran before these kernels (point-transformer's
 * farthestPointSampleOps / kNearestNeighboursOps: an op chain per centre; a [S, N] distance
 * matrix + topk) — slow on a software adapter (kNN ≈ 50 s per call on SwiftShader), so opt-in.
 * Usage: node bench/point-kernels.bench.mjs [--n 10000] [--samples 1024] [--queries 1024] [--k 32] [--ops]
 * Needs @heed/point-transformer built (its dist), as `nx run @heed/point-transformer:build` makes it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initWebGPU, SUBGROUPS_FLAG } from '@heed/webgpu';

import { farthestPointSample, kNearestNeighbours, farthestPointSampleOps, kNearestNeighboursOps } from '@heed/point-transformer';

const init = await initWebGPU({ fallback: null });
const software = /swiftshader|llvmpipe|lavapipe/i.test(JSON.stringify(init.adapterInfo));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const withOps = process.argv.includes('--ops');
const N = arg('n', 10_000), M = arg('samples', 1024), S = arg('queries', 1024), K = arg('k', 32);

const withoutSubgroups = (fn) => (...args) => {
  tf.env().set(SUBGROUPS_FLAG, false);
  try { return fn(...args); } finally { tf.env().set(SUBGROUPS_FLAG, true); }
};

async function time(backend, fn, reps) {
  await tf.setBackend(backend);
  const warm = fn();
  const result = await warm.data();
  warm.dispose();
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = fn();
    await out.data();
    out.dispose();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: +ms[Math.floor(ms.length / 2)].toFixed(2), minMs: +ms[0].toFixed(2), result };
}

// Coordinates as data, so each backend gets its own tensor of the same values.
const xyz = await tf.randomUniform([1, N, 3], -1, 1, 'float32', 7).data();
const queryIdx = Array.from({ length: S }, (_, i) => Math.floor((i * N) / S));
const query = Float32Array.from(queryIdx.flatMap((i) => [xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]]));

const cases = [
  {
    op: 'farthestPointSample', params: { N, numSamples: M, B: 1 }, pairs: N * (M - 1),
    run: (p) => farthestPointSample(p.xyz, M), ops: (p) => farthestPointSampleOps(p.xyz, M),
  },
  {
    op: 'kNearestNeighbours', params: { N, queries: S, k: K, B: 1 }, pairs: N * S,
    run: (p) => kNearestNeighbours(p.query, p.xyz, K), ops: (p) => kNearestNeighboursOps(p.query, p.xyz, K),
  },
];
const reps = software ? 3 : 10;
const results = [];
for (const c of cases) {
  const row = { op: c.op, ...c.params };
  const outputs = {};
  const paths = [['webgpuKernel', 'webgpu', c.run, reps], ['jsPath', 'cpu', c.run, reps]];
  // FPS reduces each sample with subgroup operations where the device has them: time the
  // workgroup-memory tree it falls back to beside it.
  if (c.op === 'farthestPointSample' && init.features?.includes('subgroups')) paths.splice(1, 0, ['webgpuKernelNoSubgroups', 'webgpu', withoutSubgroups(c.run), reps]);
  if (withOps) paths.push(['webgpuOpsBefore', 'webgpu', c.ops, 1]);
  for (const [name, backend, fn, n] of paths) {
    await tf.setBackend(backend);
    const inputs = { xyz: tf.tensor3d(xyz, [1, N, 3]), query: tf.tensor3d(query, [1, S, 3]) };
    const { result, ...t } = await time(backend, () => fn(inputs), n);
    outputs[name] = result;
    row[name] = { ...t, backend, mPairsPerS: +(c.pairs / t.medianMs / 1e3).toFixed(1) };
    tf.dispose(Object.values(inputs));
    process.stderr.write(`${c.op} ${name}: ${JSON.stringify(row[name])}\n`);
  }
  row.speedupKernelOverJS = +(row.jsPath.medianMs / row.webgpuKernel.medianMs).toFixed(2);
  if (row.webgpuKernelNoSubgroups) row.speedupSubgroupsOverTree = +(row.webgpuKernelNoSubgroups.medianMs / row.webgpuKernel.medianMs).toFixed(2);
  if (withOps) row.speedupKernelOverOps = +(row.webgpuOpsBefore.medianMs / row.webgpuKernel.medianMs).toFixed(2);
  const sameAsJS = (a) => a.length === outputs.jsPath.length && a.every((v, i) => v === outputs.jsPath[i]);
  row.indicesIdentical = sameAsJS(outputs.webgpuKernel) && (!outputs.webgpuKernelNoSubgroups || sameAsJS(outputs.webgpuKernelNoSubgroups));
  results.push(row);
}
console.log(JSON.stringify({
  bench: 'WGSL FPS / kNN kernels vs the plain-JS path of @heed/point-transformer',
  date: new Date().toISOString().slice(0, 10),
  adapter: init.adapterInfo, software,
  note: software ? 'software adapter: these are CPU numbers (SwiftShader on this machine), not GPU numbers' : undefined,
  jsPath: 'tfjs cpu backend, @heed/point-transformer farthestPointSampleJS / kNearestNeighboursJS (float32-exact JS loops)',
  results,
}, null, 2));
process.exit(0);
