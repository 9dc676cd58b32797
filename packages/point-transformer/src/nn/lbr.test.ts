import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, seededRandom } from '@heed/testing';
import '../register-gradients.js';
import { BatchNorm } from './batch-norm.js';
import { LBR } from './lbr.js';
import { Pointwise } from './pointwise.js';

/** float64 act(BN_eval(x·W + b)) over rows of x [R, in]. */
function reference(x: number[][], w: number[][], b: number[] | undefined, bn: { gamma: number[]; beta: number[]; mean: number[]; variance: number[] }, leaky: boolean): number[][] {
  return x.map((row) => w[0]!.map((_, o) => {
    const z = row.reduce((acc, v, i) => acc + v * w[i]![o]!, b?.[o] ?? 0);
    const y = ((z - bn.mean[o]!) / Math.sqrt(bn.variance[o]! + 1e-5)) * bn.gamma[o]! + bn.beta[o]!;
    return y > 0 ? y : leaky ? 0.2 * y : 0;
  }));
}

describe.each(BACKENDS)('LBR on %s', (backend) => {
  it.for([
    { bias: false, activation: 'relu' as const },
    { bias: true, activation: 'leaky-relu' as const },
  ])('folds its BatchNorm into the matMul in evaluation (bias $bias, $activation), and refolds when a statistic changes', async ({ bias, activation }, ctx) => {
    await backendOrSkip(ctx, backend);
    const rand = seededRandom(bias ? 7 : 8);
    const values = (n: number, lo = -1, hi = 1) => Array.from({ length: n }, () => lo + (hi - lo) * rand());
    const before = tf.memory().numTensors;
    const linear = new Pointwise(5, 4, { bias, seed: 3 });
    const norm = new BatchNorm(4);
    const lbr = new LBR(linear, norm, activation);
    const bn = { gamma: values(4, 0.5, 2), beta: values(4), mean: values(4), variance: values(4, 0.1, 3) };
    const set = (v: tf.Variable, to: number[]) => tf.tidy(() => v.assign(tf.tensor1d(to)));
    set(norm.weight.variable, bn.gamma);
    set(norm.bias.variable, bn.beta);
    set(norm.runningMean.variable, bn.mean);
    set(norm.runningVar.variable, bn.variance);
    const rows = Array.from({ length: 6 }, () => values(5));
    const x = tf.tensor3d([rows.slice(0, 3), rows.slice(3)]);
    const w = (await linear.weight.variable.array()) as number[][];
    const b = linear.bias ? ((await linear.bias.variable.array()) as number[]) : undefined;
    const leaky = activation === 'leaky-relu';
    const y1 = lbr.apply(x, false);
    expect(maxRelativeError(Array.from(await y1.data()), reference(rows, w, b, bn, leaky))).toBeLessThan(1e-5);
    // A new running mean (as training or loadStateDict would write): the folded weights follow.
    bn.mean = values(4);
    set(norm.runningMean.variable, bn.mean);
    const y2 = lbr.apply(x, false);
    expect(maxRelativeError(Array.from(await y2.data()), reference(rows, w, b, bn, leaky))).toBeLessThan(1e-5);
    tf.dispose([x, y1, y2]);
    // The folded weights belong to the BatchNorm's module: disposing it frees them.
    linear.dispose();
    norm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
