#!/usr/bin/env node
/**
 * PCT classification forward (reference architecture, 40 classes), N = 1024, on each tfjs
 * backend: B = 1 plain and with the four [256, 256] attention maps returned, and B = 16 (one rep
 * on cpu: ≈ 2 min there); FPS (N → 1024) + kNN (k = 32) at N = 10k and 100k, Heed's JS path
 * against the reference port's torch code (tools/bench/pct_sampling_pytorch.py) in the same run;
 * tensors and RSS over 100 wasm forwards (must stay flat).
 * Prints one JSON document. Usage: node bench/pct-forward.bench.mjs [--quick] [--webgpu]
 * (WebGPU only on request: on a software adapter one forward takes minutes.)
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPCT, disposeAttentionMaps, farthestPointSample, kNearestNeighbours } from '@heed/point-transformer';
import { findWebGPU } from '@heed/testing';

const quick = process.argv.includes('--quick');
const reps = { cpu: quick ? 1 : 3, wasm: quick ? 3 : 10, webgpu: quick ? 3 : 10 };

async function time(fn, n, warmUp = true) {
  if (warmUp) await fn(); // caches, shader compilation
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
  const batch16 = tf.randomUniform([16, 1024, 3], -1, 1, 'float32', 8);
  const b16 = await time(async () => {
    const { logits } = model.predict(batch16);
    await logits.data();
    logits.dispose();
  }, backend === 'cpu' || quick ? 1 : 3, backend !== 'cpu'); // cpu: B = 1 warmed it; a B = 16 forward takes minutes
  results[backend] = { plain, withAttention, batch16: { ...b16, msPerCloud: Math.round(b16.medianMs / 16) } };
  batch16.dispose();
  points.dispose();
  model.dispose();
}
// FPS + kNN at cloud sizes a scan gives: Heed's JS path (what cpu and wasm run) vs the reference port.
const sizes = quick ? [10_000] : [10_000, 100_000];
await tf.setBackend('wasm');
const sampling = {};
for (const n of sizes) {
  const xyz = tf.randomUniform([1, n, 3], -1, 1, 'float32', 9);
  const fps = await time(async () => tf.dispose(farthestPointSample(xyz, 1024)), quick ? 1 : 3);
  const centres = tf.tidy(() => tf.gather(xyz, tf.squeeze(farthestPointSample(xyz, 1024), [0]), 1));
  const knn = await time(async () => tf.dispose(kNearestNeighbours(centres, xyz, 32)), quick ? 1 : 3);
  sampling[n] = { heedFps: fps, heedKnn: knn };
  tf.dispose([xyz, centres]);
}
const script = fileURLToPath(new URL('../../../tools/bench/pct_sampling_pytorch.py', import.meta.url));
const py = spawnSync('/usr/bin/python3', [script, '--n', sizes.join(','), '--reps', quick ? '1' : '3'], { encoding: 'utf8' });
let pytorch;
try { pytorch = JSON.parse(py.stdout.trim().split('\n').pop()); } catch { pytorch = { status: 'unavailable', why: (py.stderr || String(py.error)).trim().split('\n').slice(-2).join(' ') }; }
for (const n of sizes) {
  const ref = pytorch.byN?.[n];
  if (!ref) continue;
  Object.assign(sampling[n], { pytorchFpsMs: ref.fpsMs, pytorchKnnMs: ref.knnMs,
    ratioHeedOverPytorch: { fps: +(sampling[n].heedFps.medianMs / ref.fpsMs).toFixed(3), knn: +(sampling[n].heedKnn.medianMs / ref.knnMs).toFixed(3) } });
}

// 100 forwards on wasm: tensors must not grow, and RSS should level off.
const model = createPCT({ numClasses: 40, seed: 1 });
const cloud = tf.randomUniform([1, 1024, 3], -1, 1, 'float32', 10);
const forwards = quick ? 20 : 100;
const before = { tensors: tf.memory().numTensors, rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) };
for (let i = 0; i < forwards; i++) {
  const { logits } = model.predict(cloud);
  await logits.data();
  logits.dispose();
}
const after = { tensors: tf.memory().numTensors, rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) };
model.dispose();
cloud.dispose();

console.log(JSON.stringify({
  model: 'PCT cls, 40 classes', N: 1024, results,
  sampling: { centres: 1024, k: 32, pytorch: { status: pytorch.status, torch: pytorch.torch, threads: pytorch.threads, why: pytorch.why }, byN: sampling },
  memory: { backend: 'wasm', forwards, before, after, tensorsFlat: before.tensors === after.tensors },
}, null, 2));
