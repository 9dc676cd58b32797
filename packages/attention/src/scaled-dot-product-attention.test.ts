import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  BACKENDS, matmul, maskedSoftmaxRows, maxRelativeError, randomMatrix, seededRandom, tensorsLeakedBy, transpose, backendOrSkip,
} from '@heed/testing';
import { scaledDotProductAttention } from './scaled-dot-product-attention.js';

/** float64 attention for one [Tq, d] × [Tk, d] × [Tk, dv] slice. */
function referenceAttention(q: number[][], k: number[][], v: number[][], scale: number, keep?: (i: number, j: number) => boolean) {
  const scores = matmul(q, transpose(k)).map((row) => row.map((s) => s * scale));
  const weights = maskedSoftmaxRows(scores, keep);
  return { output: matmul(weights, v), weights };
}

describe.each(BACKENDS)('scaledDotProductAttention on %s', (backend) => {
  it('matches float64 over [B, H, Tq, d] with validLens, causal and large logits', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const rand = seededRandom(7);
    const [B, H, Tq, Tk, d, dv] = [2, 3, 5, 6, 8, 4];
    const qs = Array.from({ length: B * H }, () => randomMatrix(rand, Tq, d, -2, 2));
    const ks = Array.from({ length: B * H }, () => randomMatrix(rand, Tk, d, -2, 2));
    const vs = Array.from({ length: B * H }, () => randomMatrix(rand, Tk, dv));
    const validLens = [4, 0];
    const cases = [
      { name: 'plain', opts: {}, keep: () => () => true },
      { name: 'validLens', opts: { validLens }, keep: (b: number) => (_i: number, j: number) => j < validLens[b]! },
      { name: 'causal', opts: { causal: true }, keep: () => (i: number, j: number) => j <= i },
      { name: 'large logits', opts: { scale: 1e3 }, keep: () => () => true },
    ];
    for (const c of cases) {
      const q = tf.tensor(qs.flat(2), [B, H, Tq, d]);
      const k = tf.tensor(ks.flat(2), [B, H, Tk, d]);
      const v = tf.tensor(vs.flat(2), [B, H, Tk, dv]);
      const scale = (c.opts as { scale?: number }).scale ?? 1 / Math.sqrt(d);
      const { output, weights } = scaledDotProductAttention(q, k, v, c.opts);
      const expected = qs.map((_, s) => referenceAttention(qs[s]!, ks[s]!, vs[s]!, scale, c.keep(Math.floor(s / H))));
      expect(maxRelativeError(await weights!.data(), expected.map((e) => e.weights)), c.name).toBeLessThan(1e-5);
      expect(maxRelativeError(await output.data(), expected.map((e) => e.output)), c.name).toBeLessThan(1e-5);
      tf.dispose([q, k, v, output, weights!]);
    }
  });

  it('matches float64 on slices large enough for the per-slice wasm path', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const rand = seededRandom(3);
    const [B, H, Tq, Tk, d, dv] = [2, 2, 130, 128, 8, 4];
    const qs = Array.from({ length: B * H }, () => randomMatrix(rand, Tq, d, -2, 2));
    const ks = Array.from({ length: B * H }, () => randomMatrix(rand, Tk, d, -2, 2));
    const vs = Array.from({ length: B * H }, () => randomMatrix(rand, Tk, dv));
    const lens = [128, 33];
    const { output, weights } = scaledDotProductAttention(
      tf.tensor(qs.flat(2), [B, H, Tq, d]), tf.tensor(ks.flat(2), [B, H, Tk, d]), tf.tensor(vs.flat(2), [B, H, Tk, dv]),
      { validLens: lens, causal: true },
    );
    const expected = qs.map((_, s) => referenceAttention(qs[s]!, ks[s]!, vs[s]!, 1 / Math.sqrt(d), (i, j) => j <= i && j < lens[Math.floor(s / H)]!));
    expect(maxRelativeError(await weights!.data(), expected.map((e) => e.weights))).toBeLessThan(1e-5);
    expect(maxRelativeError(await output.data(), expected.map((e) => e.output))).toBeLessThan(1e-5);
  });

  it('does not leak tensors', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const q = tf.randomNormal([2, 4, 8]);
    const leaked = await tensorsLeakedBy(() => {
      const r = scaledDotProductAttention(q, q, q, { validLens: [3, 4], causal: true });
      tf.dispose([r.output, r.weights!]);
    });
    expect(leaked).toBe(0);
    q.dispose();
  });
});
