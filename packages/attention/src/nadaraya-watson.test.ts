import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, seededRandom, tensorsLeakedBy, useBackend, type Matrix } from '@heed/testing';
import { nadarayaWatson, ParametricNadarayaWatson, type NadarayaWatsonKernel } from './nadaraya-watson.js';
import { gradientError } from './test/numeric-gradient.js';

const KERNELS: NadarayaWatsonKernel[] = ['gaussian', 'boxcar', 'epanechikov', 'triangular', 'constant'];

/** float64 Nadaraya–Watson straight from the definition; x rows are points, y rows are targets. */
function refNW(xt: Matrix, yt: Matrix, xq: Matrix, kernel: NadarayaWatsonKernel, width: number, keep = (_i: number, _j: number) => true) {
  const weights = xq.map((x, i) => {
    const u2 = xt.map((xi) => xi.reduce((s, v, a) => s + (x[a]! - v) ** 2, 0) / width ** 2);
    // The gaussian is shifted by the nearest kept point's u² (cancels in the ratio, avoids 0/0 far away).
    const minU2 = Math.min(...u2.filter((_, j) => keep(i, j)));
    const k = u2.map((u, j) => {
      if (!keep(i, j)) return 0;
      switch (kernel) {
        case 'gaussian': return Math.exp(-(u - minU2) / 2);
        case 'boxcar': return Math.sqrt(u) < 1 ? 1 : 0;
        case 'epanechikov': return Math.max(1 - u, 0);
        case 'triangular': return Math.max(1 - Math.sqrt(u), 0);
        case 'constant': return 1;
      }
    });
    const sum = k.reduce((a, b) => a + b, 0);
    return k.map((v) => (sum > 0 ? v / sum : 0));
  });
  const output = weights.map((w) => yt[0]!.map((_, c) => w.reduce((s, wj, j) => s + wj * yt[j]![c]!, 0)));
  return { weights, output };
}

const column = (xs: number[]): Matrix => xs.map((x) => [x]);

function toyData(rand: () => number, n: number) {
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const x = Array.from({ length: n }, () => 5 * rand());
  return { x, y: x.map((v) => 2 * Math.sin(v) + v ** 0.8 + 0.5 * normal()) };
}

describe.each(BACKENDS)('nadarayaWatson on %s', (backend) => {
  it('matches float64 for every kernel, scalar and vector x, with unreachable queries', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const rand = seededRandom(21);
    const xs1 = Array.from({ length: 8 }, () => 5 * rand()), ys1 = xs1.map(Math.sin);
    const xq1 = [0.3, 1.7, 2.2, 4.9, 40]; // 40: beyond every compact kernel
    const xs2: Matrix = Array.from({ length: 8 }, () => [3 * rand(), 3 * rand()]);
    const ys2: Matrix = xs2.map(([a, b]) => [a! + b!, a! * b!, 1]);
    const xq2: Matrix = [[0.5, 0.5], [1.5, 2.5], [2.9, 0.1], [30, -30]];
    for (const kernel of KERNELS) {
      for (const [name, width] of [['number', 0.7], ['tensor', tf.scalar(0.7)]] as const) {
        const scalar = nadarayaWatson(tf.tensor1d(xs1), tf.tensor1d(ys1), tf.tensor1d(xq1), { kernel, width });
        const e1 = refNW(column(xs1), column(ys1), column(xq1), kernel, 0.7);
        expect(scalar.output.shape).toEqual([5]);
        expect(maxRelativeError(await scalar.weights.data(), e1.weights), `${kernel} d=1 ${name}`).toBeLessThan(1e-5);
        expect(maxRelativeError(await scalar.output.data(), e1.output), `${kernel} d=1 ${name}`).toBeLessThan(1e-5);
        if (kernel !== 'gaussian' && kernel !== 'constant') expect(Array.from(await scalar.output.data()).at(-1)).toBe(0);
        tf.dispose([scalar.output, scalar.weights]);
      }
      const vector = nadarayaWatson(tf.tensor2d(xs2), tf.tensor2d(ys2), tf.tensor2d(xq2), { kernel, width: 1.2 });
      const e2 = refNW(xs2, ys2, xq2, kernel, 1.2);
      expect(vector.output.shape).toEqual([4, 3]);
      expect(maxRelativeError(await vector.weights.data(), e2.weights), `${kernel} d=2`).toBeLessThan(1e-5);
      expect(maxRelativeError(await vector.output.data(), e2.output), `${kernel} d=2`).toBeLessThan(1e-5);
      tf.dispose([vector.output, vector.weights]);
    }
  });

  it('leaves each point out of its own prediction and honours a mask', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const xs = [0, 0.4, 1, 1.1, 3], ys = [1, 2, 3, 4, 5];
    const mask = [[true, false, true, true, true], [false, false, false, false, false], [true, true, true, true, true], [true, true, false, true, true], [true, true, true, true, false]];
    for (const kernel of KERNELS) {
      const x = tf.tensor1d(xs), y = tf.tensor1d(ys), m = tf.tensor2d(mask, undefined, 'bool');
      const r = nadarayaWatson(x, y, x, { kernel, width: 0.8, mask: m, leaveOneOut: true });
      const e = refNW(column(xs), column(ys), column(xs), kernel, 0.8, (i, j) => i !== j && mask[i]![j]!);
      expect(maxRelativeError(await r.weights.data(), e.weights), kernel).toBeLessThan(1e-5);
      expect(maxRelativeError(await r.output.data(), e.output), kernel).toBeLessThan(1e-5);
      tf.dispose([x, y, m, r.output, r.weights]);
    }
  });

  it('does not leak tensors', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const x = tf.tensor1d([0, 1, 2, 3]), y = tf.tensor1d([0, 1, 4, 9]), q = tf.tensor1d([0.5, 9]);
    const model = new ParametricNadarayaWatson(x, y, { kernel: 'epanechikov', width: 2 });
    const optimizer = tf.train.sgd(0.01);
    const leaked = await tensorsLeakedBy(() => {
      for (const kernel of KERNELS) {
        const r = nadarayaWatson(x, y, q, { kernel, width: 0.9 });
        const loo = nadarayaWatson(x, y, x, { kernel, width: 0.9, leaveOneOut: true });
        tf.dispose([loo.output, loo.weights]);
        tf.dispose([r.output, r.weights]);
      }
      const p = model.predict(x);
      tf.dispose([p.output, p.weights, model.trainStep(optimizer), model.leaveOneOutLoss()]);
    });
    expect(leaked).toBe(0);
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y, q]);
  });
});

describe('nadarayaWatson: gradients and width learning (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  const rand = seededRandom(8);
  const xt = Array.from({ length: 6 }, () => 4 * rand()), yt = Array.from({ length: 6 }, () => rand() - 0.5);
  const xq = [0.5, 1.3, 2.6, 3.7];

  it.each(['gaussian', 'epanechikov', 'triangular'] as const)('%s: tf.grad matches central differences (width, x, y, queries)', (kernel) => {
    const err = gradientError(
      (w, a, b, c) => nadarayaWatson(a!, b!, c!, { kernel, width: tf.reshape(w!, []) }).output,
      (w, a, b, c) => refNW(column(a!), column(b!), column(c!), kernel, w![0]!).output.flat(),
      [{ values: [1.1], shape: [1] }, { values: xt, shape: [6] }, { values: yt, shape: [6] }, { values: xq, shape: [4] }],
    );
    expect(err).toBeLessThan(1e-4);
  });

  it.each(KERNELS)('%s: finite gradients for unreachable queries, queries on a training point and leave-one-out', async (kernel) => {
    const width = tf.scalar(0.5), x = tf.tensor1d(xt), y = tf.tensor1d(yt);
    for (const [name, query, leaveOneOut] of [['far', tf.tensor1d([100, -50]), false], ['on a point', x, false], ['leave-one-out', x, true]] as const) {
      const [gw, gx, gq] = tf.grads((w: tf.Tensor, a: tf.Tensor, c: tf.Tensor) =>
        tf.sum(nadarayaWatson(a, y, c, { kernel, width: w, leaveOneOut }).output))([width, x, query]);
      const values = [...(await gw!.data()), ...(await gx!.data()), ...(await gq!.data())];
      expect(values.every(Number.isFinite), `${kernel} ${name}: ${values}`).toBe(true);
      tf.dispose([gw!, gx!, gq!]);
    }
    tf.dispose([width, x, y]);
  });

  it('learns the width of the d2l toy problem from a poor start to within 10% of the best fixed width', async () => {
    const data = seededRandom(2024);
    const train = toyData(data, 50), val = toyData(data, 200);
    const valLoss = (width: number) => {
      const { output } = refNW(column(train.x), column(train.y), column(val.x), 'gaussian', width);
      return output.reduce((s, [p], i) => s + (p! - val.y[i]!) ** 2, 0) / val.x.length;
    };
    const grid = Array.from({ length: 60 }, (_, i) => 0.05 * 60 ** (i / 59)); // 0.05 .. 3, log-spaced
    const best = Math.min(...grid.map(valLoss));

    const model = new ParametricNadarayaWatson(tf.tensor1d(train.x), tf.tensor1d(train.y), { kernel: 'gaussian', width: 5 });
    const losses = await model.fit({ epochs: 150, learningRate: 0.05 });
    const learned = model.width;
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(valLoss(5)).toBeGreaterThan(1.5 * best); // the start really is poor
    expect(valLoss(learned), `learned width ${learned}`).toBeLessThan(1.1 * best);

    const xv = tf.tensor1d(val.x);
    const { output, weights } = model.predict(xv);
    const expected = refNW(column(train.x), column(train.y), column(val.x), 'gaussian', learned).output.flat();
    expect(maxRelativeError(await output.data(), expected)).toBeLessThan(1e-5);
    tf.dispose([xv, output, weights]);
    model.dispose();
  });

  it('rejects bad shapes and widths', () => tf.tidy(() => {
    const x = tf.zeros([4]);
    expect(() => nadarayaWatson(x, tf.zeros([3]), x)).toThrow(/yTrain/);
    expect(() => nadarayaWatson(x, x, tf.zeros([4, 2]))).toThrow(/xQuery/);
    expect(() => nadarayaWatson(x, x, x, { width: 0 })).toThrow(/width/);
    expect(() => nadarayaWatson(x, x, tf.zeros([3]), { leaveOneOut: true })).toThrow(/leaveOneOut/);
  }));
});
