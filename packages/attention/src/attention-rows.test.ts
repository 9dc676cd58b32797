import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, tensorsLeakedBy } from '@heed/testing';
import { attentionRows } from './attention-rows.js';
import { scaledDotProductAttention } from './scaled-dot-product-attention.js';

describe.each(BACKENDS)('attentionRows on %s', (backend) => {
  it('equals the chosen rows of the full weights, with padding and causal masks', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const q = tf.randomNormal([2, 3, 40, 8], 0, 1, 'float32', 1);
    const k = tf.randomNormal([2, 3, 40, 8], 0, 1, 'float32', 2);
    const rows = [0, 17, 39, 17];
    for (const opts of [{}, { validLens: [40, 9] }, { causal: true }, { causal: true, validLens: [5, 40], scale: 0.3 }]) {
      const full = scaledDotProductAttention(q, k, k, opts).weights!;
      const expected = tf.gather(full, tf.tensor1d(rows, 'int32'), 2);
      const got = attentionRows(q, k, rows, opts);
      expect(got.shape).toEqual([2, 3, 4, 40]);
      expect(maxRelativeError(await got.data(), await expected.data()), JSON.stringify(opts)).toBeLessThan(1e-5);
    }
    expect(await tensorsLeakedBy(() => attentionRows(q, k, rows, { causal: true }).dispose())).toBe(0);
    expect(() => attentionRows(q, k, [40])).toThrow(/row 40 is outside 0\.\.39/);
  });
});
