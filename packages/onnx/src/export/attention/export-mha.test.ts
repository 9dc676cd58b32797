import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MultiHeadAttentionWeights, multiHeadAttention } from '@heed/attention';
import { MultiHeadAttention } from '@heed/attention/layers';
import { exportMultiHeadAttention } from './export-mha.js';
import { ENGINES, expectClose, feed, int64Feed, normal, randomizeLayer, runOnnx, useCpu, worst } from './test/ort-compare.js';

const [B, N, D, H] = [2, 7, 24, 3];

/** A built, seeded Heed MultiHeadAttention layer with random weights everywhere (biases too). */
function layer(args: ConstructorParameters<typeof MultiHeadAttention>[0], shapes: number[][], seed: number): MultiHeadAttention {
  const mha = new MultiHeadAttention({ ...args, seed });
  tf.dispose(mha.apply(shapes.length === 1 ? tf.zeros(shapes[0]!) : shapes.map((s) => tf.zeros(s))) as tf.Tensor);
  randomizeLayer(mha, seed);
  return mha;
}

describe('exportMultiHeadAttention', () => {
  beforeAll(useCpu);
  afterAll(() => console.log('MHA export, max |ONNX − tfjs|:', worst));

  it.for(ENGINES)('matches the self-attention Layer, outputs and weights, at batch 2, 1 and 3 (%s)', async (engine) => {
    const mha = layer({ numHeads: H, keyDim: D / H }, [[1, N, D]], 1);
    const model = exportMultiHeadAttention(mha, { returnAttention: true });
    for (const b of [B, 1, 3]) {
      const x = normal([b, N, D], 100 + b);
      const expected = mha.callWithWeights(x);
      const got = await runOnnx(model, engine, { query: feed(x) });
      expectClose(got.output, expected.output, 'mha output');
      expectClose(got.attention, expected.weights, 'mha attention');
      tf.dispose([x, expected.output, expected.weights]);
    }
  });

  it.for(ENGINES)('matches the cross-attention Layer with other widths, valid lengths, a mask and causality (%s)', async (engine) => {
    // Memory width 10, key width 5, value width 7 per head, output width 11: nothing is square.
    const mha = layer({ numHeads: H, keyDim: 5, valueDim: 7, outputDim: 11, causal: true }, [[1, N, D], [1, 5, 10]], 2);
    const model = exportMultiHeadAttention(mha, { inputs: 'cross', returnAttention: true, validLens: 'per-batch', mask: true });
    const x = normal([B, N, D], 3), memory = normal([B, 5, 10], 4);
    const mask = tf.tidy(() => tf.greater(tf.randomUniform([B, N, 5], 0, 1, 'float32', 5), 0.2));
    const expected = mha.callWithWeights(x, memory, undefined, { validLens: [5, 2], mask });
    const got = await runOnnx(model, engine, { query: feed(x), key_value: feed(memory), valid_lens: int64Feed([5, 2]), mask: feed(mask) });
    expectClose(got.output, expected.output, 'mha output');
    expectClose(got.attention, expected.weights, 'mha attention');
    expect(got.output!.dims).toEqual([B, N, 11]);
    tf.dispose([x, memory, mask, expected.output, expected.weights]);
  });

  it('matches the functional API: separate key and value, no biases, custom scale, per-query lengths', async () => {
    const [dKey, dValue] = [6, 9];
    const weights: MultiHeadAttentionWeights = {
      wq: normal([D, 12], 11, 0.3), wk: normal([dKey, 12], 12, 0.3), wv: normal([dValue, 15], 13, 0.3), wo: normal([15, D], 14, 0.3),
    };
    const model = exportMultiHeadAttention({ weights, options: { numHeads: H, scale: 0.4 } }, { inputs: 'separate', validLens: 'per-query', returnAttention: true });
    const q = normal([B, N, D], 15), k = normal([B, 5, dKey], 16), v = normal([B, 5, dValue], 17);
    const lens = [[5, 4, 3, 2, 1, 0, 5], [1, 1, 1, 5, 5, 5, 2]];
    const expected = multiHeadAttention(q, k, v, weights, { numHeads: H, scale: 0.4, validLens: lens });
    for (const engine of ENGINES) {
      const got = await runOnnx(model, engine, { query: feed(q), key: feed(k), value: feed(v), valid_lens: int64Feed(lens) });
      expectClose(got.output, expected.output, 'mha output');
      expectClose(got.attention, expected.weights!, 'mha attention');
    }
    tf.dispose([q, k, v, expected.output, expected.weights!, ...Object.values(weights)]);
  });

  it('gives a masked key weight 0: changing it changes nothing', async () => {
    const mha = layer({ numHeads: H, keyDim: 4 }, [[1, N, D], [1, 6, D]], 3);
    const model = exportMultiHeadAttention(mha, { inputs: 'cross', validLens: 'per-batch', returnAttention: true });
    const x = normal([B, N, D], 21), memory = normal([B, 6, D], 22);
    // Keys 4 and 5 of batch 1 are padding: overwrite them with large values.
    const padded = tf.tidy(() => tf.concat([tf.slice(memory, [0, 0, 0], [1, 6, D]), tf.concat([tf.slice(memory, [1, 0, 0], [1, 4, D]), tf.fill([1, 2, D], 50)], 1)], 0));
    for (const engine of ENGINES) {
      const feeds = { query: feed(x), valid_lens: int64Feed([6, 4]) };
      const clean = await runOnnx(model, engine, { ...feeds, key_value: feed(memory) });
      const noisy = await runOnnx(model, engine, { ...feeds, key_value: feed(padded) });
      const w = noisy.attention!.data as Float32Array;
      for (let h = 0; h < H; h++) for (let i = 0; i < N; i++) for (const j of [4, 5]) expect(w[((H + h) * N + i) * 6 + j]).toBe(0);
      expect([...noisy.output!.data]).toEqual([...clean.output!.data]);
    }
    tf.dispose([x, memory, padded]);
  });

  it('leaves no tensor behind and reads a Layer as it is now', async () => {
    const mha = layer({ numHeads: H, keyDim: 8 }, [[1, N, D]], 4);
    const spec = { weights: { wq: normal([D, D], 1), wk: normal([D, D], 2), wv: normal([D, D], 3), wo: normal([D, D], 4) }, options: { numHeads: H } };
    const before = tf.memory().numTensors;
    exportMultiHeadAttention(mha, { returnAttention: true, mask: true, validLens: 'per-query' });
    exportMultiHeadAttention(spec, { causal: true });
    expect(tf.memory().numTensors).toBe(before);
    // A weight written after one export shows in the next.
    const x = normal([1, N, D], 5);
    const first = await runOnnx(exportMultiHeadAttention(mha), 'ort-node', { query: feed(x) });
    randomizeLayer(mha, 99);
    const expected = mha.callWithWeights(x);
    const second = await runOnnx(exportMultiHeadAttention(mha), 'ort-node', { query: feed(x) });
    expectClose(second.output, expected.output, 'mha output');
    expect([...second.output!.data]).not.toEqual([...first.output!.data]);
    tf.dispose([x, expected.output, expected.weights, ...Object.values(spec.weights)]);
  });

  it('refuses what it cannot export faithfully', () => {
    expect(() => exportMultiHeadAttention(new MultiHeadAttention({ numHeads: 2, keyDim: 4 }))).toThrow(/no weights yet: build it/);
    const cross = layer({ numHeads: H, keyDim: 4 }, [[1, N, D], [1, 5, 10]], 6);
    expect(() => exportMultiHeadAttention(cross)).toThrow(/self-attention needs equal query, key and value widths/);
    const w = { wq: tf.zeros([4, 6]), wk: tf.zeros([3, 6]), wv: tf.zeros([5, 6]), wo: tf.zeros([6, 4]) };
    expect(() => exportMultiHeadAttention({ weights: w, options: { numHeads: 3 } }, { inputs: 'cross' })).toThrow(/key width 3 ≠ value width 5/);
    expect(() => exportMultiHeadAttention({ weights: w, options: { numHeads: 4 } }, { inputs: 'separate' })).toThrow(/multiples of numHeads/);
    tf.dispose(Object.values(w));
  });
});
