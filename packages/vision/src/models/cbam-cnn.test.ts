import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, tensorsLeakedBy } from '@heed/testing';
import { generateShapeBatch, shapeBatchTensors } from '../data/batch.js';
import { createCbamCnn } from './cbam-cnn.js';

describe.each(BACKENDS)('CBAM CNN on %s', (backend) => {
  it('maps [B, 32, 32, 3] to logits [B, 4] and spatial gates [B, 8, 8] in (0, 1)', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const model = createCbamCnn({ seed: 3 });
    const { images } = shapeBatchTensors(generateShapeBatch({ seed: 1, count: 2 }));
    const { logits, maps } = model.forward(images);
    expect(logits.shape).toEqual([2, 4]);
    expect(model.mapNames).toEqual(['cbam4', 'cbam3']);
    for (const name of model.mapNames) {
      expect(maps[name]!.shape).toEqual([2, 8, 8]);
      const values = await maps[name]!.data();
      expect(Math.min(...values)).toBeGreaterThan(0);
      expect(Math.max(...values)).toBeLessThan(1);
    }
    expect(await tensorsLeakedBy(() => tf.dispose(model.forward(images) as unknown as tf.TensorContainer))).toBe(0);
    tf.dispose([images, logits, ...Object.values(maps)]);
    model.dispose();
  });

  it('is seeded: the same seed gives the same parameters', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const a = createCbamCnn({ seed: 5 }), b = createCbamCnn({ seed: 5 }), c = createCbamCnn({ seed: 6 });
    const k = 'conv2/kernel';
    expect(await a.parameters[k]!.data()).toEqual(await b.parameters[k]!.data());
    expect(await a.parameters[k]!.data()).not.toEqual(await c.parameters[k]!.data());
    [a, b, c].forEach((m) => m.dispose());
  });

  it('frees everything it allocated on dispose', async (ctx) => {
    await backendOrSkip(ctx, backend);
    expect(await tensorsLeakedBy(() => createCbamCnn({ seed: 1 }).dispose())).toBe(0);
  });
});
