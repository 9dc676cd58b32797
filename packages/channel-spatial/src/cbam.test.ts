import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, tensorsLeakedBy } from '@heed/testing';
import { cbam, cbamChannelGate, movingStatsAfter } from './index.js';
import { type CbamCase, cbamImageFixture, cbamPointsFixture, cbamWeightsOf, tensorOf, tensorsIn } from './test/fixtures.js';

const TOLERANCE = 1e-5;

function inputsOf(c: CbamCase) {
  const x = tensorOf(c.inputs.x);
  const neighbours = c.inputs.neighbours ? tensorOf(c.inputs.neighbours, 'int32') : undefined;
  return { x, neighbours, weights: cbamWeightsOf(c) };
}

describe.each(BACKENDS)('cbam on %s', (backend) => {
  const domains = [
    { domain: 'images (attention-module CBAM)', cases: cbamImageFixture },
    { domain: 'points (kNN spatial gate)', cases: cbamPointsFixture },
  ];

  it.for(domains)('matches PyTorch in inference mode: $domain', async ({ cases }, ctx) => {
    await backendOrSkip(ctx, backend);
    for (const c of cases()) {
      const { x, neighbours, weights } = inputsOf(c);
      const r = cbam(x, weights, { noSpatial: c.config.noSpatial, ...(neighbours ? { neighbours } : {}) });
      expect(maxRelativeError(await r.output.data(), c.expected.output.data), c.name).toBeLessThan(TOLERANCE);
      expect(maxRelativeError(await r.channelWeights.data(), c.expected.channelWeights.data), c.name).toBeLessThan(TOLERANCE);
      if (c.expected.spatialMap) {
        expect(r.spatialMap!.shape, c.name).toEqual(c.expected.spatialMap.shape);
        expect(maxRelativeError(await r.spatialMap!.data(), c.expected.spatialMap.data), c.name).toBeLessThan(TOLERANCE);
      } else {
        expect(r.spatialMap, c.name).toBeUndefined();
      }
      expect(r.batchStats, c.name).toBeUndefined();
      // The channel gate alone is the same map.
      const gate = cbamChannelGate(x, weights.channel);
      expect(maxRelativeError(await gate.data(), c.expected.channelWeights.data), c.name).toBeLessThan(TOLERANCE);
      tf.dispose([x, neighbours!, gate, ...tensorsIn(r), ...tensorsIn(weights)].filter(Boolean));
    }
  });

  it.for(domains)('matches PyTorch with BN in training mode (batch statistics, running-stat update): $domain', async ({ cases }, ctx) => {
    await backendOrSkip(ctx, backend);
    for (const c of cases().filter((k) => k.expected.training)) {
      const expected = c.expected.training!;
      const { x, neighbours, weights } = inputsOf(c);
      const r = cbam(x, weights, { training: true, ...(neighbours ? { neighbours } : {}) });
      expect(maxRelativeError(await r.output.data(), expected.output.data), c.name).toBeLessThan(TOLERANCE);
      expect(maxRelativeError(await r.spatialMap!.data(), expected.spatialMap.data), c.name).toBeLessThan(TOLERANCE);
      const next = movingStatsAfter(weights.spatial!.batchNorm!, r.batchStats!, 0.01);
      expect(maxRelativeError(await next.movingMean.data(), expected.movingMean.data), c.name).toBeLessThan(TOLERANCE);
      expect(maxRelativeError(await next.movingVariance.data(), expected.movingVariance.data), c.name).toBeLessThan(TOLERANCE);
      tf.dispose([x, neighbours!, ...tensorsIn(r), ...tensorsIn(next), ...tensorsIn(weights)].filter(Boolean));
    }
  });

  it('does not leak tensors (images and points, inference and training)', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const all = [cbamImageFixture()[0]!, cbamPointsFixture()[0]!].map(inputsOf);
    const leaked = await tensorsLeakedBy(() => {
      for (const { x, neighbours, weights } of all) {
        for (const training of [false, true]) {
          tf.dispose(tensorsIn(cbam(x, weights, { training, ...(neighbours ? { neighbours } : {}) })));
        }
      }
    });
    expect(leaked).toBe(0);
    tf.dispose(all.flatMap(tensorsIn));
  });
});

describe('cbam argument checks', () => {
  it('asks for what is missing or malformed', () => tf.tidy(() => {
    const x = tf.zeros([1, 5, 4]);
    const channel = { w1: tf.zeros([4, 1]) as tf.Tensor2D, w2: tf.zeros([1, 4]) as tf.Tensor2D };
    expect(() => cbam(x, { channel, spatial: { kernel: tf.zeros([8, 1]) } })).toThrow(/neighbours/);
    expect(() => cbam(x, { channel })).toThrow(/weights.spatial/);
    expect(() => cbam(x, { channel, spatial: { kernel: tf.zeros([6, 1]) } }, { neighbours: tf.zeros([1, 5, 4], 'int32') }))
      .toThrow(/\[2k, 1\]/);
    expect(() => cbam(tf.zeros([1, 3, 3, 4]), { channel, spatial: { kernel: tf.zeros([4, 4, 2, 1]) } })).toThrow(/k odd/);
    expect(cbam(x, { channel }, { noSpatial: true }).spatialMap).toBeUndefined();
  }));
});
