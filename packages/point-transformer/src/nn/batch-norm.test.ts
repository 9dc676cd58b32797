import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError } from '@heed/testing';
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
});
