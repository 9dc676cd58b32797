import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients
import { describe, expect, it } from 'vitest';
import { maxRelativeError, useBackend } from '@heed/testing';
import { registerWasmConv2DBackpropFilter } from './wasm-conv2d-backprop-filter.js';

type Shape4 = [number, number, number, number];
const cases: [string, Shape4, Shape4, number, 'same' | 'valid'][] = [
  ['CBAM 7×7 spatial gate', [2, 8, 8, 2], [7, 7, 2, 1], 1, 'same'],
  ['3×3 stride 2 valid', [3, 9, 7, 4], [3, 3, 4, 5], 2, 'valid'],
  ['3×3 stride 2 same', [2, 9, 9, 3], [3, 3, 3, 4], 2, 'same'],
];

describe('registerWasmConv2DBackpropFilter', () => {
  it.each(cases)('makes the filter gradient on wasm match cpu: %s', async (_name, xShape, wShape, stride, pad) => {
    registerWasmConv2DBackpropFilter();
    const grads: Record<string, Float32Array> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      const x = tf.randomNormal(xShape, 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal(wShape, 0, 1, 'float32', 2) as tf.Tensor4D;
      const g = tf.grad((f) => tf.sum(tf.square(tf.conv2d(x, f as tf.Tensor4D, stride, pad))))(w);
      grads[backend] = (await g.data()) as Float32Array;
      tf.dispose([x, w, g]);
    }
    expect(maxRelativeError(grads.wasm!, grads.cpu!)).toBeLessThan(1e-4);
  });

  it('leaks no wasm memory', async () => {
    registerWasmConv2DBackpropFilter();
    await useBackend('wasm');
    const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D, w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const step = () => tf.dispose(tf.grad((f) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, 'same')))(w));
    step();
    const before = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.engine().backend.numDataIds()).toBe(before);
    tf.dispose([x, w]);
  });
});
