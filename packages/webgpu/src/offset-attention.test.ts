import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OffsetAttention } from '@heed/attention';
import { inCI, seededRandom, tensorsLeakedBy, useBackend } from '@heed/testing';
import { createPCT, offsetAttention } from '@heed/point-transformer';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  fusedKernelNames, initWebGPU, setStorageBindingLimit, OffsetAttentionColumnsProgram, OffsetAttentionRowStatsProgram, type WebGPUInit,
} from './index.js';
import { planSliceRanges } from './kernels/binding-view.js';
import { watchBindings } from './test/binding-spy.js';

let init: WebGPUInit;
beforeAll(async () => {
  init = await initWebGPU({ fallback: inCI ? null : 'cpu' });
});
afterEach(() => {
  setStorageBindingLimit(null);
  vi.restoreAllMocks();
});

const skipUnlessGPU = (ctx: { skip: (note?: string) => never }) => {
  if (init.backend !== 'webgpu') ctx.skip(`no WebGPU adapter: ${init.reason}`);
};

/** float64 offset-attention of one batch: row softmax of q·kᵀ, column l1 (+ eps), then Âᵀ·v. */
function reference(q: Float32Array, k: Float32Array, v: Float32Array, b: number, n: number, dq: number, c: number, eps: number): Float64Array {
  const out = new Float64Array(b * n * c);
  const a = new Float64Array(n * n);
  for (let s = 0; s < b; s++) {
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let t = 0; t < dq; t++) dot += q[(s * n + i) * dq + t]! * k[(s * n + j) * dq + t]!;
        a[i * n + j] = dot;
        m = Math.max(m, dot);
      }
      let l = 0;
      for (let j = 0; j < n; j++) l += (a[i * n + j] = Math.exp(a[i * n + j]! - m));
      for (let j = 0; j < n; j++) a[i * n + j]! /= l;
    }
    for (let j = 0; j < n; j++) {
      let colSum = 0;
      for (let i = 0; i < n; i++) colSum += a[i * n + j]!;
      for (let i = 0; i < n; i++) {
        const w = a[i * n + j]! / (eps + colSum);
        for (let t = 0; t < c; t++) out[(s * n + j) * c + t]! += w * v[(s * n + i) * c + t]!;
      }
    }
  }
  return out;
}

/** Largest |a − e| over max |e| (or 1 when the reference is all ~0). */
function errorRelativeToMax(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0, scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    worst = Number.isNaN(err) ? Infinity : Math.max(worst, err);
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return worst / (scale > 1e-6 ? scale : 1);
}

const random = (rand: () => number, count: number, spread: number) => Float32Array.from({ length: count }, () => (rand() * 2 - 1) * spread);

interface Case { b: number; n: number; dq: number; c: number; tied: boolean; spread?: number; eps?: number }

/** Runs the kernel exactly as `offsetAttention` of `@heed/point-transformer` dispatches it. */
async function compare({ b, n, dq, c, tied, spread = 1, eps = 1e-9 }: Case) {
  const rand = seededRandom(b * 7919 + n * 31 + dq + c);
  const qa = random(rand, b * n * dq, spread);
  const ka = tied ? qa : random(rand, b * n * dq, spread);
  const va = random(rand, b * n * c, 1);
  const [query, value] = [tf.tensor3d(qa, [b, n, dq]), tf.tensor3d(va, [b, n, c])];
  const key = tied ? query : tf.tensor3d(ka, [b, n, dq]);
  const out = tf.engine().runKernel(OffsetAttention, { query, key, value }, { epsilon: eps }) as tf.Tensor;
  expect(out.shape).toEqual([b, n, c]);
  const data = await out.data();
  tf.dispose([query, key, value, out]);
  const expected = reference(qa, ka, va, b, n, dq, c, eps);
  let maxLogit = 0;
  for (let i = 0; i < b * n; i++) {
    for (let j = 0; j < n; j++) {
      const s = Math.floor(i / n);
      let dot = 0;
      for (let t = 0; t < dq; t++) dot += qa[i * dq + t]! * ka[(s * n + j) * dq + t]!;
      maxLogit = Math.max(maxLogit, Math.abs(dot));
    }
  }
  return { data, expected, error: errorRelativeToMax(data, expected), maxLogit };
}

/** Worst error per case, printed at the end (the README quotes these). */
const worst: Record<string, number> = {};
afterAll(() => console.log('offset-attention worst errors:', JSON.stringify(worst, null, 1)));

describe('offset-attention on WebGPU', () => {
  it('is registered for webgpu after initWebGPU', (ctx) => {
    skipUnlessGPU(ctx);
    expect(fusedKernelNames).toContain(OffsetAttention);
    expect(tf.getKernel(OffsetAttention, 'webgpu')).toBeDefined();
    expect(tf.getBackend()).toBe('webgpu');
  });

  it.for<Case & { name: string }>([
    { name: 'B=2 N=333 dq=64 C=256 tied (PCT)', b: 2, n: 333, dq: 64, c: 256, tied: true },
    { name: 'B=2 N=333 dq=64 C=256 separate q/k', b: 2, n: 333, dq: 64, c: 256, tied: false },
    { name: 'N=1', b: 2, n: 1, dq: 64, c: 256, tied: false },
    { name: 'N=17 dq=16 C=24', b: 1, n: 17, dq: 16, c: 24, tied: true },
    { name: 'N=70 dq=128 C=200 (a partial channel group)', b: 2, n: 70, dq: 128, c: 200, tied: false },
    { name: 'N=45 dq=128 C=256 tied', b: 1, n: 45, dq: 128, c: 256, tied: true },
  ])('matches float64 to 1e-4 of max|x_r|: $name', async (cs, ctx) => {
    skipUnlessGPU(ctx);
    const { data, error } = await compare(cs);
    expect(data.every(Number.isFinite)).toBe(true);
    worst[cs.name] = error;
    expect(error).toBeLessThan(1e-4);
  });

  it('peaked logits (|E| ~ 1e3): columns whose sum is ~0 come out ~0', async (ctx) => {
    skipUnlessGPU(ctx);
    for (const tied of [false, true]) {
      // spread 16 with dq 16: E has a standard deviation of ~340 and |E| reaches ~1e3; each
      // softmax row is ~one-hot, so most columns sum to ~0.
      const cs: Case = { b: 1, n: 97, dq: 16, c: 32, tied, spread: 16 };
      const { data, expected, error, maxLogit } = await compare(cs);
      expect(maxLogit).toBeGreaterThan(800);
      worst[`peaked tied=${tied} (max|E| ${maxLogit.toFixed(0)})`] = error;
      expect(error).toBeLessThan(1e-4);
      // Some output columns (points j) must be ~0 in the reference, and so in the kernel.
      const rowMax = (arr: ArrayLike<number>, j: number) => Math.max(...Array.from({ length: cs.c }, (_, t) => Math.abs(arr[j * cs.c + t]!)));
      const empty = Array.from({ length: cs.n }, (_, j) => j).filter((j) => rowMax(expected, j) < 1e-6);
      if (!tied) expect(empty.length).toBeGreaterThan(0);
      for (const j of empty) expect(rowMax(data, j)).toBeLessThan(1e-4);
    }
  });

  it('leaks no tensors', async (ctx) => {
    skipUnlessGPU(ctx);
    const q = tf.randomUniform([1, 40, 16], -1, 1, 'float32', 3);
    const v = tf.randomUniform([1, 40, 24], -1, 1, 'float32', 4);
    const leaked = await tensorsLeakedBy(async () => {
      const out = tf.engine().runKernel(OffsetAttention, { query: q, key: q, value: v }, { epsilon: 1e-9 }) as tf.Tensor;
      await out.data();
      out.dispose();
    });
    expect(leaked).toBe(0);
    // The [B, N, 2] row statistics are freed too: GPU bytes stay flat across calls.
    const bytes = () => (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? 0;
    const before = bytes();
    for (let i = 0; i < 3; i++) {
      const out = tf.engine().runKernel(OffsetAttention, { query: q, key: q, value: v }, { epsilon: 1e-9 }) as tf.Tensor;
      await out.data();
      out.dispose();
    }
    expect(bytes()).toBe(before);
    tf.dispose([q, v]);
  });

  it('trains: gradients through the kernel (registered by name) match cpu', async (ctx) => {
    skipUnlessGPU(ctx);
    const rand = seededRandom(5);
    const [b, n, dq, c] = [1, 33, 16, 24];
    const [qa, va, wa] = [random(rand, b * n * dq, 1), random(rand, b * n * c, 1), random(rand, b * n * c, 1)];
    const gradsOn = async (backend: 'webgpu' | 'cpu') => {
      await useBackend(backend);
      const [qk, v, w] = [tf.tensor3d(qa, [b, n, dq]), tf.tensor3d(va, [b, n, c]), tf.tensor3d(wa, [b, n, c])];
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(offsetAttention(x as tf.Tensor3D, x as tf.Tensor3D, y as tf.Tensor3D).output, w));
      const profile = await tf.profile(() => tf.dispose(tf.grads(f)([qk, v])));
      const grads = tf.grads(f)([qk, v]);
      const data = await Promise.all(grads.map((g) => g.data()));
      tf.dispose([qk, v, w, ...grads]);
      return { data, kernels: profile.kernelNames };
    };
    try {
      const cpu = await gradsOn('cpu');
      const gpu = await gradsOn('webgpu');
      expect(gpu.kernels).toContain(OffsetAttention);
      for (let i = 0; i < 2; i++) {
        const error = errorRelativeToMax(gpu.data[i]!, cpu.data[i]!);
        worst[`gradient ${i === 0 ? 'd/dqk' : 'd/dv'} vs cpu`] = error;
        expect(error).toBeLessThan(1e-4);
      }
    } finally {
      await useBackend('webgpu');
    }
  });

  it('SPCT end to end: webgpu logits match cpu within 1e-3', async (ctx) => {
    skipUnlessGPU(ctx);
    const rand = seededRandom(11);
    const cloud = Float32Array.from({ length: 128 * 3 }, () => rand() * 2 - 1);
    const logitsOn = async (backend: 'webgpu' | 'cpu') => {
      await useBackend(backend);
      const points = tf.tensor3d(cloud, [1, 128, 3]);
      const { logits } = model.predict(points, { returnAttention: false });
      const data = await logits.data();
      tf.dispose([points, logits]);
      return data;
    };
    // Weights are created and first used on cpu: tfjs then moves them to webgpu on first use
    // there (the reverse would need a synchronous GPU read, which Node cannot do).
    await useBackend('cpu');
    const model = createPCT({ variant: 'spct', numClasses: 10, seed: 1 });
    try {
      const cpu = await logitsOn('cpu');
      const profile = await tf.profile(() => logitsOn('webgpu'));
      expect(profile.kernelNames).toContain(OffsetAttention);
      const gpu = await logitsOn('webgpu');
      const delta = Math.max(...Array.from(gpu, (x, i) => Math.abs(x - cpu[i]!)));
      worst['SPCT logits |Δ|'] = delta;
      worst['SPCT max|logit|'] = Math.max(...Array.from(cpu, Math.abs));
      expect(delta).toBeLessThan(1e-3);
    } finally {
      await useBackend('webgpu');
    }
  });
});

describe('offset-attention bound a few batch elements at a time (storage binding limit)', () => {
  // B = 3, N = 33, dq = 16, C = 24: 2112 bytes of q and k per batch element, 3168 of v and the
  // output, 264 of the statistics — none a multiple of 256, so views start off slice boundaries.
  const [b, n, dq, c] = [3, 33, 16, 24];
  const sliceBytes = { query: n * dq * 4, key: n * dq * 4, value: n * c * 4, stats: n * 2 * 4, out: n * c * 4 };

  it.for([
    // q, k, stats whole (6336 bytes fit), v and the output views: batch elements [0, 2), [2, 3).
    { name: 'v and out views, separate q/k', limit: 2 * 3168 + 100, tied: false },
    // Everything but the statistics a view of one batch element (query = key).
    { name: 'one batch element per dispatch, tied', limit: 4000, tied: true },
  ])('matches float64 to 1e-4 of max|x_r|: $name', async ({ name, limit, tied }, ctx) => {
    skipUnlessGPU(ctx);
    const alignment = (tf.backend() as WebGPUBackend).device.limits.minStorageBufferOffsetAlignment;
    const ranges = planSliceRanges(OffsetAttention, b, sliceBytes, limit, alignment);
    expect(ranges.length).toBeGreaterThanOrEqual(2);
    setStorageBindingLimit(limit);
    const seen = watchBindings();
    const { data, error } = await compare({ b, n, dq, c, tied });
    worst[`bound in views: ${name}`] = error;
    expect(error).toBeLessThan(1e-4);
    expect(seen.dispatches(OffsetAttentionRowStatsProgram)).toBe(ranges.length);
    expect(seen.dispatches(OffsetAttentionColumnsProgram)).toBe(ranges.length);
    seen.expectBound(limit, sliceBytes.value);
    expect(data.every(Number.isFinite)).toBe(true);
  });

  it('throws, naming the kernel and the tensor, when one batch element is over the limit — leaving nothing behind', (ctx) => {
    skipUnlessGPU(ctx);
    const [q, v] = [tf.ones([b, n, dq]), tf.ones([b, n, c])];
    const [tensors, dataIds] = [tf.memory().numTensors, tf.backend().numDataIds()];
    setStorageBindingLimit(3000); // q and k fit one batch element each (2112 bytes), v does not (3168)
    expect(() => tf.engine().runKernel(OffsetAttention, { query: q, key: q, value: v }, { epsilon: 1e-9 })).toThrow(
      'HeedOffsetAttention: value: one slice is 3168 bytes, more than the storage binding limit of 3000 bytes',
    );
    expect([tf.memory().numTensors, tf.backend().numDataIds()]).toEqual([tensors, dataIds]);
    tf.dispose([q!, v!]);
  });

  it('leaks no tensors, views or GPU bytes, and leaves the inputs intact', async (ctx) => {
    skipUnlessGPU(ctx);
    const rand = seededRandom(8);
    const [qa, va] = [random(rand, b * n * dq, 1), random(rand, b * n * c, 1)];
    const [q, v] = [tf.tensor3d(qa, [b, n, dq]), tf.tensor3d(va, [b, n, c])];
    setStorageBindingLimit(4000);
    const call = async () => {
      const out = tf.engine().runKernel(OffsetAttention, { query: q, key: q, value: v }, { epsilon: 1e-9 }) as tf.Tensor;
      const data = await out.data();
      out.dispose();
      return data;
    };
    const first = await call(); // also warms the buffer pool
    const gpu = tf.backend() as WebGPUBackend;
    const [dataIds, bytes] = [gpu.numDataIds(), gpu.memory().numBytesInGPU];
    expect(await tensorsLeakedBy(async () => { for (let i = 0; i < 2; i++) expect(await call()).toEqual(first); })).toBe(0);
    expect(gpu.numDataIds()).toBe(dataIds);
    expect(gpu.memory().numBytesInGPU).toBe(bytes);
    // The parents' buffers were never released by a view: they read back as written.
    expect(await q.data()).toEqual(qa);
    expect(await v.data()).toEqual(va);
    tf.dispose([q, v]);
  });
});
