import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxRelativeError, seededRandom, useBackend } from '@heed/testing';
import { labelSmoothingCrossEntropy } from './loss.js';
import { cosineLearningRate } from './schedule.js';

/** The reference `cal_loss` in float64: smoothed one-hot · log_softmax, summed per row, negated mean. */
function calLoss64(logits: number[][], labels: number[], eps: number): number {
  let total = 0;
  for (let r = 0; r < logits.length; r++) {
    const row = logits[r]!, c = row.length;
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    for (let k = 0; k < c; k++) total -= (k === labels[r] ? 1 - eps : eps / (c - 1)) * (row[k]! - lse);
  }
  return total / logits.length;
}

describe('labelSmoothingCrossEntropy', () => {
  it('equals the reference cal_loss (ε = 0.2) computed in float64', async () => {
    await useBackend('wasm');
    const rand = seededRandom(3);
    const logits = Array.from({ length: 6 }, () => Array.from({ length: 10 }, () => rand() * 8 - 4));
    const labels = [0, 9, 3, 3, 7, 1];
    const got = tf.tidy(() => labelSmoothingCrossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'), 0.2).dataSync()[0]!);
    expect(maxRelativeError([got], [calLoss64(logits, labels, 0.2)])).toBeLessThan(1e-6);
  });

  it('flattens [B, N, C] segmentation logits, and ε = 0 is the plain cross-entropy', async () => {
    await useBackend('wasm');
    const rand = seededRandom(4);
    const flat = Array.from({ length: 2 * 3 * 4 }, () => rand() * 4 - 2);
    const labels = [0, 1, 2, 3, 3, 0];
    const rows = Array.from({ length: 6 }, (_, r) => flat.slice(4 * r, 4 * r + 4));
    const [seg, plain, stock] = tf.tidy(() => {
      const logits = tf.tensor3d(flat, [2, 3, 4]);
      const l = tf.tensor2d(labels, [2, 3], 'int32');
      return [
        labelSmoothingCrossEntropy(logits, l, 0.2).dataSync()[0]!,
        labelSmoothingCrossEntropy(logits, l, 0).dataSync()[0]!,
        tf.losses.softmaxCrossEntropy(tf.oneHot(tf.reshape(l, [-1]) as tf.Tensor1D, 4), tf.reshape(logits, [6, 4])).dataSync()[0]!,
      ];
    });
    expect(maxRelativeError([seg], [calLoss64(rows, labels, 0.2)])).toBeLessThan(1e-6);
    expect(maxRelativeError([plain], [stock])).toBeLessThan(1e-6);
  });

  it('refuses a label count that does not match', async () => {
    await useBackend('wasm');
    expect(() => labelSmoothingCrossEntropy(tf.zeros([2, 3]), tf.tensor1d([0], 'int32'))).toThrow(/1 labels for 2 rows/);
  });
});

describe('cosineLearningRate', () => {
  it('anneals from max to min along half a cosine, per step', () => {
    expect(cosineLearningRate(0, 100, 0.01, 1e-4)).toBeCloseTo(0.01, 12);
    expect(cosineLearningRate(50, 100, 0.01, 1e-4)).toBeCloseTo(0.00505, 12);
    expect(cosineLearningRate(25, 100, 0.01, 1e-4)).toBeCloseTo(1e-4 + 0.5 * (0.01 - 1e-4) * (1 + Math.SQRT1_2), 12);
    expect(cosineLearningRate(100, 100, 0.01, 1e-4)).toBeCloseTo(1e-4, 12);
    expect(cosineLearningRate(150, 100, 0.01, 1e-4)).toBeCloseTo(1e-4, 12);
    expect(cosineLearningRate(10, 40, 1)).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI / 4)), 12);
  });
});
