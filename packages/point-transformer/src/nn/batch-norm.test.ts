import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError } from '@heed/testing';
import '../register-gradients.js';
import { BatchNorm } from './batch-norm.js';

describe.each(BACKENDS)('BatchNorm on %s', (backend) => {
  it('follows PyTorch: batch statistics (biased) in training, unbiased running update, running statistics in eval', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const bn = new BatchNorm(2);
    bn.weight.variable.assign(tf.tensor1d([2, 0.5]));
    bn.bias.variable.assign(tf.tensor1d([1, -1]));
    const rows = [[1, 10], [2, 20], [4, 30], [5, 60]];
    const x = tf.tensor3d([rows.slice(0, 2), rows.slice(2)]); // [2, 2, C=2]: statistics over 4 rows
    const y = await bn.apply(x, true).array() as number[][][];
    const col = (c: number) => rows.map((r) => r[c]!);
    const mean = [0, 1].map((c) => col(c).reduce((a, b) => a + b, 0) / 4);
    const biased = [0, 1].map((c) => col(c).reduce((a, b) => a + (b - mean[c]!) ** 2, 0) / 4);
    const expectedY = rows.map((r) => r.map((v, c) => ((v - mean[c]!) / Math.sqrt(biased[c]! + 1e-5)) * [2, 0.5][c]! + [1, -1][c]!));
    expect(maxRelativeError(y.flat(), expectedY)).toBeLessThan(1e-5);
    const runningMean = mean.map((m) => 0.1 * m);
    const runningVar = biased.map((v) => 0.9 + 0.1 * (v * 4) / 3);
    expect(maxRelativeError(await bn.runningMean.variable.data(), runningMean)).toBeLessThan(1e-6);
    expect(maxRelativeError(await bn.runningVar.variable.data(), runningVar)).toBeLessThan(1e-6);
    expect(bn.numBatchesTracked.value).toBe(1);
    const evalY = await bn.apply(tf.tensor2d([[3, 3]]), false).data();
    const expectedEval = [0, 1].map((c) => ((3 - runningMean[c]!) / Math.sqrt(runningVar[c]! + 1e-5)) * [2, 0.5][c]! + [1, -1][c]!);
    expect(maxRelativeError(evalY, expectedEval)).toBeLessThan(1e-5);
    expect(bn.numBatchesTracked.value).toBe(1);
    bn.dispose();
  });

  it('training-mode gradients equal float64 central differences of the float64 forward', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const rows = [[0.3, -1.2], [2.1, 0.4], [-0.7, 0.9], [1.5, -2.2], [0.1, 0.05], [-1.9, 1.7]];
    const upstream = [[0.5, -1], [1.5, 0.25], [-0.75, 2], [0.2, -0.4], [1, 1], [-1.25, 0.6]];
    const gamma0 = [1.7, -0.6], beta0 = [0.2, -0.3];
    // L = Σ y·upstream with y the float64 training-mode forward (biased batch variance, ε = 1e-5)
    const loss = (x: number[][], gamma: number[], beta: number[]) => [0, 1].reduce((total, c) => {
      const col = x.map((r) => r[c]!);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length;
      return total + col.reduce((a, v, i) => a + ((v - mean) / Math.sqrt(variance + 1e-5) * gamma[c]! + beta[c]!) * upstream[i]![c]!, 0);
    }, 0);
    const h = 1e-6;
    const central = (f: (d: number) => number) => (f(h) - f(-h)) / (2 * h);
    const dx = rows.map((r, i) => r.map((_, c) => central((d) => loss(rows.map((q, j) => q.map((v, k) => (j === i && k === c ? v + d : v))), gamma0, beta0))));
    const dGamma = gamma0.map((_, c) => central((d) => loss(rows, gamma0.map((g, k) => (k === c ? g + d : g)), beta0)));
    const dBeta = beta0.map((_, c) => central((d) => loss(rows, gamma0, beta0.map((b, k) => (k === c ? b + d : b)))));

    const bn = new BatchNorm(2);
    bn.weight.variable.assign(tf.tensor1d(gamma0));
    bn.bias.variable.assign(tf.tensor1d(beta0));
    const x = tf.tensor2d(rows), dy = tf.tensor2d(upstream);
    const f = () => tf.sum(tf.mul(bn.apply(x, true), dy)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(f, [bn.weight.variable, bn.bias.variable]);
    const gx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(bn.apply(t, true), dy)))(x);
    expect(maxRelativeError(await gx.array() as number[][], dx)).toBeLessThan(1e-3);
    expect(maxRelativeError(await grads[bn.weight.variable.name]!.data(), dGamma)).toBeLessThan(1e-4);
    expect(maxRelativeError(await grads[bn.bias.variable.name]!.data(), dBeta)).toBeLessThan(1e-4);
    tf.dispose([x, dy, value, gx, ...Object.values(grads)]);
    bn.dispose();
  });
});
