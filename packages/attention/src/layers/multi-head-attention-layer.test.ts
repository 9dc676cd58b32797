import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, tensorsLeakedBy } from '@heed/testing';
import { MultiHeadAttention } from './multi-head-attention-layer.js';
import {
  type MhaCase, type Packed, type TorchParams, assignLayerWeights, attentionWeightsFromTorch, loadFixture, tensorOf,
} from '../test/torch-fixtures.js';

const fixture = loadFixture<MhaCase>('mha.json');

describe.each(BACKENDS)('MultiHeadAttention layer on %s', (backend) => {
  it('works on symbolic inputs in tf.model: self, [query, value] and [query, value, key]', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const q = tfl.input({ shape: [5, 8] });
    const v = tfl.input({ shape: [3, 6] });
    const k = tfl.input({ shape: [3, 4] });
    const self = new MultiHeadAttention({ numHeads: 2, keyDim: 4, seed: 1 });
    const cross = new MultiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 5, outputDim: 7, seed: 2 });
    const crossKey = new MultiHeadAttention({ numHeads: 2, keyDim: 3, useBias: false, seed: 3 });
    const outs = [self.apply(q), cross.apply([q, v]), crossKey.apply([q, v, k])] as tfl.SymbolicTensor[];
    expect(outs.map((o) => o.shape)).toEqual([[null, 5, 8], [null, 5, 7], [null, 5, 8]]);
    expect(cross.weights.map((w) => w.shape)).toEqual([[8, 6], [6], [6, 6], [6], [6, 10], [10], [10, 7], [7]]);
    expect(crossKey.weights.map((w) => w.shape)).toEqual([[8, 6], [4, 6], [6, 6], [6, 8]]);

    const model = tfl.model({ inputs: [q, v, k], outputs: outs });
    const xs = [tf.randomNormal([2, 5, 8], 0, 1, 'float32', 1), tf.randomNormal([2, 3, 6], 0, 1, 'float32', 2), tf.randomNormal([2, 3, 4], 0, 1, 'float32', 3)];
    const predicted = model.predict(xs) as tf.Tensor[];
    // Eager calls give the same as the graph.
    const eager = [self.apply(xs[0]!), cross.apply([xs[0]!, xs[1]!]), crossKey.apply([xs[0]!, xs[1]!, xs[2]!])] as tf.Tensor[];
    for (let i = 0; i < 3; i++) expect(maxRelativeError(await predicted[i]!.data(), await eager[i]!.data())).toBeLessThan(1e-6);
    tf.dispose([...xs, ...predicted, ...eager]);
    model.dispose();
  });

  it.for(fixture.cases.filter((c) => !('mask' in c)).map((c) => [c.name, c] as const))(
    'matches PyTorch nn.MultiheadAttention with callWithWeights: %s', async ([, c], ctx) => {
      await backendOrSkip(ctx, backend);
      const layer = new MultiHeadAttention({
        numHeads: c.numHeads, keyDim: c.embedDim / c.numHeads, useBias: 'in_proj_bias' in c.params, causal: c.causal,
      });
      const [q, k, v] = [c.query, c.key, c.value].map(tensorOf) as [tf.Tensor, tf.Tensor, tf.Tensor];
      tf.dispose(layer.apply([q, v, k]) as tf.Tensor); // builds the layer
      const torchWeights = attentionWeightsFromTorch(c.params);
      assignLayerWeights(layer, { '': torchWeights });
      const r = layer.callWithWeights(q, v, k, { validLens: c.validLens });
      expect(maxRelativeError(await r.output.data(), c.output.data)).toBeLessThan(1e-5);
      expect(maxRelativeError(await r.weights.data(), c.weights.data)).toBeLessThan(1e-5);
      tf.dispose([q, k, v, r.output, r.weights, ...Object.values(torchWeights)]);
      layer.dispose();
    });

  it('applies dropout only when training, and does not leak', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, dropout: 0.5, seed: 4 });
    const x = tf.randomNormal([1, 4, 4], 0, 1, 'float32', 5);
    const a = layer.apply(x) as tf.Tensor;
    const b = layer.apply(x, { training: false }) as tf.Tensor;
    const c = layer.apply(x, { training: true }) as tf.Tensor;
    expect(maxRelativeError(await a.data(), await b.data())).toBe(0);
    expect(maxRelativeError(await a.data(), await c.data())).toBeGreaterThan(1e-3);
    expect(await tensorsLeakedBy(() => tf.dispose(layer.apply(x, { training: true, validLens: [3] }) as tf.Tensor))).toBe(0);
    tf.dispose([x, a, b, c]);
    layer.dispose();
  });
});

it('round-trips its config', () => {
  const layer = new MultiHeadAttention({ numHeads: 3, keyDim: 4, valueDim: 2, outputDim: 5, useBias: false, dropout: 0.1, causal: true, name: 'mha_cfg' });
  const config = layer.getConfig();
  expect(config).toMatchObject({ numHeads: 3, keyDim: 4, valueDim: 2, outputDim: 5, useBias: false, dropout: 0.1, causal: true, seed: null });
  const copy = tf.serialization.SerializationMap.getMap().classNameMap['HeedMultiHeadAttention']![1](MultiHeadAttention, config);
  expect(copy.getConfig()).toEqual(config);
});
