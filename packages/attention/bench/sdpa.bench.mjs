#!/usr/bin/env node
/**
 * Scaled-dot-product attention, H = 8, d = 64: Heed's path (scaledDotProductAttention with
 * returnWeights: false) against the naive composition a straightforward port writes
 * (batched matMul(Q, Kᵀ) → softmax → matMul), both measured in this run on each tfjs backend.
 * Prints one JSON document. FLOPs = 4·H·N²·d. Usage: node bench/sdpa.bench.mjs [--quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { scaledDotProductAttention } from '@heed/attention';
import { findWebGPU } from '@heed/testing';

const quick = process.argv.includes('--quick');
const H = 8, d = 64;
// The software WebGPU adapter and tfjs-cpu are slow: they get the smaller sizes.
const sizes = {
  cpu: quick ? [256] : [256, 1024],
  wasm: quick ? [256, 1024] : [256, 1024, 4096],
  webgpu: quick ? [256] : [256, 1024],
};

const naive = (q, k, v) => tf.tidy(() => tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d))), v));
const heed = (q, k, v) => scaledDotProductAttention(q, k, v, { returnWeights: false }).output;

async function time(fn, reps) {
  const out = fn(); await out.data(); out.dispose(); // warm-up: shader compilation, caches
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const o = fn(); await o.data(); o.dispose();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const profile = await tf.profile(() => fn());
  profile.result.dispose();
  return { medianMs: ms[Math.floor(ms.length / 2)], minMs: ms[0], maxMs: ms[ms.length - 1], peakTensorBytes: profile.peakBytes };
}

async function setBackend(name) {
  if (name === 'webgpu') {
    const found = await findWebGPU();
    if (typeof found === 'string') return found;
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  await tf.setBackend(name);
  await tf.ready();
  return null;
}

const results = [];
for (const backend of Object.keys(sizes)) {
  const unavailable = await setBackend(backend);
  if (unavailable) { results.push({ backend, skipped: unavailable }); continue; }
  for (const N of sizes[backend]) {
    const flop = 4 * H * N * N * d;
    const reps = N >= 4096 ? 1 : N >= 1024 ? 3 : 7;
    const [q, k, v] = [0, 1, 2].map((s) => tf.randomNormal([1, H, N, d], 0, 1, 'float32', s));
    const row = { backend, N, H, d };
    for (const [name, fn] of [['heed', heed], ['naive', naive]]) {
      const t = await time(() => fn(q, k, v), reps);
      row[name] = { ...t, gflops: +(flop / t.medianMs / 1e6).toFixed(2) };
      process.stderr.write(`${backend} N=${N} ${name}: ${t.medianMs.toFixed(1)} ms\n`);
    }
    row.speedupHeedOverNaive = +(row.naive.medianMs / row.heed.medianMs).toFixed(2);
    results.push(row);
    tf.dispose([q, k, v]);
  }
}
console.log(JSON.stringify({
  bench: 'scaled-dot-product attention',
  alternative: 'naive: batched tf.matMul(Q, Kᵀ) → tf.softmax → tf.matMul on the same backend',
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
  results,
}, null, 2));
