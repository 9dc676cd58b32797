import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS, backendOrSkip, maxRelativeError, seededRandom, tensorsLeakedBy, useBackend, type Matrix,
} from '@heed/testing';
import {
  additiveScore, bilinearScore, broadcastOverQueries, concatScore, cosineScore, dotScore, locationScore, scaledDotScore,
  type ScoreActivation,
} from './scoring.js';
import { gradientError } from './test/numeric-gradient.js';
import {
  randomFlat, refAdditive, refBilinear, refConcat, refCosine, refDot, refLocation, slicesOf,
} from './test/reference-scores.js';

const [B, Tq, Tk, dq, dk, h] = [2, 3, 5, 4, 3, 6];

/** Fixed inputs and parameters as flat float64 arrays. */
function fixture() {
  const rand = seededRandom(11);
  const f = {
    q: randomFlat(rand, B * Tq * dq, -2, 2),
    k: randomFlat(rand, B * Tk * dk, -2, 2),
    kq: randomFlat(rand, B * Tk * dq, -2, 2), // keys of the query size, for dot/cosine
    wq: randomFlat(rand, dq * h), wk: randomFlat(rand, dk * h), wv: randomFlat(rand, h),
    w: randomFlat(rand, dq * dk),
    wLoc: randomFlat(rand, dk), bLoc: 0.3,
    w1: randomFlat(rand, dk * h), w2: randomFlat(rand, dq * h), b: randomFlat(rand, h), v: randomFlat(rand, h),
  };
  f.q.fill(0, 0, dq); // query 0 of batch 0 is the zero vector: cosine must score it 0, not NaN
  return f;
}
const mat = (flat: number[], rows: number, cols: number) => slicesOf(flat, 1, rows, cols)[0]!;

describe.each(BACKENDS)('scoring functions on %s', (backend) => {
  it('match float64 loops over [B, Tq, d] and [1, B, Tq, d]', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const f = fixture();
    const qs = slicesOf(f.q, B, Tq, dq), ks = slicesOf(f.k, B, Tk, dk), kqs = slicesOf(f.kq, B, Tk, dq);
    const t = (x: number[], shape: number[]) => tf.tensor(x, shape);
    const cases: { name: string; run: (lead: number[]) => tf.Tensor; ref: (s: number) => Matrix | number[] }[] = [
      { name: 'dot', run: (l) => dotScore(t(f.q, [...l, Tq, dq]), t(f.kq, [...l, Tk, dq])), ref: (s) => refDot(qs[s]!, kqs[s]!) },
      { name: 'scaledDot', run: (l) => scaledDotScore(t(f.q, [...l, Tq, dq]), t(f.kq, [...l, Tk, dq])), ref: (s) => refDot(qs[s]!, kqs[s]!, 1 / Math.sqrt(dq)) },
      { name: 'scaledDot scale 3', run: (l) => scaledDotScore(t(f.q, [...l, Tq, dq]), t(f.kq, [...l, Tk, dq]), 3), ref: (s) => refDot(qs[s]!, kqs[s]!, 3) },
      {
        name: 'additive',
        run: (l) => additiveScore(t(f.q, [...l, Tq, dq]), t(f.k, [...l, Tk, dk]), { wq: t(f.wq, [dq, h]), wk: t(f.wk, [dk, h]), wv: t(f.wv, [h]) }),
        ref: (s) => refAdditive(qs[s]!, ks[s]!, mat(f.wq, dq, h), mat(f.wk, dk, h), f.wv),
      },
      { name: 'bilinear', run: (l) => bilinearScore(t(f.q, [...l, Tq, dq]), t(f.k, [...l, Tk, dk]), t(f.w, [dq, dk])), ref: (s) => refBilinear(qs[s]!, ks[s]!, mat(f.w, dq, dk)) },
      ...(['tanh', 'relu', 'identity'] as ScoreActivation[]).flatMap((a) => [
        {
          name: `location ${a}`,
          run: (l: number[]) => locationScore(t(f.k, [...l, Tk, dk]), { w: t(f.wLoc, [dk]), b: f.bLoc, activation: a }),
          ref: (s: number) => refLocation(ks[s]!, f.wLoc, f.bLoc, a),
        },
        {
          name: `location ${a} over queries`,
          run: (l: number[]) => locationScore(t(f.k, [...l, Tk, dk]), { w: t(f.wLoc, [dk]), b: tf.scalar(f.bLoc), activation: a, queries: Tq }),
          ref: (s: number) => Array.from({ length: Tq }, () => refLocation(ks[s]!, f.wLoc, f.bLoc, a)),
        },
        {
          name: `concat ${a}`,
          run: (l: number[]) => concatScore(t(f.q, [...l, Tq, dq]), t(f.k, [...l, Tk, dk]), {
            w1: t(f.w1, [dk, h]), w2: t(f.w2, [dq, h]), b: t(f.b, [h]), v: t(f.v, [h]), activation: a,
          }),
          ref: (s: number) => refConcat(qs[s]!, ks[s]!, mat(f.w1, dk, h), mat(f.w2, dq, h), f.v, f.b, a),
        },
      ]),
      { name: 'cosine', run: (l) => cosineScore(t(f.q, [...l, Tq, dq]), t(f.kq, [...l, Tk, dq])), ref: (s) => refCosine(qs[s]!, kqs[s]!) },
    ];
    for (const lead of [[B], [1, B]]) {
      for (const c of cases) {
        const before = tf.memory().numTensors;
        const scores = tf.tidy(() => c.run(lead));
        const expected = Array.from({ length: B }, (_, s) => c.ref(s));
        const expectedShape = c.name.startsWith('location') && !c.name.endsWith('queries') ? [...lead, Tk] : [...lead, Tq, Tk];
        expect(scores.shape, c.name).toEqual(expectedShape);
        expect(maxRelativeError(await scores.data(), expected), `${c.name} [${lead}]`).toBeLessThan(1e-5);
        scores.dispose();
        expect(tf.memory().numTensors, c.name).toBe(before);
      }
    }
  });

  it('concat with tanh and no bias is the additive score', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const [q, k] = [tf.randomNormal([2, 3, 4]), tf.randomNormal([2, 5, 3])];
    const [wq, wk, wv] = [tf.randomNormal([4, 6]), tf.randomNormal([3, 6]), tf.randomNormal([6])];
    const a = additiveScore(q, k, { wq, wk, wv });
    const c = concatScore(q, k, { w1: wk, w2: wq, v: wv });
    expect(maxRelativeError(await c.data(), await a.data())).toBeLessThan(1e-6);
    tf.dispose([q, k, wq, wk, wv, a, c]);
  });

  it('does not leak tensors', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const q = tf.randomNormal([2, 3, 4]), k = tf.randomNormal([2, 5, 4]);
    const w = tf.randomNormal([4, 4]), v = tf.randomNormal([4]);
    const leaked = await tensorsLeakedBy(() => {
      tf.dispose([
        dotScore(q, k), scaledDotScore(q, k), cosineScore(q, k), bilinearScore(q, k, w),
        additiveScore(q, k, { wq: w, wk: w, wv: v }), concatScore(q, k, { w1: w, w2: w, b: v, v, activation: 'relu' }),
        locationScore(k, { w: v, b: 1, activation: 'tanh', queries: 3 }), broadcastOverQueries(v, 2),
      ]);
    });
    expect(leaked).toBe(0);
    tf.dispose([q, k, w, v]);
  });
});

describe('scoring functions: gradients (cpu, float64 central differences)', () => {
  beforeAll(() => useBackend('cpu'));
  const [b, tq, tk, d, e, hh] = [2, 2, 3, 3, 2, 4];
  const rand = seededRandom(5);
  const input = (...shape: number[]) => ({ values: randomFlat(rand, shape.reduce((x, y) => x * y, 1), -1.5, 1.5), shape });
  const q = input(b, tq, d), k = input(b, tk, e), kq = input(b, tk, d);
  /** Runs a per-slice reference over the batch and flattens. */
  const perSlice = (qf: number[], kf: number[], kd: number, f: (qs: Matrix, ks: Matrix) => Matrix | number[]) => {
    const qs = slicesOf(qf, b, tq, d), ks = slicesOf(kf, b, tk, kd);
    return qs.flatMap((qi, s) => f(qi, ks[s]!).flat());
  };

  it.each([
    ['dot', [q, kq], (a: tf.Tensor, c: tf.Tensor) => dotScore(a, c), (a: number[], c: number[]) => perSlice(a, c, d, refDot)],
    ['scaledDot', [q, kq], (a: tf.Tensor, c: tf.Tensor) => scaledDotScore(a, c, 0.7), (a: number[], c: number[]) => perSlice(a, c, d, (x, y) => refDot(x, y, 0.7))],
    ['cosine', [q, kq], (a: tf.Tensor, c: tf.Tensor) => cosineScore(a, c), (a: number[], c: number[]) => perSlice(a, c, d, (x, y) => refCosine(x, y))],
  ] as const)('%s', async (_name, inputs, tfFn, refFn) => {
    expect(gradientError(tfFn, refFn as (...xs: number[][]) => number[], [...inputs])).toBeLessThan(1e-4);
  });

  it('additive (q, k, wq, wk, wv)', () => {
    const [wq, wk, wv] = [input(d, hh), input(e, hh), input(hh)];
    const err = gradientError(
      (a, c, x, y, z) => additiveScore(a!, c!, { wq: x!, wk: y!, wv: z! }),
      (a, c, x, y, z) => perSlice(a!, c!, e, (qs, ks) => refAdditive(qs, ks, mat(x!, d, hh), mat(y!, e, hh), z!)),
      [q, k, wq, wk, wv],
    );
    expect(err).toBeLessThan(1e-4);
  });

  it('bilinear (q, k, W)', () => {
    const err = gradientError(
      (a, c, w) => bilinearScore(a!, c!, w!),
      (a, c, w) => perSlice(a!, c!, e, (qs, ks) => refBilinear(qs, ks, mat(w!, d, e))),
      [q, k, input(d, e)],
    );
    expect(err).toBeLessThan(1e-4);
  });

  it.each(['tanh', 'relu', 'identity'] as const)('location %s (k, w, b)', (a) => {
    const err = gradientError(
      (kk, w, bias) => locationScore(kk!, { w: w!, b: tf.reshape(bias!, []), activation: a, queries: tq }),
      (kk, w, bias) => slicesOf(kk!, b, tk, e).flatMap((ks) => Array.from({ length: tq }, () => refLocation(ks, w!, bias![0]!, a)).flat()),
      [k, input(e), input(1)],
    );
    expect(err).toBeLessThan(1e-4);
  });

  it.each(['tanh', 'relu', 'identity'] as const)('concat %s (q, k, w1, w2, b, v)', (a) => {
    const err = gradientError(
      (qq, kk, w1, w2, bias, v) => concatScore(qq!, kk!, { w1: w1!, w2: w2!, b: bias!, v: v!, activation: a }),
      (qq, kk, w1, w2, bias, v) => perSlice(qq!, kk!, e, (qs, ks) => refConcat(qs, ks, mat(w1!, e, hh), mat(w2!, d, hh), v!, bias!, a)),
      [q, k, input(e, hh), input(d, hh), input(hh), input(hh)],
    );
    expect(err).toBeLessThan(1e-4);
  });

  it('cosine has finite gradients at a zero vector', async () => {
    const zq = tf.zeros([1, 1, 3]), kk = tf.randomNormal([1, 4, 3]);
    const [gq, gk] = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(cosineScore(a, c)))([zq, kk]);
    expect([...(await gq!.data()), ...(await gk!.data())].every(Number.isFinite)).toBe(true);
    tf.dispose([zq, kk, gq!, gk!]);
  });

  it('rejects mismatched shapes', () => tf.tidy(() => {
    const x = tf.zeros([2, 3, 4]);
    expect(() => dotScore(x, tf.zeros([2, 3, 5]))).toThrow(/feature sizes/);
    expect(() => dotScore(x, tf.zeros([3, 3, 4]))).toThrow(/leading dims/);
    expect(() => bilinearScore(x, x, tf.zeros([4, 5]))).toThrow(/w must be/);
    expect(() => additiveScore(x, x, { wq: tf.zeros([4, 2]), wk: tf.zeros([4, 3]), wv: tf.zeros([2]) })).toThrow(/hidden sizes/);
  }));
});
