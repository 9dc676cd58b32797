import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxRelativeError, seededRandom, useBackend } from '@heed/testing';
import '../register-gradients.js';
import { registerTransposeFreeMatMulGradient } from './matmul-gradient.js';

describe('registerTransposeFreeMatMulGradient (wasm)', () => {
  it('gives the stock BatchMatMul gradients for every transpose combination, 2-D and batched', async () => {
    await useBackend('wasm');
    const rand = seededRandom(11);
    const t = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((x, y) => x * y) }, () => rand() * 2 - 1), shape);
    const cases: [number[], number[], boolean, boolean][] = [
      [[5, 3], [3, 4], false, false], [[5, 3], [4, 3], false, true], [[3, 5], [3, 4], true, false], [[3, 5], [4, 3], true, true],
      [[2, 5, 3], [2, 3, 4], false, false], [[2, 3, 5], [2, 4, 3], true, true], [[2, 5, 3], [2, 4, 3], false, true],
    ];
    const inputs = cases.map(([sa, sb]) => [t(sa), t(sb)] as const);
    const grads = () => cases.map(([, , ta, tb], i) => {
      const [a, b] = inputs[i]!;
      const w = tf.tidy(() => tf.sin(tf.reshape(tf.range(0, tf.matMul(a, b, ta, tb).size), tf.matMul(a, b, ta, tb).shape)));
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), w)))([a, b]);
      const out = g.map((x) => Array.from(x.dataSync()));
      tf.dispose([w, ...g]);
      return out;
    });
    const stock = grads();
    registerTransposeFreeMatMulGradient();
    registerTransposeFreeMatMulGradient(); // idempotent
    const ours = grads();
    ours.forEach((pair, i) => pair.forEach((g, k) => expect(maxRelativeError(g, stock[i]![k]!), `case ${i} input ${k}`).toBeLessThan(1e-5)));
    inputs.flat().forEach((x) => x.dispose());
  });
});
