/**
 * Gradients of every block, by tf.variableGrads in float32, against central differences of the
 * independent float64 reference (test/reference64.ts). Tiny shapes, cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeError, seededRandom, useBackend } from '@heed/testing';
import { cbam, eca, squeezeExcitation } from './index.js';
import { type Bn64, type Map64, cbam64, eca64, se64 } from './test/reference64.js';

type Values = Record<string, number[]>;
interface Param { shape: number[]; values: number[] }

let unique = 0;

/**
 * Compares d(loss)/d(param) from tf.variableGrads with central differences of `reference` (float64)
 * for every element of every parameter; loss = Σ output · R for a fixed random R.
 */
function checkGradients(
  params: Record<string, Param>,
  implementation: (v: Record<string, tf.Tensor>) => tf.Tensor,
  reference: (v: Values) => number[],
  seed: number,
  /** Parameters the loss does not depend on (e.g. a bias before training-mode BN). */
  independent: string[] = [],
) {
  const names = Object.keys(params);
  const base: Values = Object.fromEntries(names.map((n) => [n, params[n]!.values]));
  const rand = seededRandom(seed);
  const weightsOfOutput = reference(base).map(() => rand() * 2 - 1);
  const loss64 = (v: Values) => reference(v).reduce((s, o, i) => s + o * weightsOfOutput[i]!, 0);

  const prefix = `gradcheck${unique++}_`;
  const variables = Object.fromEntries(names.map((n) => [n, tf.variable(tf.tensor(params[n]!.values, params[n]!.shape), true, prefix + n)]));
  const r = tf.tensor(weightsOfOutput);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.reshape(implementation(variables), [-1]), r)) as tf.Scalar);
  expect(maxRelativeError([value.dataSync()[0]!], [loss64(base)]), 'loss').toBeLessThan(1e-5);

  const h = 1e-6;
  const errors: Record<string, number> = {};
  for (const n of names) {
    const numeric = base[n]!.map((_, i) => {
      const shifted = (delta: number) => ({ ...base, [n]: base[n]!.map((v, j) => (j === i ? v + delta : v)) });
      return (loss64(shifted(h)) - loss64(shifted(-h))) / (2 * h);
    });
    const analytic = grads[prefix + n]!.dataSync();
    errors[n] = maxRelativeError(analytic, numeric);
    const largest = Math.max(...numeric.map(Math.abs));
    if (independent.includes(n)) expect(largest, `${n}: gradient should vanish`).toBeLessThan(1e-6);
    else expect(largest, `${n}: some gradient is non-zero`).toBeGreaterThan(1e-3);
  }
  tf.dispose([value, r, ...Object.values(grads), ...Object.values(variables)]);
  return errors;
}

const rand = seededRandom(2026);
/** float32-representable uniform values, so both sides see identical numbers. */
const uniform = (n: number, lo = -1, hi = 1) => Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * rand()));
const param = (shape: number[], lo = -1, hi = 1): Param => ({ shape, values: uniform(shape.reduce((a, b) => a * b, 1), lo, hi) });
const map64 = (data: number[], shape: number[]): Map64 =>
  ({ data, b: shape[0]!, p: shape.slice(1, -1).reduce((a, b) => a * b, 1), c: shape[shape.length - 1]! });

const TOLERANCE = 1e-5;

describe('gradients match float64 central differences (cpu)', () => {
  beforeAll(async () => { await useBackend('cpu'); });

  it('squeezeExcitation, with biases', () => {
    const shape = [2, 3, 3, 8];
    const params = { x: param(shape, -2, 2), w1: param([8, 2]), b1: param([2], 0.5, 1.5), w2: param([2, 8]), b2: param([8]) };
    const errors = checkGradients(params,
      (v) => squeezeExcitation(v.x!, { w1: v.w1 as tf.Tensor2D, b1: v.b1 as tf.Tensor1D, w2: v.w2 as tf.Tensor2D, b2: v.b2 as tf.Tensor1D }).output,
      (v) => se64(map64(v.x!, shape), { w1: v.w1!, b1: v.b1!, w2: v.w2!, b2: v.b2! }).output, 1);
    for (const [n, e] of Object.entries(errors)) expect(e, n).toBeLessThan(TOLERANCE);
  });

  it('eca', () => {
    const shape = [2, 2, 3, 8];
    const params = { x: param(shape, -2, 2), kernel: param([3]) };
    const errors = checkGradients(params,
      (v) => eca(v.x!, { kernel: v.kernel as tf.Tensor1D }).output,
      (v) => eca64(map64(v.x!, shape), v.kernel!).output, 2);
    for (const [n, e] of Object.entries(errors)) expect(e, n).toBeLessThan(TOLERANCE);
  });

  const bnFixed = { movingMean: 0.1, movingVariance: 0.8 };
  // b1 > 0 keeps the hidden ReLUs mostly active, so every weight matters.
  const channelParams = (c: number, h: number) => ({ w1: param([c, h]), b1: param([h], 0.5, 1.5), w2: param([h, c]), b2: param([c]) });
  const mlpOf = (v: Record<string, tf.Tensor>) =>
    ({ w1: v.w1 as tf.Tensor2D, b1: v.b1 as tf.Tensor1D, w2: v.w2 as tf.Tensor2D, b2: v.b2 as tf.Tensor1D });
  const mlp64Of = (v: Values) => ({ w1: v.w1!, b1: v.b1!, w2: v.w2!, b2: v.b2! });
  const bnOf = (v: Record<string, tf.Tensor>) => ({
    gamma: v.gamma as tf.Tensor1D, beta: v.beta as tf.Tensor1D,
    movingMean: tf.tensor1d([bnFixed.movingMean]), movingVariance: tf.tensor1d([bnFixed.movingVariance]),
  });
  const bn64Of = (v: Values): Bn64 => ({ gamma: v.gamma![0]!, beta: v.beta![0]!, ...bnFixed });

  it.for([false, true])('cbam on images, 5×5 spatial conv with bias and BN (training = %s)', (training) => {
    const shape = [2, 4, 5, 6];
    const params = {
      x: param(shape, -2, 2), ...channelParams(6, 3),
      kernel: param([5, 5, 2, 1], -0.5, 0.5), bias: param([1]), gamma: param([1], 0.7, 1.3), beta: param([1]),
    };
    const errors = checkGradients(params,
      (v) => cbam(v.x!, { channel: mlpOf(v), spatial: { kernel: v.kernel!, bias: v.bias as tf.Tensor1D, batchNorm: bnOf(v) } }, { training }).output,
      (v) => cbam64(map64(v.x!, shape), mlp64Of(v), { kernel: v.kernel!, bias: v.bias![0]!, bn: bn64Of(v) }, { hw: [4, 5], training }).output,
      3, training ? ['bias'] : []);
    for (const [n, e] of Object.entries(errors)) expect(e, n).toBeLessThan(TOLERANCE);
  });

  it.for([false, true])('cbam on points, kNN spatial gate with bias and BN (training = %s)', (training) => {
    const [b, n, c, k] = [2, 7, 6, 3];
    const neighbours = Array.from({ length: b * n }, (_, q) => [q % n, ...Array.from({ length: k - 1 }, () => Math.floor(rand() * n))]).flat();
    const params = {
      x: param([b, n, c], -2, 2), ...channelParams(c, 2),
      kernel: param([2 * k, 1]), bias: param([1]), gamma: param([1], 0.7, 1.3), beta: param([1]),
    };
    const idx = tf.tensor3d(neighbours, [b, n, k], 'int32');
    const errors = checkGradients(params,
      (v) => cbam(v.x!, { channel: mlpOf(v), spatial: { kernel: v.kernel!, bias: v.bias as tf.Tensor1D, batchNorm: bnOf(v) } }, { training, neighbours: idx }).output,
      (v) => cbam64(map64(v.x!, [b, n, c]), mlp64Of(v), { kernel: v.kernel!, bias: v.bias![0]!, bn: bn64Of(v) }, { neighbours, training }).output,
      4, training ? ['bias'] : []);
    idx.dispose();
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(TOLERANCE);
  });
});
