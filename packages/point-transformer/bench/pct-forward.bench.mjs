#!/usr/bin/env node
/**
 * PCT classification forward (reference architecture, 40 classes), B = 1, N = 1024, on each tfjs
 * backend: plain inference and inference that also returns the four [256, 256] attention maps.
 * Prints one JSON document. Usage: node bench/pct-forward.bench.mjs [--quick] [--webgpu]
 * (WebGPU only on request: on a software adapter one forward takes minutes.)
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { createPCT, disposeAttentionMaps } from '@heed/point-transformer';
import { findWebGPU } from '@heed/testing';

const quick = process.argv.includes('--quick');
const reps = { cpu: quick ? 1 : 3, wasm: quick ? 3 : 10, webgpu: quick ? 3 : 10 };

async function time(fn, n) {
  await fn(); // warm-up: caches, shader compilation
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: Math.round(ms[Math.floor(ms.length / 2)]), minMs: Math.round(ms[0]), reps: n };
}

const backends = ['cpu', 'wasm'];
if (process.argv.includes('--webgpu')) {
  const found = await findWebGPU();
  if (typeof found === 'string') console.error(`webgpu skipped: ${found}`);
  else {
    await import('@tensorflow/tfjs-backend-webgpu');
    backends.push('webgpu');
  }
}

const results = {};
for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = createPCT({ numClasses: 40, seed: 1 });
  const points = tf.randomUniform([1, 1024, 3], -1, 1, 'float32', 7);
  const plain = await time(async () => {
    const { logits } = model.predict(points);
    await logits.data();
    logits.dispose();
  }, reps[backend]);
  const withAttention = await time(async () => {
    const { logits, attention } = model.predict(points, { returnAttention: true });
    await logits.data();
    await attention[3].matrix.data();
    logits.dispose();
    disposeAttentionMaps(attention);
  }, reps[backend]);
  results[backend] = { plain, withAttention };
  points.dispose();
  model.dispose();
}
console.log(JSON.stringify({ model: 'PCT cls, 40 classes', B: 1, N: 1024, results }, null, 2));
