/**
 * The workloads of engines.bench.mjs: each a seeded Heed model that tfjs runs as it is and that
 * @heed/onnx exports for the onnxruntime engines, plus seeded inputs every engine is fed.
 *
 * Models are rebuilt from their seeds in each cell process (a cell must not inherit the parent's
 * memory), so everything here is deterministic. Heavy packages are imported inside the functions:
 * an onnxruntime cell never loads them, and its peak RSS is onnxruntime's own.
 */

// seededRandom (mulberry32): backend-free, so every engine sees bit-identical inputs.
import { seededRandom as prng } from '@heed/testing';

/** Uniform floats in [lo, hi). */
function uniform(count, seed, lo = -1, hi = 1) {
  const rand = prng(seed), out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

/** Clouds of `n` points on noisy spheres of varied radii, [b, n, 3] — FPS and kNN see a real shape. */
function clouds(b, n, seed) {
  const rand = prng(seed), out = new Float32Array(b * n * 3);
  for (let s = 0; s < b; s++) {
    const radius = 0.6 + 0.4 * rand();
    for (let i = 0; i < n; i++) {
      const z = 2 * rand() - 1, phi = 2 * Math.PI * rand(), r = Math.sqrt(1 - z * z);
      const j = 3 * (s * n + i), noise = () => 0.01 * (rand() - 0.5);
      out[j] = radius * r * Math.cos(phi) + noise();
      out[j + 1] = radius * r * Math.sin(phi) + noise();
      out[j + 2] = radius * z + noise();
    }
  }
  return out;
}

const size = (dims) => dims.reduce((a, b) => a * b, 1);

/** Seeded functional Transformer-encoder weights, [in, out] layout, small enough to keep LayerNorm inputs tame. */
function encoderWeights(tf, D, FF, seed) {
  const dense = (i, o, s) => tf.randomNormal([i, o], 0, 1 / Math.sqrt(i), 'float32', seed + s);
  const vec = (n, s, mean = 0) => tf.tidy(() => tf.add(tf.randomNormal([n], 0, 0.05, 'float32', seed + s), mean));
  return {
    attention: { wq: dense(D, D, 0), bq: vec(D, 1), wk: dense(D, D, 2), bk: vec(D, 3), wv: dense(D, D, 4), bv: vec(D, 5), wo: dense(D, D, 6), bo: vec(D, 7) },
    norm1: { gamma: vec(D, 8, 1), beta: vec(D, 9) },
    ffn: { w1: dense(D, FF, 10), b1: vec(FF, 11), w2: dense(FF, D, 12), b2: vec(D, 13) },
    norm2: { gamma: vec(D, 14, 1), beta: vec(D, 15) },
  };
}

const tensorsOf = (tf, w) => Object.values(w).flatMap((v) => (v instanceof tf.Tensor ? [v] : tensorsOf(tf, v)));

const ENCODER = { D: 256, H: 8, FF: 1024, N: 256 };
const SDPA = { H: 8, N: 1024, d: 64 };
const PCT_N = 1024;

/**
 * A workload: `inputs()` → { name: { dims, data } }; `build(tf)` → { forward(feeds) → tf.Tensor
 * (the compared output), dispose() } on the active tfjs backend; `exportOnnx(tf)` → ONNX bytes;
 * `output`: the graph output that `forward` returns.
 */
function sdpa(batch, n) {
  const dims = [batch, SDPA.H, n, SDPA.d];
  return {
    // B = 16 at N = 256: at N = 1024 tfjs would hold 16 × 8 × 1024² scores (512 MB) a tensor.
    id: batch === 1 ? 'sdpa' : `sdpa-b${batch}`, label: `SDPA B=${batch} H=${SDPA.H} N=${n} d=${SDPA.d}`, batch, output: 'output',
    flop: 4 * batch * SDPA.H * n ** 2 * SDPA.d,
    inputs: () => ({ query: { dims, data: uniform(size(dims), 11) }, key: { dims, data: uniform(size(dims), 12) }, value: { dims, data: uniform(size(dims), 13) } }),
    async build() {
      const { scaledDotProductAttention } = await import('@heed/attention');
      return { forward: (f) => scaledDotProductAttention(f.query, f.key, f.value, { returnWeights: false }).output, dispose() {} };
    },
    async exportOnnx() {
      const { exportScaledDotProductAttention } = await import('@heed/onnx');
      return exportScaledDotProductAttention({ keyDim: SDPA.d, numHeads: SDPA.H, returnAttention: false });
    },
  };
}

function encoder(batch) {
  const { D, H, FF, N } = ENCODER, dims = [batch, N, D];
  return {
    id: `encoder-b${batch}`, label: `Transformer encoder block B=${batch} N=${N} D=${D} H=${H} FFN=${FF}`, batch, output: 'output',
    inputs: () => ({ input: { dims, data: uniform(size(dims), 21) } }),
    async build(tf) {
      const { transformerEncoderBlock } = await import('@heed/attention');
      const weights = encoderWeights(tf, D, FF, 100);
      return {
        forward: (f) => transformerEncoderBlock(f.input, weights, { numHeads: H }).output,
        dispose: () => tf.dispose(tensorsOf(tf, weights)),
      };
    },
    async exportOnnx(tf) {
      const { exportTransformerEncoder } = await import('@heed/onnx');
      const weights = encoderWeights(tf, D, FF, 100);
      const bytes = exportTransformerEncoder({ weights, options: { numHeads: H } });
      tf.dispose(tensorsOf(tf, weights));
      return bytes;
    },
  };
}

function cbam(batch) {
  const dims = [batch, 32, 32, 3];
  const create = async () => (await import('@heed/vision')).createCbamCnn({ seed: 1 });
  return {
    id: `cbam-b${batch}`, label: `CBAM CNN (@heed/vision, 32×32) B=${batch}`, batch, output: 'logits',
    inputs: () => ({ image: { dims, data: uniform(size(dims), 31, 0, 1) } }),
    async build(tf) {
      const model = await create();
      return {
        // The exported graph also computes the CBAM maps; forward() does too, so both do the same work.
        forward: (f) => { const { logits, maps } = model.forward(f.image); tf.dispose(Object.values(maps)); return logits; },
        dispose: () => model.dispose(),
      };
    },
    async exportOnnx() {
      const { exportCbamCnn } = await import('@heed/onnx');
      const model = await create();
      const bytes = exportCbamCnn(model);
      model.dispose();
      return bytes;
    },
  };
}

function pct(batch) {
  const dims = [batch, PCT_N, 3];
  const create = async () => (await import('@heed/point-transformer')).createPCT({ numClasses: 40, seed: 1 });
  return {
    id: `pct-b${batch}`, label: `PCT cls 40 classes B=${batch} N=${PCT_N} (FPS + kNN included)`, batch, output: 'logits', pytorch: true,
    inputs: () => ({ points: { dims, data: clouds(batch, PCT_N, 41) } }),
    async build() {
      const model = await create();
      return { forward: (f) => model.predict(f.points).logits, dispose: () => model.dispose() };
    },
    async exportOnnx() {
      const { exportPCT } = await import('@heed/onnx');
      const model = await create();
      const bytes = exportPCT(model);
      model.dispose();
      return bytes;
    },
    /** The same weights under the reference port's state-dict names, for the PyTorch cell. */
    async safetensors() {
      const { saveSafetensors } = await import('@heed/point-transformer');
      const model = await create();
      const bytes = saveSafetensors(model);
      model.dispose();
      return bytes;
    },
  };
}

/** Every workload, in table order (--quick runs them all; it skips only the slowest cells). */
export const WORKLOADS = [sdpa(1, SDPA.N), sdpa(16, 256), encoder(1), encoder(16), cbam(1), cbam(16), pct(1), pct(16)];
