import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maskedSoftmaxRows, maxRelativeError, randomMatrix, seededRandom, tensorsLeakedBy } from '@heed/testing';
import { maskedSoftmax } from './masked-softmax.js';

const [B, H, Tq, Tk] = [2, 2, 3, 5];
const rand = seededRandom(11);
// Logits of ±1e4 in places, where a naive exp() would overflow.
const logits = Array.from({ length: B * H }, () => randomMatrix(rand, Tq, Tk, -3, 3).map((row, i) => (i === 1 ? row.map((x) => x * 1e4 / 3) : row)));

/** float64 reference: per batch b, head h, row i, the keep predicate. */
function reference(keep: (b: number, h: number, i: number, j: number) => boolean) {
  return logits.map((m, s) => maskedSoftmaxRows(m, (i, j) => keep(Math.floor(s / H), s % H, i, j)));
}

describe.each(BACKENDS)('maskedSoftmax on %s', (backend) => {
  const scores = () => tf.tensor(logits.flat(2), [B, H, Tq, Tk]);
  const lens1 = [3, 0];
  const lens2 = [[1, 5, 0], [2, 2, 4]];
  const maskValues = Array.from({ length: B * Tq * Tk }, (_, n) => n % 3 !== 0);
  const cases = [
    { name: 'no mask', opts: () => ({}), keep: () => true },
    { name: 'validLens [B] (one fully masked batch)', opts: () => ({ validLens: lens1 }), keep: (b: number, _h: number, _i: number, j: number) => j < lens1[b]! },
    { name: 'validLens [B, Tq] tensor', opts: () => ({ validLens: tf.tensor2d(lens2) }), keep: (b: number, _h: number, i: number, j: number) => j < lens2[b]![i]! },
    {
      name: 'boolean mask [B, 1, Tq, Tk] with validLens',
      opts: () => ({ mask: tf.tensor(maskValues, [B, 1, Tq, Tk], 'bool'), validLens: [4, 5] }),
      keep: (b: number, _h: number, i: number, j: number) => maskValues[(b * Tq + i) * Tk + j]! && j < [4, 5][b]!,
    },
  ];

  it.for(cases)('matches float64: $name', async ({ opts, keep }, ctx) => {
    await backendOrSkip(ctx, backend);
    const w = maskedSoftmax(scores(), opts());
    const data = await w.data();
    expect(data.every(Number.isFinite)).toBe(true);
    expect(maxRelativeError(data, reference(keep))).toBeLessThan(1e-5);
  });

  it('gives zero (not NaN) gradients for fully masked rows, and correct ones elsewhere', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const upstream = tf.tensor(Array.from({ length: B * H * Tq * Tk }, (_, n) => Math.sin(n)), [B, H, Tq, Tk]);
    const grad = tf.grad((s: tf.Tensor) => tf.sum(tf.mul(maskedSoftmax(s, { validLens: lens1 }), upstream)))(scores());
    const g = await grad.data();
    expect(g.every(Number.isFinite)).toBe(true);
    // float64: d/ds_j Σ_k u_k p_k = p_j (u_j − Σ_k u_k p_k), zero where masked.
    const u = await upstream.data();
    const p = reference((b, _h, _i, j) => j < lens1[b]!).flat(2);
    const expected = p.map((pj, n) => {
      const row = Math.floor(n / Tk) * Tk;
      let dot = 0;
      for (let j = 0; j < Tk; j++) dot += u[row + j]! * p[row + j]!;
      return pj * (u[n]! - dot);
    });
    expect(maxRelativeError(g, expected)).toBeLessThan(1e-5);
  });

  it('rejects validLens of the wrong shape with a message naming the shapes', async (ctx) => {
    await backendOrSkip(ctx, backend);
    expect(() => maskedSoftmax(scores(), { validLens: [1, 2, 3] })).toThrow(/validLens: expected shape \[2\] or \[2, 3\].*got \[3\]/);
  });

  it('does not leak tensors', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const s = scores();
    expect(await tensorsLeakedBy(() => maskedSoftmax(s, { validLens: lens1 }).dispose())).toBe(0);
  });
});
