import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, seededRandom, tensorsLeakedBy } from '@heed/testing';
import '../register-gradients.js';
import { maxOver } from './max-over.js';

/** float64 reference over axis 1 of [A, K, C]: maxima, and d(Σ max·w)/dx (1 at every maximum, ties included). */
function reference(x: number[][][], w: number[][]): { max: number[][]; grad: number[][][] } {
  const max = x.map((rows) => rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!))));
  const grad = x.map((rows, a) => rows.map((r) => r.map((v, c) => (v === max[a]![c] ? w[a]![c]! : 0))));
  return { max, grad };
}

describe.each(BACKENDS)('maxOver on %s', (backend) => {
  it('matches the float64 maximum and its gradient, ties included, over an inner axis', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const rand = seededRandom(7);
    // small integers so ties happen (the ReLU before PCT's max makes zeros tie often)
    const x = Array.from({ length: 3 }, () => Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => Math.floor(rand() * 4) - 1)));
    const w = Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => rand() * 2 - 1));
    const expected = reference(x, w);
    const input = tf.tensor3d(x), weights = tf.tensor2d(w);
    expect(await maxOver(input, 1).array()).toEqual(expected.max);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(maxOver(t, 1), weights)))(input);
    const actual = await grad.array() as number[][][];
    actual.flat(2).forEach((v, i) => expect(v).toBeCloseTo(expected.grad.flat(2)[i]!, 6));
    expect(expected.grad.flat(2).filter((v) => v !== 0).length).toBeGreaterThan(12); // some ties were hit
    expect(await tensorsLeakedBy(() => tf.dispose(tf.grad((t: tf.Tensor) => tf.sum(maxOver(t, 1)))(input)))).toBe(0);
    tf.dispose([input, weights, grad]);
  });

  it('reduces any axis of a rank-4 tensor like tf.max', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const x = tf.randomNormal([2, 6, 3, 5], 0, 1, 'float32', 3);
    for (const axis of [1, 2, 3]) {
      expect(Array.from(await maxOver(x, axis).data())).toEqual(Array.from(await tf.max(x, axis).data()));
      expect(maxOver(x, axis).shape).toEqual(tf.max(x, axis).shape);
    }
    x.dispose();
  });
});
