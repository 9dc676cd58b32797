import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS, backendOrSkip, maskedSoftmaxRows, matmul, maxRelativeError, seededRandom, tensorsLeakedBy, useBackend,
  type Matrix,
} from '@heed/testing';
import { additiveAttention, attentionFromScores } from './additive-attention.js';
import { gradientError } from './test/numeric-gradient.js';
import { randomFlat, refAdditive, slicesOf } from './test/reference-scores.js';

const [B, Tq, Tk, dq, dk, dv, h] = [2, 3, 5, 4, 2, 3, 6];
type Keep = (b: number, i: number, j: number) => boolean;

/** float64 additive attention for batch slice s. */
function reference(f: ReturnType<typeof fixture>, s: number, keep: Keep, wvScale = 1) {
  const mat = (x: number[], r: number, c: number) => slicesOf(x, 1, r, c)[0]!;
  const scores = refAdditive(
    slicesOf(f.q, B, Tq, dq)[s]!, slicesOf(f.k, B, Tk, dk)[s]!, mat(f.wq, dq, h), mat(f.wk, dk, h), f.wv.map((x) => x * wvScale),
  );
  const weights = maskedSoftmaxRows(scores, (i, j) => keep(s, i, j));
  return { weights, output: matmul(weights, slicesOf(f.v, B, Tk, dv)[s]!) };
}

function fixture() {
  const rand = seededRandom(3);
  return {
    q: randomFlat(rand, B * Tq * dq, -2, 2), k: randomFlat(rand, B * Tk * dk, -2, 2), v: randomFlat(rand, B * Tk * dv),
    wq: randomFlat(rand, dq * h), wk: randomFlat(rand, dk * h), wv: randomFlat(rand, h),
    mask: Array.from({ length: B * Tq * Tk }, () => rand() < 0.6),
  };
}

describe.each(BACKENDS)('additiveAttention on %s', (backend) => {
  it('matches float64 with validLens [B] and [B, Tq], boolean masks, fully masked rows and ±1e4 logits', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const f = fixture();
    f.mask.fill(false, 0, Tk); // query 0 of batch 0: every key masked
    const perQuery = [[5, 0, 2], [1, 4, 3]];
    const cases: { name: string; opts: Parameters<typeof additiveAttention>[4]; keep: Keep; wvScale?: number }[] = [
      { name: 'plain', opts: {}, keep: () => true },
      { name: 'validLens [B]', opts: { validLens: [3, 0] }, keep: (b, _i, j) => j < [3, 0][b]! },
      { name: 'validLens [B, Tq]', opts: { validLens: perQuery }, keep: (b, i, j) => j < perQuery[b]![i]! },
      { name: 'mask', opts: { mask: tf.tensor(f.mask, [B, Tq, Tk], 'bool') }, keep: (b, i, j) => f.mask[(b * Tq + i) * Tk + j]! },
      { name: '±1e4 logits', opts: { validLens: [4, 5] }, keep: (b, _i, j) => j < [4, 5][b]!, wvScale: 1e4 },
    ];
    for (const c of cases) {
      const scale = c.wvScale ?? 1;
      const [q, k, v] = [tf.tensor(f.q, [B, Tq, dq]), tf.tensor(f.k, [B, Tk, dk]), tf.tensor(f.v, [B, Tk, dv])];
      const params = { wq: tf.tensor(f.wq, [dq, h]), wk: tf.tensor(f.wk, [dk, h]), wv: tf.tensor(f.wv.map((x) => x * scale), [h]) };
      const { output, weights } = additiveAttention(q, k, v, params, c.opts);
      const expected = Array.from({ length: B }, (_, s) => reference(f, s, c.keep, scale));
      expect(output.shape).toEqual([B, Tq, dv]);
      expect(maxRelativeError(await weights!.data(), expected.map((e) => e.weights)), c.name).toBeLessThan(1e-5);
      expect(maxRelativeError(await output.data(), expected.map((e) => e.output)), c.name).toBeLessThan(1e-5);
      tf.dispose([q, k, v, params.wq, params.wk, params.wv, output, weights!, c.opts?.mask as tf.Tensor]);
    }
  });

  it('attentionFromScores: any scores, ±1e4 logits, masks, no weights on request', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const rand = seededRandom(9);
    const scores: Matrix = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => (rand() < 0.5 ? -1e4 : 1e4) * rand()));
    const values: Matrix = Array.from({ length: 5 }, () => [rand(), rand() - 0.5]);
    const lens = [[5, 2, 0, 1]];
    const weights = maskedSoftmaxRows(scores, (i, j) => j < lens[0]![i]!);
    const s = tf.tensor([scores]), v = tf.tensor([values]);
    const r = attentionFromScores(s, v, { validLens: lens });
    expect(maxRelativeError(await r.weights!.data(), weights)).toBeLessThan(1e-5);
    expect(maxRelativeError(await r.output.data(), matmul(weights, values))).toBeLessThan(1e-5);
    const noWeights = attentionFromScores(s, v, { returnWeights: false });
    expect(noWeights.weights).toBeUndefined();
    expect(() => attentionFromScores(s, tf.zeros([1, 4, 2]))).toThrow(/key count/);
    tf.dispose([s, v, r.output, r.weights!, noWeights.output]);
  });

  it('applies dropout to the pooled weights only, scaled by 1/(1 − rate)', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const scores = tf.randomNormal([1, 6, 8]);
    const identity = tf.reshape(tf.eye(8), [1, 8, 8]); // output = the weights that pooled it
    const { output, weights } = attentionFromScores(scores, identity, { dropout: 0.5, seed: 1 });
    const [out, w] = [await output.data(), await weights!.data()];
    let dropped = 0;
    out.forEach((o, i) => {
      if (o === 0) dropped++;
      else expect(Math.abs(o - 2 * w[i]!)).toBeLessThan(1e-6);
    });
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(out.length);
    tf.dispose([scores, identity, output, weights!]);
  });

  it('does not leak tensors', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const q = tf.randomNormal([2, 3, 4]), k = tf.randomNormal([2, 5, 3]), v = tf.randomNormal([2, 5, 2]);
    const params = { wq: tf.randomNormal([4, 6]), wk: tf.randomNormal([3, 6]), wv: tf.randomNormal([6]) };
    const leaked = await tensorsLeakedBy(() => {
      const a = additiveAttention(q, k, v, params, { validLens: [2, 5] });
      const b = additiveAttention(q, k, v, params, { returnWeights: false, dropout: 0.1 });
      tf.dispose([a.output, a.weights!, b.output]);
    });
    expect(leaked).toBe(0);
    tf.dispose([q, k, v, params.wq, params.wk, params.wv]);
  });
});

describe('additiveAttention: gradients (cpu, float64 central differences)', () => {
  beforeAll(() => useBackend('cpu'));

  it('matches for q, k, v, wq, wk, wv with masked keys', () => {
    const f = fixture();
    const lens = [4, 2];
    const keep: Keep = (b, _i, j) => j < lens[b]!;
    const err = gradientError(
      (q, k, v, wq, wk, wv) => additiveAttention(q!, k!, v!, { wq: wq!, wk: wk!, wv: wv! }, { validLens: lens, returnWeights: false }).output,
      (q, k, v, wq, wk, wv) => Array.from({ length: B }, (_, s) => reference({ ...f, q: q!, k: k!, v: v!, wq: wq!, wk: wk!, wv: wv! }, s, keep).output).flat(2),
      [
        { values: f.q, shape: [B, Tq, dq] }, { values: f.k, shape: [B, Tk, dk] }, { values: f.v, shape: [B, Tk, dv] },
        { values: f.wq, shape: [dq, h] }, { values: f.wk, shape: [dk, h] }, { values: f.wv, shape: [h] },
      ],
    );
    expect(err).toBeLessThan(1e-4);
  });
});
