import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxRelativeError, useBackend } from '@heed/testing';
import { PCTOptimizer } from './optimizer.js';

/** Two steps of PyTorch's rules by hand, for p = [1, −2], gradients g1 then g2, weight decay wd. */
const p0 = [1, -2], g1 = [0.5, -1], g2 = [-0.25, 2];

describe('PCTOptimizer (wasm)', () => {
  it('SGD with momentum follows torch.optim.SGD (buf ← μ·buf + g + wd·p; p ← p − lr·buf)', async () => {
    await useBackend('wasm');
    const v = tf.variable(tf.tensor1d(p0));
    const opt = new PCTOptimizer([v], { kind: 'sgd', momentum: 0.9, weightDecay: 0.1 });
    const expected = [...p0], buf = [0, 0];
    for (const [g, lr] of [[g1, 0.1], [g2, 0.05]] as const) {
      const grad = tf.tensor1d(g);
      opt.apply({ [v.name]: grad }, lr);
      grad.dispose();
      for (let i = 0; i < 2; i++) {
        buf[i] = 0.9 * buf[i]! + g[i]! + 0.1 * expected[i]!;
        expected[i] = expected[i]! - lr * buf[i]!;
      }
    }
    expect(maxRelativeError(v.dataSync(), expected)).toBeLessThan(1e-6);
    expect(opt.step).toBe(2);
    opt.dispose();
    v.dispose();
    // Constructing and disposing frees everything it made.
    const before = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.zeros([3])));
    new PCTOptimizer([w], { kind: 'adam' }).dispose();
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Adam follows torch.optim.Adam (bias-corrected moments, L2 weight decay)', async () => {
    await useBackend('wasm');
    const v = tf.variable(tf.tensor1d(p0));
    const opt = new PCTOptimizer([v], { kind: 'adam', weightDecay: 0.01 });
    const expected = [...p0], m = [0, 0], s = [0, 0];
    let t = 0;
    for (const g of [g1, g2]) {
      t++;
      const grad = tf.tensor1d(g);
      opt.apply({ [v.name]: grad }, 1e-2);
      grad.dispose();
      for (let i = 0; i < 2; i++) {
        const gi = g[i]! + 0.01 * expected[i]!;
        m[i] = 0.9 * m[i]! + 0.1 * gi;
        s[i] = 0.999 * s[i]! + 0.001 * gi * gi;
        expected[i] = expected[i]! - (1e-2 * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(s[i]! / (1 - 0.999 ** t)) + 1e-8);
      }
    }
    expect(maxRelativeError(v.dataSync(), expected)).toBeLessThan(1e-5);
    opt.dispose();
    v.dispose();
  });

  it('state dict round trip: a restored optimizer takes the same next step', async () => {
    await useBackend('wasm');
    const [a, b] = [tf.variable(tf.tensor1d(p0)), tf.variable(tf.tensor1d(p0))];
    const oa = new PCTOptimizer([a], { kind: 'adam' });
    const g = tf.tensor1d(g1), h = tf.tensor1d(g2);
    oa.apply({ [a.name]: g }, 1e-2);
    b.assign(a);
    const ob = new PCTOptimizer([b], { kind: 'adam' });
    ob.loadStateDict(await oa.stateDict(), oa.step);
    oa.apply({ [a.name]: h }, 1e-2);
    ob.apply({ [b.name]: h }, 1e-2);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(() => new PCTOptimizer([a], { kind: 'sgd' }).loadStateDict(new Map(), 0)).toThrow(/lacks 'slot.0.m'/);
    tf.dispose([g, h, a, b]);
    oa.dispose();
    ob.dispose();
  });
});
