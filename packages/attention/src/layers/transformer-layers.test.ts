import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError } from '@heed/testing';
import type { FFNActivation } from '../transformer/position-wise-ffn.js';
import { PositionalEmbedding } from './positional-embedding-layer.js';
import { TransformerDecoderBlock, TransformerEncoderBlock } from './transformer-layers.js';
import {
  type BlockCase, type Packed, type TorchParams, assignLayerWeights, attentionWeightsFromTorch, ffnFromTorch, loadFixture, normFromTorch, tensorOf,
} from '../test/torch-fixtures.js';

const fixture = loadFixture<BlockCase>('transformer.json');

/** PyTorch parameters as the layers' weight groups. */
function torchGroups(p: TorchParams): Record<string, object> {
  return {
    attention: attentionWeightsFromTorch(p, 'self_attn.'), selfAttention: attentionWeightsFromTorch(p, 'self_attn.'),
    ...('multihead_attn.in_proj_weight' in p ? { crossAttention: attentionWeightsFromTorch(p, 'multihead_attn.') } : {}),
    ffn: ffnFromTorch(p), norm1: normFromTorch(p, 'norm1'), norm2: normFromTorch(p, 'norm2'),
    ...('norm3.weight' in p ? { norm3: normFromTorch(p, 'norm3') } : {}),
  };
}

const tensorsIn = (w: object): tf.Tensor[] =>
  Object.values(w).flatMap((v) => (v instanceof tf.Tensor ? [v] : v ? tensorsIn(v as object) : []));

describe.each(BACKENDS)('Transformer block layers on %s', (backend) => {
  // The layers run the functional blocks (golden-tested in every variant); here one encoder and one
  // decoder case check that the layers wire their weights and options into them correctly.
  const cases = [fixture.cases.find((c) => c.kind === 'encoder' && c.normFirst)!, fixture.cases.find((c) => c.kind === 'decoder' && !c.normFirst)!];
  it.for(cases.map((c) => [c.name, c] as const))('match PyTorch with fixture weights: %s', async ([, c], ctx) => {
    await backendOrSkip(ctx, backend);
    const args = { numHeads: c.numHeads, ffnDim: c.params['linear1.weight']!.shape[0]!, normFirst: c.normFirst, activation: c.activation };
    const x = tensorOf(c.x);
    const memory = c.memory ? tensorOf(c.memory) : undefined;
    const groups = torchGroups(c.params);
    let output: tf.Tensor;
    if (c.kind === 'encoder') {
      const layer = new TransformerEncoderBlock(args);
      tf.dispose(layer.apply(x) as tf.Tensor);
      assignLayerWeights(layer, groups);
      const r = layer.callWithWeights(x, { validLens: c.validLens });
      expect(r.weights.shape).toEqual([2, c.numHeads, x.shape[1], x.shape[1]]);
      output = r.output;
      tf.dispose(r.weights);
    } else {
      const layer = new TransformerDecoderBlock(args);
      tf.dispose(layer.apply([x, memory!]) as tf.Tensor);
      assignLayerWeights(layer, groups);
      const r = layer.callWithWeights(x, memory!, { validLens: c.validLens, memoryValidLens: c.memoryValidLens });
      expect(r.crossWeights.shape).toEqual([2, c.numHeads, x.shape[1], memory!.shape[1]]);
      output = r.output;
      tf.dispose([r.selfWeights, r.crossWeights]);
    }
    expect(maxRelativeError(await output.data(), c.output.data)).toBeLessThan(1e-5);
    tf.dispose([x, memory, output, ...tensorsIn(groups)]);
  });

  it('build an encoder-decoder tf.model that survives a JSON round trip', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const src = tfl.input({ shape: [4, 8] });
    const tgt = tfl.input({ shape: [3, 6] });
    const encoded = new TransformerEncoderBlock({ numHeads: 2, ffnDim: 12, normFirst: true, seed: 1 })
      .apply(new PositionalEmbedding({ maxLen: 4, sinusoidal: true }).apply(src)) as tfl.SymbolicTensor;
    const positioned = new PositionalEmbedding({ maxLen: 5, seed: 2 }).apply(tgt) as tfl.SymbolicTensor;
    const decoded = new TransformerDecoderBlock({ numHeads: 3, ffnDim: 12, activation: 'gelu', seed: 3 }).apply([positioned, encoded]) as tfl.SymbolicTensor;
    expect(decoded.shape).toEqual([null, 3, 6]);
    const model = tfl.model({ inputs: [src, tgt], outputs: decoded });

    const copy = await tfl.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
    copy.setWeights(model.getWeights());
    const xs = [tf.randomNormal([2, 4, 8], 0, 1, 'float32', 4), tf.randomNormal([2, 3, 6], 0, 1, 'float32', 5)];
    const [a, b] = [model.predict(xs) as tf.Tensor, copy.predict(xs) as tf.Tensor];
    expect(a.shape).toEqual([2, 3, 6]);
    expect(maxRelativeError(await a.data(), await b.data())).toBe(0);
    const classes = (copy.layers as unknown as { getClassName(): string }[]).map((l) => l.getClassName());
    expect(classes).toEqual(expect.arrayContaining(['HeedTransformerEncoderBlock', 'HeedTransformerDecoderBlock', 'HeedPositionalEmbedding']));
    tf.dispose([...xs, a, b]);
    model.dispose();
    copy.dispose();
  });
});

it('positional embedding: learned tables train, sinusoidal ones do not, and length is checked', () => {
  const learned = new PositionalEmbedding({ maxLen: 6, seed: 1 });
  const fixed = new PositionalEmbedding({ maxLen: 6, sinusoidal: true });
  const x = tf.zeros([1, 4, 3]);
  const out = fixed.apply(x) as tf.Tensor;
  tf.dispose([learned.apply(x) as tf.Tensor]);
  expect(learned.trainableWeights.map((w) => w.shape)).toEqual([[6, 3]]);
  expect(fixed.trainableWeights).toHaveLength(0);
  expect(fixed.nonTrainableWeights.map((w) => w.shape)).toEqual([[6, 3]]);
  expect(Array.from(out.dataSync().slice(0, 6))).toEqual([0, 1, 0, Math.fround(Math.sin(1)), Math.fround(Math.cos(1)), Math.fround(Math.sin(1 / 10000 ** (2 / 3)))]);
  expect(() => fixed.apply(tf.zeros([1, 7, 3]))).toThrow(/exceeds maxLen/);
  expect(learned.getConfig()).toMatchObject({ maxLen: 6, sinusoidal: false, seed: 1 });
  tf.dispose([x, out]);
});
