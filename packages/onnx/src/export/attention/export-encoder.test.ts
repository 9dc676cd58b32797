import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TransformerEncoderBlockWeights, sinusoidalPositionalEncoding, transformerEncoderBlock } from '@heed/attention';
import { PositionalEmbedding, TransformerDecoderBlock, TransformerEncoderBlock } from '@heed/attention/layers';
import { createOnnxSession } from '../../run/onnx-session.js';
import { type TransformerEncoderBlockSpec } from './heed-sources.js';
import { exportTransformerEncoder } from './export-encoder.js';
import { ENGINES, expectClose, feed, int64Feed, normal, randomizeLayer, runOnnx, useCpu, worst } from './test/ort-compare.js';

const [B, N, D, H, FF] = [2, 7, 24, 3, 37];

/** Two built Layer blocks, post-norm relu then pre-norm gelu, and a learned position table, all random. */
function layerStack() {
  const blocks = [
    new TransformerEncoderBlock({ numHeads: H, ffnDim: FF, seed: 1 }),
    new TransformerEncoderBlock({ numHeads: H, ffnDim: FF, normFirst: true, activation: 'gelu', epsilon: 1e-3, seed: 2 }),
  ];
  const positions = new PositionalEmbedding({ maxLen: 9, seed: 3 });
  tf.tidy(() => blocks.reduce((x, b) => b.apply(x) as tf.Tensor, positions.apply(tf.zeros([1, N, D])) as tf.Tensor));
  [positions, ...blocks].forEach((l, i) => randomizeLayer(l, 10 * i));
  return { blocks, positions };
}

/** Heed's result for the Layer stack: positions, then each block with the same masking. */
function runLayers(stack: ReturnType<typeof layerStack>, x: tf.Tensor, validLens?: number[]) {
  const weights: tf.Tensor[] = [];
  let h = stack.positions.apply(x) as tf.Tensor;
  for (const block of stack.blocks) {
    const r = block.callWithWeights(h, { validLens });
    h.dispose();
    h = r.output;
    weights.push(r.weights);
  }
  return { output: h, weights };
}

/** A functional encoder block's weights, seeded. */
function blockWeights(seed: number, ff: number): TransformerEncoderBlockWeights {
  const dense = (i: number, o: number, s: number) => normal([i, o], seed + s, 0.25);
  const vec = (n: number, s: number, mean = 0) => tf.tidy(() => tf.add(normal([n], seed + s, 0.3), mean));
  return {
    attention: { wq: dense(D, D, 0), bq: vec(D, 1), wk: dense(D, D, 2), bk: vec(D, 3), wv: dense(D, D, 4), bv: vec(D, 5), wo: dense(D, D, 6), bo: vec(D, 7) },
    norm1: { gamma: vec(D, 8, 1), beta: vec(D, 9) },
    ffn: { w1: dense(D, ff, 10), b1: vec(ff, 11), w2: dense(ff, D, 12), b2: vec(D, 13) },
    norm2: { gamma: vec(D, 14, 1), beta: vec(D, 15) },
  };
}

const tensorsOf = (w: object): tf.Tensor[] => Object.values(w).flatMap((v) => (v instanceof tf.Tensor ? [v] : tensorsOf(v as object)));

describe('exportTransformerEncoder', () => {
  beforeAll(useCpu);
  afterAll(() => console.log('Transformer encoder export, max |ONNX − tfjs|:', worst));

  it.for(ENGINES)('matches a stack of Layer blocks with learned positions and valid lengths, at any batch and length (%s)', async (engine) => {
    const stack = layerStack();
    const model = exportTransformerEncoder(stack.blocks, { positions: stack.positions, validLens: 'per-batch', returnAttention: true });
    for (const [b, n, lens] of [[B, N, [7, 4]], [1, N, [5]], [3, 5, [5, 1, 3]]] as const) {
      const x = normal([b, n, D], 50 + b);
      const expected = runLayers(stack, x, [...lens]);
      const got = await runOnnx(model, engine, { input: feed(x), valid_lens: int64Feed([...lens]) });
      expectClose(got.output, expected.output, 'encoder output');
      expected.weights.forEach((w, i) => expectClose(got[`attention_${i + 1}`], w, 'encoder attention'));
      // Padded keys get weight 0 in every block.
      for (const name of ['attention_1', 'attention_2']) {
        const w = got[name]!.data as Float32Array;
        for (let bi = 0; bi < b; bi++) for (let r = 0; r < H * n; r++) for (let j = lens[bi]!; j < n; j++) {
          expect(w[(bi * H * n + r) * n + j]).toBe(0);
        }
      }
      tf.dispose([x, expected.output, ...expected.weights]);
    }
  });

  it('matches functional blocks: causal, a mask input, sinusoidal positions, custom ε', async () => {
    const specs: TransformerEncoderBlockSpec[] = [
      { weights: blockWeights(100, FF), options: { numHeads: H, normFirst: true, epsilon: 1e-4, causal: true } },
      { weights: blockWeights(200, 16), options: { numHeads: 4, activation: 'gelu', causal: true } },
      { weights: blockWeights(300, FF), options: { numHeads: 2 } }, // not causal: its own keep-mask
    ];
    const table = sinusoidalPositionalEncoding(11, D);
    const model = exportTransformerEncoder(specs, { positions: table, mask: true, returnAttention: true });
    const x = normal([B, N, D], 7);
    const mask = tf.tidy(() => tf.greater(tf.randomUniform([B, N, N], 0, 1, 'float32', 8), 0.3));
    const expected = tf.tidy(() => {
      let h = tf.add(x, tf.slice(table, [0, 0], [N, D]));
      const weights: tf.Tensor[] = [];
      for (const { weights: w, options } of specs) {
        const r = transformerEncoderBlock(h, w, { ...options, mask, returnWeights: true });
        h = r.output;
        weights.push(r.weights!);
      }
      return { output: h, weights };
    });
    for (const engine of ENGINES) {
      const got = await runOnnx(model, engine, { input: feed(x), mask: feed(mask) });
      expectClose(got.output, expected.output, 'encoder output');
      expected.weights.forEach((w, i) => expectClose(got[`attention_${i + 1}`], w, 'encoder attention'));
      const first = got.attention_1!.data as Float32Array; // causal: nothing above the diagonal
      for (let r = 0; r < B * H; r++) for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) expect(first[(r * N + i) * N + j]).toBe(0);
    }
    tf.dispose([x, mask, table, expected.output, ...expected.weights, ...specs.flatMap((s) => tensorsOf(s.weights))]);
  });

  it('exports one block without positions or masks; names its outputs; leaks nothing', async () => {
    const block = new TransformerEncoderBlock({ numHeads: H, ffnDim: FF, causal: true, seed: 5 });
    tf.dispose(block.apply(tf.zeros([1, N, D])) as tf.Tensor);
    randomizeLayer(block, 5);
    const before = tf.memory().numTensors;
    const model = exportTransformerEncoder(block);
    exportTransformerEncoder([block, block], { returnAttention: true, validLens: 'per-query', mask: true, causal: false });
    expect(tf.memory().numTensors).toBe(before);

    const session = await createOnnxSession(model, { engine: 'ort-node' });
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['output']);
    await session.release();
    const x = normal([3, N, D], 6);
    const expected = block.callWithWeights(x);
    expectClose((await runOnnx(model, 'ort-wasm', { input: feed(x) })).output, expected.output, 'encoder output');
    tf.dispose([x, expected.output, expected.weights]);
  });

  it('refuses mismatched widths and unbuilt blocks', () => {
    const specs = [blockWeights(1, 8)].map((weights) => ({ weights, options: { numHeads: H } }));
    const wide = tf.zeros([4, D + 1]);
    expect(() => exportTransformerEncoder(specs, { positions: wide })).toThrow(/position table width 25 ≠ model width 24/);
    expect(() => exportTransformerEncoder(new TransformerEncoderBlock({ numHeads: H, ffnDim: 8 }))).toThrow(/no weights yet/);
    expect(() => exportTransformerEncoder([])).toThrow(/no blocks/);
    const decoder = new TransformerDecoderBlock({ numHeads: H, ffnDim: 8 });
    tf.dispose(decoder.apply([tf.zeros([1, N, D]), tf.zeros([1, 5, D])]) as tf.Tensor);
    expect(() => exportTransformerEncoder(decoder as unknown as TransformerEncoderBlock)).toThrow(/not an encoder block, it lacks attention/);
    tf.dispose([wide, ...specs.flatMap((s) => tensorsOf(s.weights))]);
  });
});
