#!/usr/bin/env node
/**
 * PCT classification forward on the webgpu backend (the reference configuration: N = 1024, 40
 * classes, grouping 512 → 256 centres, k = 32; FPS and kNN included, as issue #6's ≤ 5 ms target
 * counts them), B = 1 and B = 16, median of --reps after warm-ups, plus the same forward with the
 * four attention maps returned. Seeded random weights: the time does not depend on the values.
 * Prints one JSON document (what it has, when killed by SIGTERM). Usage: node pct-forward.mjs [--reps 20]
 */
import * as tf from '@tensorflow/tfjs-core';
import { createPCT, disposeAttentionMaps } from '@heed/point-transformer';
import { initWebGPU } from '@heed/webgpu';

const init = await initWebGPU({ fallback: null });
const i = process.argv.indexOf('--reps');
const reps = i > 0 ? Number(process.argv[i + 1]) : 20;
const model = createPCT({ numClasses: 40 });

async function time(forward) {
  const ms = [];
  for (let r = 0; r < reps + 3; r++) {
    const t0 = performance.now();
    await forward();
    if (r >= 3) ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: +ms[Math.floor(ms.length / 2)].toFixed(3), minMs: +ms[0].toFixed(3), maxMs: +ms[ms.length - 1].toFixed(3), reps };
}

const results = [];
const report = () => JSON.stringify({
  bench: 'PCT classification forward on webgpu (FPS + kNN + four offset-attention layers), reference configuration',
  date: new Date().toISOString().slice(0, 10),
  adapter: init.adapterInfo, features: init.features, backend: tf.getBackend(),
  target: 'issue #6: B = 1 ≤ 5 ms on an H100',
  results,
  tensorsAtEnd: tf.memory().numTensors,
}, null, 2);
// Killed by run.sh's step timeout (a software adapter at B = 16): print what was measured.
process.on('SIGTERM', () => { console.log(report()); process.exit(124); });
for (const B of [1, 16]) {
  const points = tf.randomUniform([B, 1024, 3], -1, 1, 'float32', B);
  const plain = await time(async () => {
    const { logits } = model.predict(points);
    await logits.data();
    logits.dispose();
  });
  const withAttention = await time(async () => {
    const { logits, attention } = model.predict(points, { returnAttention: true });
    await Promise.all([logits.data(), ...attention.map((a) => a.matrix.data())]);
    logits.dispose();
    disposeAttentionMaps(attention);
  });
  results.push({ B, N: 1024, forwardMs: plain, forwardWithAttentionMs: withAttention });
  process.stderr.write(`B=${B}: ${plain.medianMs} ms, with attention ${withAttention.medianMs} ms\n`);
  points.dispose();
}
console.log(report());
process.exit(0);
