// Forward time of SE, CBAM and ECA from the built package (dist), against the same blocks written
// line by line as a straightforward port of the PyTorch reference would be, on cpu and wasm (and
// webgpu when @heed/testing finds an adapter and HEED_BENCH_WEBGPU=1: a software adapter's numbers
// say little). Prints JSON. Run: npx nx run @heed/channel-spatial:bench
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { bottleneckWidth, cbam, eca, ecaKernelSize, squeezeExcitation } from '@heed/channel-spatial';

const IMAGE = [8, 32, 32, 64];
const POINTS = [8, 1024, 64];
const K = 16;
const REDUCTION = 16;

const ALTERNATIVES = {
  SE: 'senet.pytorch line by line: tf.mean over positions → matMul → relu → matMul → sigmoid → broadcast tf.mul',
  CBAM: 'attention-module line by line: tf.mean and tf.max over positions, the shared MLP run once per '
    + 'descriptor, broadcast tf.mul; images: tf.concat([max, mean] over channels) → tf.conv2d 7×7 → '
    + 'tf.batchNorm → sigmoid → broadcast tf.mul; points: gather the k neighbours\' C features '
    + '([B, N, k, C], one tf.gather per example as ours: tf.gather with batchDims = 1 is wrong on tfjs-wasm '
    + '4.22) → max/mean over C → matMul 2k→1 → tf.batchNorm → sigmoid → broadcast tf.mul',
  ECA: 'ECANet line by line: tf.mean over positions → tf.conv1d across channels → sigmoid → broadcast tf.mul',
};

// ---- the naive compositions -------------------------------------------------------------------
const positions = (x) => Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
const expandTo = (gate, x) => tf.reshape(gate, [x.shape[0], ...positions(x).map(() => 1), x.shape[x.rank - 1]]);
const mlp = (v, w) => {
  const h = tf.relu(tf.add(tf.matMul(v, w.w1), w.b1 ?? 0));
  return tf.add(tf.matMul(h, w.w2), w.b2 ?? 0);
};

const naive = {
  SE: (x, w) => tf.tidy(() => {
    const gate = tf.sigmoid(mlp(tf.mean(x, positions(x)), w.mlp));
    return { output: tf.mul(x, expandTo(gate, x)), channelWeights: gate };
  }),
  CBAM: (x, w, neighbours) => tf.tidy(() => {
    const gate = tf.sigmoid(tf.add(mlp(tf.mean(x, positions(x)), w.channel), mlp(tf.max(x, positions(x)), w.channel)));
    const x1 = tf.mul(x, expandTo(gate, x));
    let logits;
    if (x.rank === 4) {
      const pooled = tf.concat([tf.max(x1, -1, true), tf.mean(x1, -1, true)], -1);
      logits = tf.conv2d(pooled, w.spatial.kernel, 1, 'same');
    } else {
      const [b, n] = x1.shape;
      const k = neighbours.shape[2];
      const index = tf.unstack(neighbours);
      const grouped = tf.stack(tf.unstack(x1).map((xb, i) => tf.gather(xb, index[i]))); // [B, N, k, C]
      const desc = tf.stack([tf.max(grouped, -1), tf.mean(grouped, -1)], -1); // [B, N, k, 2]
      logits = tf.reshape(tf.matMul(tf.reshape(desc, [b * n, 2 * k]), w.spatial.kernel), [b, n, 1]);
    }
    const bn = w.spatial.batchNorm;
    const map = tf.sigmoid(tf.batchNorm(logits, bn.movingMean, bn.movingVariance, bn.beta, bn.gamma, 1e-5));
    return { output: tf.mul(x1, map), channelWeights: gate, spatialMap: tf.squeeze(map, [-1]) };
  }),
  ECA: (x, w) => tf.tidy(() => {
    const y = tf.mean(x, positions(x));
    const [b, c] = y.shape;
    const k = w.kernel.shape[0];
    const gate = tf.reshape(tf.sigmoid(tf.conv1d(tf.reshape(y, [b, c, 1]), tf.reshape(w.kernel, [k, 1, 1]), 1, 'same')), [b, c]);
    return { output: tf.mul(x, expandTo(gate, x)), channelWeights: gate };
  }),
};

const ours = {
  SE: (x, w) => squeezeExcitation(x, w.mlp),
  CBAM: (x, w, neighbours) => cbam(x, w, neighbours ? { neighbours } : {}),
  ECA: (x, w) => eca(x, w),
};

// ---- inputs ------------------------------------------------------------------------------------
function weightsFor(c, rank) {
  const h = bottleneckWidth(c, REDUCTION);
  const u = (shape, s = 0.5) => tf.randomUniform(shape, -s, s, 'float32', 7);
  const mlpWeights = (bias) => ({ w1: u([c, h]), w2: u([h, c]), ...(bias ? { b1: u([h]), b2: u([c]) } : {}) });
  return {
    SE: { mlp: mlpWeights(false) },
    CBAM: {
      channel: mlpWeights(true),
      spatial: {
        kernel: rank === 4 ? u([7, 7, 2, 1], 0.2) : u([2 * K, 1], 0.2),
        batchNorm: { gamma: tf.tensor1d([1.1]), beta: tf.tensor1d([-0.1]), movingMean: tf.tensor1d([0.05]), movingVariance: tf.tensor1d([0.4]) },
      },
    },
    ECA: { kernel: u([ecaKernelSize(c)], 1) },
  };
}

/** Brute-force k nearest neighbours (nearest first, the point itself included) of random points. */
function knn(b, n, k) {
  const out = new Int32Array(b * n * k);
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let bi = 0; bi < b; bi++) {
    const p = Float64Array.from({ length: 3 * n }, rand);
    for (let i = 0; i < n; i++) {
      const d = new Float64Array(n);
      for (let j = 0; j < n; j++) d[j] = (p[3 * i] - p[3 * j]) ** 2 + (p[3 * i + 1] - p[3 * j + 1]) ** 2 + (p[3 * i + 2] - p[3 * j + 2]) ** 2;
      const order = Array.from(d.keys()).sort((a, c) => d[a] - d[c]).slice(0, k);
      out.set(order, (bi * n + i) * k);
    }
  }
  return out;
}

// ---- timing ------------------------------------------------------------------------------------
/** Median ms of each function; runs are interleaved (order alternating) so load on the machine
 * affects both alike. */
async function medians(fns, reps) {
  for (const fn of fns) for (let i = 0; i < 2; i++) await settle(fn());
  const times = fns.map(() => []);
  for (let i = 0; i < reps; i++) {
    for (const j of i % 2 ? [1, 0] : [0, 1]) {
      const t0 = performance.now();
      await settle(fns[j]());
      times[j].push(performance.now() - t0);
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(reps / 2)]);
}

async function settle(result) {
  await result.output.data();
  tf.dispose(Object.values(result));
}

async function maxAbsDiff(a, b) {
  const [x, y] = await Promise.all([a.output.data(), b.output.data()]);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  tf.dispose([...Object.values(a), ...Object.values(b)]);
  return worst;
}

const round = (v, digits = 2) => Number(v.toFixed(digits));

async function benchBackend(backend, reps) {
  await tf.setBackend(backend);
  await tf.ready();
  const rows = [];
  const neighboursData = knn(POINTS[0], POINTS[1], K);
  for (const shape of [IMAGE, POINTS]) {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
    const neighbours = shape.length === 3 ? tf.tensor3d(neighboursData, [POINTS[0], POINTS[1], K], 'int32') : undefined;
    const weights = weightsFor(shape[shape.length - 1], shape.length);
    for (const block of ['SE', 'CBAM', 'ECA']) {
      const run = (impl) => () => impl[block](x, weights[block], neighbours);
      const diff = await maxAbsDiff(run(ours)(), run(naive)());
      const [ms, naiveMs] = await medians([run(ours), run(naive)], reps);
      rows.push({ backend, block, shape, ms: round(ms), naiveMs: round(naiveMs), speedupVsNaive: round(naiveMs / ms), maxAbsDiff: diff });
      console.error(`${backend} ${block} [${shape}]: ${round(ms)} ms, naive ${round(naiveMs)} ms`);
    }
    tf.dispose([x, neighbours, ...collect(weights)].filter(Boolean));
  }
  return rows;
}

const collect = (v) => (v instanceof tf.Tensor ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(collect) : []);

async function webgpuAvailable() {
  if (process.env.HEED_BENCH_WEBGPU !== '1') return 'not requested (set HEED_BENCH_WEBGPU=1)';
  try {
    const { findWebGPU } = await import('@heed/testing');
    const found = await findWebGPU();
    if (typeof found === 'string') return found;
    await import('@tensorflow/tfjs-backend-webgpu');
    return { description: found.description };
  } catch (e) {
    return `@heed/testing or webgpu unavailable: ${e.message}`;
  }
}

const results = [...(await benchBackend('cpu', 11)), ...(await benchBackend('wasm', 21))];
const webgpu = await webgpuAvailable();
if (typeof webgpu !== 'string') results.push(...(await benchBackend('webgpu', 5)));

console.log(JSON.stringify({
  bench: '@heed/channel-spatial blocks, forward (inference)',
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, tfjs: tf.version_core },
  config: { image: IMAGE, points: POINTS, reduction: REDUCTION, cbamSpatial: '7×7 conv + BN (images), k = 16 neighbours + BN (points)' },
  method: 'median ms of N runs after 2 warm-ups (cpu N = 11, wasm N = 21, webgpu N = 5), ours and naive interleaved, '
    + 'output read back inside the timing; speedupVsNaive = naiveMs / ms; maxAbsDiff compares the two outputs',
  load: `1-min load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores at the end`,
  alternatives: ALTERNATIVES,
  webgpu: typeof webgpu === 'string' ? `skipped: ${webgpu}` : webgpu.description,
  results,
}, null, 1));
