import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients
import { useBackend } from '@heed/testing';
import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';

describe('Adam', () => {
  it('takes the textbook first steps (each ≈ lr · sign(g) while the gradient is steady)', async () => {
    await useBackend('cpu');
    const w = tf.variable(tf.tensor1d([1, -2]));
    const adam = new Adam({ w });
    for (let i = 0; i < 3; i++) adam.step({ w: tf.tensor1d([0.5, -4]) }, 0.1);
    expect(Array.from(await w.data()).map((v) => +v.toFixed(5))).toEqual([0.7, -1.7]);
    adam.dispose();
    w.dispose();
  });

  it('matches tfjs’s own Adam on a quadratic', async () => {
    await useBackend('cpu');
    const target = tf.tensor1d([3, -1, 0.5]);
    const [a, b] = [tf.variable(tf.zeros([3])), tf.variable(tf.zeros([3]))];
    const ours = new Adam({ a }), theirs = tf.train.adam(0.05);
    for (let i = 0; i < 20; i++) {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(a, target))) as tf.Scalar, [a]);
      ours.step({ a: grads[a.name]! }, 0.05);
      theirs.minimize(() => tf.sum(tf.square(tf.sub(b, target))) as tf.Scalar, false, [b]);
    }
    const [x, y] = [await a.data(), await b.data()];
    x.forEach((v, i) => expect(v).toBeCloseTo(y[i]!, 4));
    ours.dispose();
    theirs.dispose();
    tf.dispose([a, b, target]);
  });

  it('decays only matrices with weightDecay', async () => {
    await useBackend('cpu');
    const [m, v] = [tf.variable(tf.ones([2, 2])), tf.variable(tf.ones([2]))];
    const adam = new Adam({ m, v }, { weightDecay: 0.5 });
    adam.step({ m: tf.zeros([2, 2]), v: tf.zeros([2]) }, 0.1);
    expect((await m.data())[0]).toBeCloseTo(0.95);
    expect((await v.data())[0]).toBe(1);
    adam.dispose();
    tf.dispose([m, v]);
  });
});
