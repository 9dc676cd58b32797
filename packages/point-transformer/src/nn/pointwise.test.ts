import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, seededRandom } from '@heed/testing';
import '../register-gradients.js';
import { Pointwise } from './pointwise.js';

describe.each(BACKENDS)('Pointwise.applyConcat on %s', (backend) => {
  it('equals the float64 product of the tiled concatenation, value and gradients', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const rand = seededRandom(11);
    const [b, n, c1, c2, out] = [2, 5, 3, 4, 6];
    const conv = new Pointwise(c1 + c2, out, { seed: 5 });
    const perPoint = Array.from({ length: b }, () => Array.from({ length: n }, () => Array.from({ length: c1 }, () => rand() * 2 - 1)));
    const perCloud = Array.from({ length: b }, () => Array.from({ length: c2 }, () => rand() * 2 - 1));
    const w = await conv.weight.variable.array() as number[][]; // [in, out]
    const bias = Array.from(await conv.bias!.variable.data());
    const expected = perPoint.map((rows, s) => rows.map((r) => {
      const x = [...r, ...perCloud[s]!];
      return bias.map((bo, o) => x.reduce((acc, v, i) => acc + v * w[i]![o]!, bo));
    }));
    const a = tf.tensor3d(perPoint), g = tf.tensor3d(perCloud.map((r) => [r]));
    const y = conv.applyConcat([a, g]);
    expect(y.shape).toEqual([b, n, out]);
    expect(maxRelativeError(await y.array() as number[][][], expected)).toBeLessThan(1e-5);
    // gradients agree with the concatenation built explicitly (tfjs' own concat/tile gradients)
    const loss = (f: () => tf.Tensor) => tf.variableGrads(() => tf.sum(tf.square(f())) as tf.Scalar, [conv.weight.variable]);
    const split = loss(() => conv.applyConcat([a, g]));
    const tiled = loss(() => conv.apply(tf.concat([a, tf.tile(g, [1, n, 1])], 2)));
    const name = conv.weight.variable.name;
    expect(maxRelativeError(await split.grads[name]!.data(), await tiled.grads[name]!.data())).toBeLessThan(1e-5);
    const perCloudGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.square(conv.applyConcat([a, t]))))(g);
    const tiledGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.square(conv.apply(tf.concat([a, tf.tile(t, [1, n, 1])], 2)))))(g);
    expect(maxRelativeError(await perCloudGrad.data(), await tiledGrad.data())).toBeLessThan(1e-5);
    tf.dispose([a, g, y, split.value, tiled.value, ...Object.values(split.grads), ...Object.values(tiled.grads), perCloudGrad, tiledGrad]);
    conv.dispose();
  });

  it('names the widths when the parts do not add up to the input channels', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const conv = new Pointwise(7, 2);
    const parts = [tf.zeros([1, 4, 3]), tf.zeros([1, 1, 3])];
    expect(() => conv.applyConcat(parts)).toThrow('Pointwise(7→2): parts with [3,3] channels add up to 6, expected 7');
    tf.dispose(parts);
    conv.dispose();
  });
});
