import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, matmul, maxRelativeError, randomMatrix, seededRandom, tensorsLeakedBy, transpose, useBackend } from '@heed/testing';
import { OffsetAttention, type OffsetAttentionAttrs } from '../kernels/kernel-names.js';
import { offsetAttention } from './offset-attention.js';

/** float64 offset-attention of one [N, d] × [N, d] × [N, C] slice: x_r and Â. */
function reference(q: number[][], k: number[][], v: number[][], eps = 1e-9) {
  const a = matmul(q, transpose(k)).map((row) => {
    const m = Math.max(...row);
    const e = row.map((s) => Math.exp(s - m));
    const sum = e.reduce((x, y) => x + y, 0);
    return e.map((x) => x / sum);
  });
  const colSum = a[0]!.map((_, j) => a.reduce((s, row) => s + row[j]!, 0));
  const norm = a.map((row) => row.map((x, j) => x / (eps + colSum[j]!)));
  return { output: matmul(transpose(norm), v), weights: norm };
}

const [B, N, D, C] = [2, 7, 3, 5];
const rand = seededRandom(21);
const qs = Array.from({ length: B }, () => randomMatrix(rand, N, D, -2, 2));
const ks = Array.from({ length: B }, () => randomMatrix(rand, N, D, -2, 2));
const vs = Array.from({ length: B }, () => randomMatrix(rand, N, C));
const t3 = (m: number[][][]) => tf.tensor3d(m);

describe.each(BACKENDS)('offsetAttention on %s', (backend) => {
  it('matches float64: columns of Â are l1-normalised, x_r = Âᵀ v', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const [q, k, v] = [t3(qs), t3(ks), t3(vs)];
    const { output, weights } = offsetAttention(q, k, v, { returnWeights: true });
    const expected = qs.map((_, b) => reference(qs[b]!, ks[b]!, vs[b]!));
    expect(maxRelativeError(await weights!.data(), expected.map((e) => e.weights))).toBeLessThan(1e-5);
    expect(maxRelativeError(await output.data(), expected.map((e) => e.output))).toBeLessThan(1e-5);
    const colSums = await tf.sum(weights!, 1).data();
    expect(Math.max(...Array.from(colSums, (s) => Math.abs(s - 1)))).toBeLessThan(1e-5);
    tf.dispose([q, k, v, output, weights!]);
  });

  it('does not leak and rejects mismatched shapes', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const [q, v] = [t3(qs), t3(vs)];
    expect(await tensorsLeakedBy(() => tf.dispose(Object.values(offsetAttention(q, q, v, { returnWeights: true }))))).toBe(0);
    expect(() => offsetAttention(q, q, tf.zeros([2, 6, 5]) as tf.Tensor3D)).toThrow(/expected query \[B, N, d\], key \[B, N, d\], value \[B, N, C\]/);
    tf.dispose([q, v]);
  });
});

describe('OffsetAttention kernel dispatch and gradient', () => {
  let calls = 0;
  beforeAll(async () => {
    await useBackend('cpu');
    tf.registerKernel({
      kernelName: OffsetAttention,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        calls++;
        const b = backend as tf.KernelBackend;
        const read = (t: tf.TensorInfo) => b.readSync(t.dataId) as Float32Array;
        const [bs, n, d] = inputs.query!.shape as [number, number, number];
        const c = inputs.value!.shape[2]!;
        const [q, k, v] = [read(inputs.query!), read(inputs.key!), read(inputs.value!)];
        const slice = (x: Float32Array, s: number, w: number) => Array.from({ length: n }, (_, i) => Array.from(x.subarray((s * n + i) * w, (s * n + i + 1) * w)));
        const out = new Float32Array(bs * n * c);
        for (let s = 0; s < bs; s++) {
          const r = reference(slice(q, s, d), slice(k, s, d), slice(v, s, c), (attrs as unknown as OffsetAttentionAttrs).epsilon);
          out.set(r.output.flat(), s * n * c);
        }
        return { dataId: b.write(out, [bs, n, c], 'float32'), shape: [bs, n, c], dtype: 'float32' };
      },
    });
  });
  afterAll(() => tf.unregisterKernel(OffsetAttention, 'cpu'));

  it('runs the registered kernel only when weights are not requested, with the composed result', async () => {
    const [q, k, v] = [t3(qs), t3(ks), t3(vs)];
    calls = 0;
    const composed = offsetAttention(q, k, v, { returnWeights: true });
    expect(calls).toBe(0);
    const fused = offsetAttention(q, k, v);
    expect(calls).toBe(1);
    expect(fused.weights).toBeUndefined();
    expect(maxRelativeError(await fused.output.data(), await composed.output.data())).toBeLessThan(1e-5);
  });

  it('trains through the kernel: gradients equal the composed path, tied query = key included', async () => {
    const [q, k, v] = [t3(qs), t3(ks), t3(vs)];
    const w = tf.randomNormal([B, N, C], 0, 1, 'float32', 4);
    const loss = (fused: boolean) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.mul(offsetAttention(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, { returnWeights: !fused }).output, w));
    calls = 0;
    const gf = tf.grads(loss(true))([q, k, v]);
    expect(calls).toBeGreaterThan(0);
    const gc = tf.grads(loss(false))([q, k, v]);
    for (let i = 0; i < 3; i++) expect(maxRelativeError(await gf[i]!.data(), await gc[i]!.data()), `input ${i}`).toBeLessThan(1e-4);
    // Tied: the same tensor as query and key gets both contributions.
    const tiedFused = tf.grad((x: tf.Tensor) => loss(true)(x, x, v))(q);
    const tiedComposed = tf.grad((x: tf.Tensor) => loss(false)(x, x, v))(q);
    expect(maxRelativeError(await tiedFused.data(), await tiedComposed.data())).toBeLessThan(1e-4);
  });
});
