import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, tensorsLeakedBy } from '@heed/testing';
import { type FFNActivation } from './position-wise-ffn.js';
import { type TransformerEncoderBlockWeights, transformerEncoderBlock } from './encoder-block.js';
import { type TransformerDecoderBlockWeights, transformerDecoderBlock } from './decoder-block.js';
import {
  type BlockCase, type Packed, type TorchParams, attentionWeightsFromTorch, ffnFromTorch, loadFixture, normFromTorch, tensorOf,
} from '../test/torch-fixtures.js';

const fixture = loadFixture<BlockCase>('transformer.json');

function encoderWeights(p: TorchParams): TransformerEncoderBlockWeights {
  return { attention: attentionWeightsFromTorch(p, 'self_attn.'), norm1: normFromTorch(p, 'norm1'), ffn: ffnFromTorch(p), norm2: normFromTorch(p, 'norm2') };
}

function decoderWeights(p: TorchParams): TransformerDecoderBlockWeights {
  return {
    selfAttention: attentionWeightsFromTorch(p, 'self_attn.'), norm1: normFromTorch(p, 'norm1'),
    crossAttention: attentionWeightsFromTorch(p, 'multihead_attn.'), norm2: normFromTorch(p, 'norm2'),
    ffn: ffnFromTorch(p), norm3: normFromTorch(p, 'norm3'),
  };
}

/** Every tensor inside nested weight records. */
const tensorsIn = (w: object): tf.Tensor[] =>
  Object.values(w).flatMap((v) => (v instanceof tf.Tensor ? [v] : v ? tensorsIn(v as object) : []));

function runCase(c: BlockCase, x: tf.Tensor, memory: tf.Tensor | undefined, weights: object, returnWeights = false) {
  const common = { numHeads: c.numHeads, normFirst: c.normFirst, activation: c.activation, returnWeights };
  return c.kind === 'encoder'
    ? transformerEncoderBlock(x, weights as TransformerEncoderBlockWeights, { ...common, validLens: c.validLens })
    : transformerDecoderBlock(x, memory!, weights as TransformerDecoderBlockWeights, {
      ...common, validLens: c.validLens, memoryValidLens: c.memoryValidLens,
    });
}

describe.each(BACKENDS)('Transformer blocks on %s', (backend) => {
  it.for(fixture.cases.map((c) => [c.name, c] as const))(`match PyTorch ${fixture.torch}: %s`, async ([, c], ctx) => {
    await backendOrSkip(ctx, backend);
    const weights = c.kind === 'encoder' ? encoderWeights(c.params) : decoderWeights(c.params);
    const x = tensorOf(c.x);
    const memory = c.memory ? tensorOf(c.memory) : undefined;
    const r = runCase(c, x, memory, weights);
    expect(r.output.shape).toEqual(c.output.shape);
    expect(maxRelativeError(await r.output.data(), c.output.data)).toBeLessThan(1e-5);
    tf.dispose([x, memory, r.output, ...tensorsIn(weights)]);
  });

  it('do not leak tensors, with weights returned and dropout on', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const [enc, dec] = [fixture.cases.find((c) => c.kind === 'encoder')!, fixture.cases.find((c) => c.kind === 'decoder')!];
    const [ew, dw] = [encoderWeights(enc.params), decoderWeights(dec.params)];
    const [ex, dx, mem] = [tensorOf(enc.x), tensorOf(dec.x), tensorOf(dec.memory!)];
    const leaked = await tensorsLeakedBy(() => {
      for (const normFirst of [false, true]) {
        const e = transformerEncoderBlock(ex, ew, { numHeads: 2, normFirst, validLens: [5, 2], dropout: 0.1, returnWeights: true });
        const d = transformerDecoderBlock(dx, mem, dw, { numHeads: 2, normFirst, memoryValidLens: [3, 1], dropout: 0.1, returnWeights: true });
        expect(e.weights!.shape).toEqual([2, 2, 5, 5]);
        expect(d.crossWeights!.shape).toEqual([2, 2, 5, 4]);
        tf.dispose([e.output, e.weights, d.output, d.selfWeights, d.crossWeights]);
      }
    });
    expect(leaked).toBe(0);
    tf.dispose([ex, dx, mem, ...tensorsIn(ew), ...tensorsIn(dw)]);
  });

  it('pass finite, non-zero gradients to every decoder weight', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const c = fixture.cases.find((k) => k.kind === 'decoder' && k.normFirst)!;
    const init = decoderWeights(c.params);
    const toVars = (w: object, path: string): object => Object.fromEntries(Object.entries(w).map(([n, v]) =>
      [n, v instanceof tf.Tensor ? tf.variable(v, true, `${path}/${n}`) : toVars(v as object, `${path}/${n}`)]));
    const vars = toVars(init, `decoder_${backend}`) as TransformerDecoderBlockWeights;
    const [x, memory] = [tensorOf(c.x), tensorOf(c.memory!)];
    const { value, grads } = tf.variableGrads(() =>
      tf.sum(tf.square(transformerDecoderBlock(x, memory, vars, { numHeads: 2, normFirst: true, memoryValidLens: [3, 2] }).output)) as tf.Scalar);
    expect(Object.keys(grads)).toHaveLength(tensorsIn(vars).length);
    for (const [name, g] of Object.entries(grads)) {
      const data = await g.data();
      expect(data.every(Number.isFinite), name).toBe(true);
      expect(data.some((d) => d !== 0), name).toBe(true);
    }
    tf.dispose([value, x, memory, ...Object.values(grads), ...tensorsIn(vars), ...tensorsIn(init)]);
  });
});
