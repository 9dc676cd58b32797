import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS, backendOrSkip, maskedSoftmaxRows, matmul, maxRelativeError, seededRandom, tensorsLeakedBy, useBackend,
  type Matrix,
} from '@heed/testing';
import { hardAttention, type HardAttentionOptions } from './hard-attention.js';
import { gradientError } from './test/numeric-gradient.js';
import { randomFlat, slicesOf } from './test/reference-scores.js';

const [B, Tq, Tk, dv] = [2, 3, 5, 3];
type Keep = (b: number, i: number, j: number) => boolean;

/** float64 top-k: indices (−1 padded), softmax over the selected keys, pooled values. */
function refHard(scores: Matrix, v: Matrix, k: number, keep: (i: number, j: number) => boolean) {
  const indices = scores.map((row, i) => {
    const kept = row.map((s, j) => ({ s, j })).filter(({ j }) => keep(i, j));
    kept.sort((a, b) => b.s - a.s || a.j - b.j);
    return Array.from({ length: k }, (_, slot) => kept[slot]?.j ?? -1);
  });
  const weights = maskedSoftmaxRows(scores, (i, j) => indices[i]!.includes(j));
  return { indices, weights, output: matmul(weights, v) };
}

/** float64 soft attention (what straight-through differentiates). */
const refSoft = (scores: Matrix, v: Matrix, keep: (i: number, j: number) => boolean) => matmul(maskedSoftmaxRows(scores, keep), v);

function fixture(seed = 4) {
  const rand = seededRandom(seed);
  return {
    scores: randomFlat(rand, B * Tq * Tk, -3, 3), v: randomFlat(rand, B * Tk * dv),
    mask: Array.from({ length: B * Tq * Tk }, () => rand() < 0.6),
  };
}

describe.each(BACKENDS)('hardAttention on %s', (backend) => {
  it('matches float64 top-k for k = 1..3 with validLens, masks, fully masked rows and ±1e4 logits', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const f = fixture();
    const perQuery = [[5, 0, 2], [1, 4, 3]];
    const masks: { name: string; opts: HardAttentionOptions; keep: Keep; scale?: number }[] = [
      { name: 'plain', opts: {}, keep: () => true },
      { name: 'validLens [B]', opts: { validLens: [5, 2] }, keep: (b, _i, j) => j < [5, 2][b]! },
      { name: 'validLens [B, Tq]', opts: { validLens: perQuery }, keep: (b, i, j) => j < perQuery[b]![i]! },
      { name: 'mask', opts: { mask: tf.tensor(f.mask, [B, Tq, Tk], 'bool') }, keep: (b, i, j) => f.mask[(b * Tq + i) * Tk + j]! },
      { name: '±1e4 logits', opts: { validLens: perQuery }, keep: (b, i, j) => j < perQuery[b]![i]!, scale: 1e4 / 3 },
    ];
    for (const m of masks) {
      for (const k of [1, 2, 3]) {
        for (const straightThrough of [false, true]) {
          const scaled = f.scores.map((s) => s * (m.scale ?? 1));
          const scores = tf.tensor(scaled, [B, Tq, Tk]), v = tf.tensor(f.v, [B, Tk, dv]);
          const r = hardAttention(scores, v, { ...m.opts, k, straightThrough });
          const ss = slicesOf(scaled, B, Tq, Tk), vs = slicesOf(f.v, B, Tk, dv);
          const e = ss.map((s, b) => refHard(s, vs[b]!, k, (i, j) => m.keep(b, i, j)));
          const label = `${m.name} k=${k}${straightThrough ? ' straight-through' : ''}`;
          expect(r.indices.dtype).toBe('int32');
          expect(Array.from(await r.indices.data()), label).toEqual(e.flatMap((x) => x.indices.flat()));
          expect(maxRelativeError(await r.weights.data(), e.map((x) => x.weights)), label).toBeLessThan(1e-5);
          expect(maxRelativeError(await r.output.data(), e.map((x) => x.output)), label).toBeLessThan(1e-5);
          tf.dispose([scores, v, r.indices, r.weights, r.output]);
        }
      }
    }
    tf.dispose(masks[3]!.opts.mask!);
  });

  it('straight-through: backward is the soft attention gradient, non-zero; hard k=1 alone has none for scores', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const f = fixture(6);
    const scores = tf.tensor(f.scores, [B, Tq, Tk]), v = tf.tensor(f.v, [B, Tk, dv]);
    const r = tf.tensor(randomFlat(seededRandom(2), B * Tq * dv), [B, Tq, dv]);
    const rw = tf.tensor(randomFlat(seededRandom(3), B * Tq * Tk), [B, Tq, Tk]);
    const opts = { validLens: [4, 5] };
    const loss = (out: tf.Tensor, w: tf.Tensor) => tf.add(tf.sum(tf.mul(out, r)), tf.sum(tf.mul(w, rw)));
    const st = tf.grads((s: tf.Tensor, x: tf.Tensor) => {
      const h = hardAttention(s, x, { ...opts, straightThrough: true });
      return loss(h.output, h.weights);
    })([scores, v]);
    // Soft attention written out independently of hardAttention's internals.
    const soft = tf.grads((s: tf.Tensor, x: tf.Tensor) => {
      const w = tf.softmax(tf.where(tf.less(tf.range(0, Tk), tf.tensor([4, 5], [B, 1, 1])), s, tf.fill(s.shape, -1e9)));
      return loss(tf.matMul(w, x), w);
    })([scores, v]);
    for (let i = 0; i < 2; i++) {
      const [a, b] = [await st[i]!.data(), await soft[i]!.data()];
      expect(maxRelativeError(a, b)).toBeLessThan(1e-5);
      expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(1e-3);
    }
    const hard = tf.grads((s: tf.Tensor, x: tf.Tensor) => tf.sum(tf.mul(hardAttention(s, x, opts).output, r)))([scores, v]);
    expect(Array.from(await hard[0]!.data()).every((g) => g === 0)).toBe(true);
    tf.dispose([scores, v, r, rw, ...st, ...soft, ...hard]);
  });

  it('breaks ties by the lower key index (e.g. identical keys)', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const scores = tf.tensor([[[1, 2, 2, 0, 2, 1]], [[0, 0, 0, 0, 0, 0]]]), v = tf.ones([2, 6, 1]);
    const r = hardAttention(scores, v, { k: 4, validLens: [6, 5] });
    expect(await r.indices.array()).toEqual([[[1, 2, 4, 0]], [[0, 1, 2, 3]]]);
    tf.dispose([scores, v, r.indices, r.weights, r.output]);
  });

  it('does not leak tensors', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const scores = tf.randomNormal([2, 3, 5]), v = tf.randomNormal([2, 5, 2]);
    const leaked = await tensorsLeakedBy(() => {
      for (const straightThrough of [false, true]) {
        const r = hardAttention(scores, v, { k: 2, validLens: [1, 5], straightThrough });
        tf.dispose([r.indices, r.weights, r.output]);
      }
      tf.dispose(tf.grads((s: tf.Tensor) => tf.sum(hardAttention(s, v, { k: 2, straightThrough: true }).output))([scores]));
    });
    expect(leaked).toBe(0);
    tf.dispose([scores, v]);
  });
});

describe('hardAttention: gradients (cpu, float64 central differences)', () => {
  beforeAll(() => useBackend('cpu'));
  const f = fixture(12);
  const lens = [3, 5];
  const keep = (b: number) => (_i: number, j: number) => j < lens[b]!;
  const inputs = [{ values: f.scores, shape: [B, Tq, Tk] }, { values: f.v, shape: [B, Tk, dv] }];
  const perBatch = (s: number[], v: number[], fn: (s: Matrix, v: Matrix, b: number) => Matrix) =>
    slicesOf(s, B, Tq, Tk).flatMap((sb, b) => fn(sb, slicesOf(v, B, Tk, dv)[b]!, b).flat());

  it('straight-through equals the gradient of float64 soft attention', () => {
    const err = gradientError(
      (s, v) => hardAttention(s!, v!, { k: 2, validLens: lens, straightThrough: true }).output,
      (s, v) => perBatch(s!, v!, (sb, vb, b) => refSoft(sb, vb, keep(b))),
      inputs,
    );
    expect(err).toBeLessThan(1e-4);
  });

  it('without straight-through, k = 2 differentiates the softmax over the (fixed) selection', () => {
    const err = gradientError(
      (s, v) => hardAttention(s!, v!, { k: 2, validLens: lens }).output,
      (s, v) => perBatch(s!, v!, (sb, vb, b) => refHard(sb, vb, 2, keep(b)).output),
      inputs,
    );
    expect(err).toBeLessThan(1e-4);
  });

  it('rejects a bad k', () => tf.tidy(() => {
    expect(() => hardAttention(tf.zeros([1, 2, 3]), tf.zeros([1, 3, 2]), { k: 4 })).toThrow(/k must be/);
    expect(() => hardAttention(tf.zeros([1, 2, 3]), tf.zeros([1, 3, 2]), { k: 0 })).toThrow(/k must be/);
  }));
});
