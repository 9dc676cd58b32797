import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, tensorsLeakedBy } from '@heed/testing';
import { bottleneckWidth, squeezeExcitation } from './index.js';
import { mlpOf, seFixture, tensorOf, tensorsIn } from './test/fixtures.js';

describe('bottleneckWidth', () => {
  it('is floor(C / r), at least minHidden', () => {
    expect([bottleneckWidth(64), bottleneckWidth(48, 16), bottleneckWidth(6, 16), bottleneckWidth(6, 16, 3)]).toEqual([4, 3, 1, 3]);
    expect(() => bottleneckWidth(8, 0)).toThrow(/reduction/);
  });
});

describe.each(BACKENDS)('squeezeExcitation on %s', (backend) => {
  it('matches PyTorch (senet.pytorch SELayer) for images and points, with and without bias', async (ctx) => {
    await backendOrSkip(ctx, backend);
    for (const c of seFixture()) {
      const x = tensorOf(c.inputs.x);
      const weights = mlpOf(c.weights);
      expect(weights.w1.shape[1], c.name).toBe(bottleneckWidth(x.shape[x.rank - 1]!, c.config.reduction, c.config.minHidden));
      const { output, channelWeights } = squeezeExcitation(x, weights);
      expect(maxRelativeError(await output.data(), c.expected.output.data), c.name).toBeLessThan(1e-5);
      expect(maxRelativeError(await channelWeights.data(), c.expected.channelWeights.data), c.name).toBeLessThan(1e-5);
      expect(output.shape).toEqual(c.expected.output.shape);
      tf.dispose([x, output, channelWeights, ...tensorsIn(weights)]);
    }
  });

  it('does not leak tensors', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const c = seFixture()[1]!;
    const x = tensorOf(c.inputs.x);
    const weights = mlpOf(c.weights);
    const leaked = await tensorsLeakedBy(() => {
      const r = squeezeExcitation(x, weights);
      tf.dispose([r.output, r.channelWeights]);
    });
    expect(leaked).toBe(0);
    tf.dispose([x, ...tensorsIn(weights)]);
  });
});
