import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, tensorsLeakedBy } from '@heed/testing';
import { attentionInsideRatios, resizeMaps } from './attention-inside-ratio.js';

/**
 * Hand-computed in float64. Map [[1, 0], [0, 0]] resized 2 → 4 with half-pixel centres samples
 * the map at −0.25, 0.25, 0.75, 1.25 (clamped to the edge cells): per axis the weight of cell 0
 * is [1, 0.75, 0.25, 0], so the 4×4 map is the outer product of that with itself.
 * Its mass is 2 · 2 = 4; inside the top-left 2×2 mask: (1 + 0.75)² = 3.0625.
 * Share 3.0625 / 4 = 0.765625; mask area 4 / 16 = 0.25; ratio 3.0625.
 * A uniform map scores 1 whatever the mask. A map of zeros scores 0.
 */
const weights = [1, 0.75, 0.25, 0];
const expectedResized = weights.map((a) => weights.map((b) => a * b));
const topLeft = [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
const ring = [[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]];

describe.each(BACKENDS)('attention inside ratio on %s', (backend) => {
  it('resizes bilinearly with half-pixel centres', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const resized = resizeMaps(tf.tensor3d([[[1, 0], [0, 0]]]), 4);
    const got = (await resized.array())[0]!;
    got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expectedResized[i]![j]!, 6)));
    resized.dispose();
  });

  it('matches the hand-computed case', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const maps = tf.tensor3d([[[1, 0], [0, 0]], [[0.3, 0.3], [0.3, 0.3]], [[0, 0], [0, 0]]]);
    const masks = tf.tensor3d([topLeft, ring, ring]);
    const ratios = attentionInsideRatios(maps, masks);
    const [corner, uniform, zero] = await ratios.data();
    expect(corner).toBeCloseTo(3.0625, 5);
    expect(uniform).toBeCloseTo(1, 5);
    expect(zero).toBe(0);
    expect(await tensorsLeakedBy(() => tf.dispose(attentionInsideRatios(maps, masks)))).toBe(0);
    tf.dispose([maps, masks, ratios]);
  });

  it('reaches its maximum, image area ÷ mask area, when all mass is inside', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const masks = tf.tensor3d([ring]);
    const ratio = attentionInsideRatios(masks, masks); // the map is the mask itself, same grid
    expect((await ratio.data())[0]).toBeCloseTo(16 / 3, 5);
    tf.dispose([masks, ratio]);
  });
});
