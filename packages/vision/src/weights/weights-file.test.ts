import * as tf from '@tensorflow/tfjs-core';
import { tensorsLeakedBy, useBackend } from '@heed/testing';
import { describe, expect, it } from 'vitest';
import { createCbamCnn } from '../models/cbam-cnn.js';
import { createTinyVit } from '../models/tiny-vit.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { serializeVisionModel, visionModelFromWeights } from './weights-file.js';

describe('vision weight files', () => {
  it('base64 round-trips every byte value', () => {
    const bytes = Uint8Array.from({ length: 70000 }, (_, i) => (i * 7919) % 256);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
  });

  it.each([
    ['cbam', () => createCbamCnn({ seed: 2 })],
    ['vit', () => createTinyVit({ seed: 2 })],
  ])('round-trips a %s model through JSON: same parameters, same outputs', async (_kind, create) => {
    await useBackend('cpu');
    const model = create();
    const file = JSON.parse(JSON.stringify(await serializeVisionModel(model, { note: 'test' })));
    const copy = visionModelFromWeights(file);
    expect(copy.kind).toBe(model.kind);
    expect(copy.config).toEqual(model.config);
    expect(copy.mapNames).toEqual(model.mapNames);
    expect(file.metadata).toEqual({ note: 'test' });
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const [a, b] = [model.forward(x), copy.forward(x)];
    expect(await b.logits.data()).toEqual(await a.logits.data());
    tf.dispose([x, a as unknown as tf.TensorContainer, b as unknown as tf.TensorContainer]);
    expect(await tensorsLeakedBy(() => visionModelFromWeights(file).dispose())).toBe(0);
    model.dispose();
    copy.dispose();
  });

  it('refuses files that are not heed-vision-weights v1 or do not fit their table', async () => {
    await useBackend('cpu');
    expect(() => visionModelFromWeights({ format: 'x' } as never)).toThrow(/heed-vision-weights/);
    const model = createCbamCnn({ seed: 2 });
    const file = await serializeVisionModel(model);
    model.dispose();
    expect(() => visionModelFromWeights({ ...file, tensors: [...file.tensors, { name: 'extra', shape: [4] }] })).toThrow(/too short/);
  });
});
