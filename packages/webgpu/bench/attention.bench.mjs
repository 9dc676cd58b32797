#!/usr/bin/env node
/**
 * Fused flash attention (Heed's WGSL kernel) against tfjs-webgpu's composed matMul → softmax →
 * matMul on the same adapter, in one run; also the kernel's other variants (tfjs flag
 * HEED_FLASH_VARIANT): 'rows-scalar' (one channel per workgroup-memory load instead of four) and
 * 'tiled' (register tiles, FlashAttention-2 style) against the default 'rows'. H = 8, d = 64, fp32; FLOP = 4·H·N²·d, reported as GFLOP/s and TFLOP/s.
 * Sizes adapt to the adapter: a software adapter (SwiftShader) gets small N.
 * The composed path is skipped where its [H, N, N] scores exceed one storage binding (N ≥ 8192 on an H100).
 * Usage: node bench/attention.bench.mjs [--sizes 256,1024] [--variants-up-to 16384]
 * Killed (SIGTERM, e.g. by `timeout`), it prints the rows it has before exiting.
 */
import * as tf from '@tensorflow/tfjs-core';
import { scaledDotProductAttention } from '@heed/attention';
import { initWebGPU, FLASH_VARIANT_FLAG } from '@heed/webgpu';

const init = await initWebGPU({ fallback: null });
const software = /swiftshader|llvmpipe|lavapipe/i.test(JSON.stringify(init.adapterInfo));
const arg = process.argv.indexOf('--sizes');
const sizes = arg > 0 ? process.argv[arg + 1].split(',').map(Number) : software ? [256, 512] : [1024, 4096, 16384, 65536];
const H = 8, d = 64;
const variantsArg = process.argv.indexOf('--variants-up-to');
const variantsUpTo = variantsArg > 0 ? Number(process.argv[variantsArg + 1]) : 16384;

async function time(fn, reps) {
  const t0 = performance.now();
  const warm = fn(); await warm.data(); warm.dispose();
  const warmMs = performance.now() - t0;
  const ms = [];
  // Calls of seconds (N = 262,144 on a GPU, anything big in software) are timed once more only.
  for (let i = 0; i < (warmMs > 2000 ? 1 : reps); i++) {
    const t0 = performance.now();
    const out = fn(); await out.data(); out.dispose();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: +ms[Math.floor(ms.length / 2)].toFixed(3), minMs: +ms[0].toFixed(3) };
}

const fused = (q, k, v) => scaledDotProductAttention(q, k, v, { returnWeights: false }).output;
const withVariant = (variant, fn) => (...args) => {
  tf.env().set(FLASH_VARIANT_FLAG, variant);
  try { return fn(...args); } finally { tf.env().set(FLASH_VARIANT_FLAG, 'rows'); }
};
const composed = (q, k, v) => tf.tidy(() => tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d))), v));

const rows = [];
const report = () => JSON.stringify({
  bench: 'fused flash attention vs composed tfjs-webgpu',
  adapter: init.adapterInfo, software, features: init.features,
  alternative: 'tfjs-webgpu batched matMul(Q, Kᵀ) → softmax → matMul on the same adapter; fusedScalar: the rows kernel with one channel per workgroup-memory load; fusedTiled: the register-tiled kernel',
  results: rows,
}, null, 2);
process.on('SIGTERM', () => { console.log(report()); process.exit(124); });
for (const N of sizes) {
  const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([1, H, N, d], 0, 1, 'float32', s));
  const flop = 4 * H * N * N * d;
  const reps = software ? 2 : 5;
  const row = { N, H, d };
  // The other kernels answer one question (which is fastest here?): asked up to N = 16384, where
  // a call takes well under a second on a GPU, not at the sizes that take tens of seconds.
  const others = N <= variantsUpTo ? [['fusedTiled', withVariant('tiled', fused)], ['fusedScalar', withVariant('rows-scalar', fused)]] : [];
  const variants = [['fused', fused], ...others, ['composed', composed]];
  for (const [name, fn] of variants) {
    // The composed path's [H, N, N] scores must fit one storage binding; asking anyway loses the device.
    const scoresBytes = H * N * N * 4, bindingLimit = init.limits?.maxStorageBufferBindingSize ?? 2 ** 27;
    if (name === 'composed' && scoresBytes > bindingLimit) {
      row[name] = { skipped: `scores buffer ${(scoresBytes / 2 ** 30).toFixed(1)} GiB > the adapter's ${(bindingLimit / 2 ** 30).toFixed(1)} GiB storage binding` };
      process.stderr.write(`N=${N} ${name}: ${row[name].skipped}\n`);
      continue;
    }
    try {
      const t = await time(() => fn(q, k, v), reps);
      row[name] = { ...t, gflops: +(flop / t.medianMs / 1e6).toFixed(2), tflops: +(flop / t.medianMs / 1e9).toFixed(4) };
    } catch (error) {
      row[name] = { failed: String(error.message ?? error).slice(0, 200) };
    }
    process.stderr.write(`N=${N} ${name}: ${JSON.stringify(row[name])}\n`);
  }
  if (row.fused.medianMs && row.composed.medianMs) row.speedupFusedOverComposed = +(row.composed.medianMs / row.fused.medianMs).toFixed(2);
  if (row.fused.medianMs && row.fusedScalar?.medianMs) row.speedupVec4OverScalar = +(row.fusedScalar.medianMs / row.fused.medianMs).toFixed(2);
  if (row.fused.medianMs && row.fusedTiled?.medianMs) row.speedupTiledOverRows = +(row.fused.medianMs / row.fusedTiled.medianMs).toFixed(2);
  rows.push(row);
  tf.dispose([q, k, v]);
}
console.log(report());
process.exit(0);
