import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, tensorsLeakedBy } from '@heed/testing';
import { generateShapeBatch, shapeBatchTensors } from '../data/batch.js';
import { patchify } from './patchify.js';
import { createTinyVit } from './tiny-vit.js';

describe.each(BACKENDS)('tiny ViT on %s', (backend) => {
  it('maps [B, 32, 32, 3] to logits [B, 4] and patch maps [B, 8, 8]', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const model = createTinyVit({ seed: 3 });
    const { images } = shapeBatchTensors(generateShapeBatch({ seed: 1, count: 2 }));
    const { logits, maps } = model.forward(images);
    expect(logits.shape).toEqual([2, 4]);
    expect(model.mapNames).toEqual(['classToken', 'rollout']);
    // Both are class-token rows of row-stochastic matrices minus the class token's own entry.
    for (const name of model.mapNames) {
      expect(maps[name]!.shape).toEqual([2, 8, 8]);
      const sums = await tf.sum(maps[name]!, [1, 2]).data();
      for (const s of sums) { expect(s).toBeGreaterThan(0); expect(s).toBeLessThanOrEqual(1 + 1e-5); }
    }
    expect(await tensorsLeakedBy(() => tf.dispose(model.forward(images) as unknown as tf.TensorContainer))).toBe(0);
    tf.dispose([images, logits, ...Object.values(maps)]);
    model.dispose();
  });

  it('cuts patches in row-major order, each flattened (row, column, channel)', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const image = tf.reshape(tf.range(0, 4 * 4 * 3), [1, 4, 4, 3]) as tf.Tensor4D;
    const patches = await patchify(image, 2).array();
    const pixel = (y: number, x: number) => [0, 1, 2].map((c) => (y * 4 + x) * 3 + c);
    // patch 1 = top-right: rows 0–1, columns 2–3
    expect(patches[0]![1]).toEqual([...pixel(0, 2), ...pixel(0, 3), ...pixel(1, 2), ...pixel(1, 3)]);
    expect(patches[0]!.length).toBe(4);
    image.dispose();
  });
});
