import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaledDotProductAttention } from '@heed/attention';
import { createOnnxSession } from '../../run/onnx-session.js';
import { exportScaledDotProductAttention } from './export-sdpa.js';
import { ENGINES, expectClose, feed, int64Feed, normal, runOnnx, useCpu, worst } from './test/ort-compare.js';

const [H, D, DV] = [3, 8, 6];

/** q, k, v [B, H, N, d] from one seed. */
function qkv(b: number, nq: number, nk: number, seed: number, heads = H) {
  return { q: normal([b, heads, nq, D], seed), k: normal([b, heads, nk, D], seed + 1), v: normal([b, heads, nk, DV], seed + 2) };
}

describe('exportScaledDotProductAttention', () => {
  beforeAll(useCpu);
  afterAll(() => console.log('SDPA export, max |ONNX − tfjs|:', worst));

  it.for(ENGINES)('matches Heed without masks, cross lengths and every batch size (%s)', async (engine) => {
    const model = exportScaledDotProductAttention({ keyDim: D, valueDim: DV });
    for (const [b, heads] of [[2, H], [1, H], [3, 2]] as const) {
      const { q, k, v } = qkv(b, 7, 5, 10 * b + heads, heads);
      const expected = scaledDotProductAttention(q, k, v);
      const got = await runOnnx(model, engine, { query: feed(q), key: feed(k), value: feed(v) });
      expectClose(got.output, expected.output, 'sdpa output');
      expectClose(got.attention, expected.weights!, 'sdpa attention');
      tf.dispose([q, k, v, expected.output, expected.weights!]);
    }
  });

  it.for(ENGINES)('masks like Heed: causal, per-batch valid lengths, a mask input, a fully masked row (%s)', async (engine) => {
    const model = exportScaledDotProductAttention({ keyDim: D, valueDim: DV, numHeads: H, causal: true, validLens: 'per-batch', mask: true });
    const { q, k, v } = qkv(3, 7, 7, 5);
    const lens = [7, 3, 0];
    const mask = tf.tidy(() => tf.greater(tf.randomUniform([3, 1, 7, 7], 0, 1, 'float32', 9), 0.25)); // broadcast over heads
    const expected = scaledDotProductAttention(q, k, v, { causal: true, validLens: lens, mask });
    const got = await runOnnx(model, engine, { query: feed(q), key: feed(k), value: feed(v), valid_lens: int64Feed(lens), mask: feed(mask) });
    expectClose(got.output, expected.output, 'sdpa output');
    expectClose(got.attention, expected.weights!, 'sdpa attention');

    const w = got.attention!.data as Float32Array, keep = mask.dataSync();
    for (let b = 0; b < 3; b++) for (let h = 0; h < H; h++) for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) {
      const masked = j > i || j >= lens[b]! || !keep[(b * 7 + i) * 7 + j];
      if (masked) expect(w[((b * H + h) * 7 + i) * 7 + j], `weight [${b},${h},${i},${j}]`).toBe(0);
    }
    // Batch element 2 has no valid key: all-zero weights and output, never NaN.
    expect([...(got.output!.data as Float32Array).slice(2 * H * 7 * DV)].every((x) => x === 0)).toBe(true);
    tf.dispose([q, k, v, mask, expected.output, expected.weights!]);
  });

  it('takes per-query valid lengths and a custom scale', async () => {
    const model = exportScaledDotProductAttention({ keyDim: D, valueDim: DV, validLens: 'per-query', scale: 0.7 });
    const { q, k, v } = qkv(2, 4, 6, 21);
    const lens = [[1, 6, 3, 0], [2, 2, 5, 6]];
    const expected = scaledDotProductAttention(q, k, v, { validLens: lens, scale: 0.7 });
    for (const engine of ENGINES) {
      const got = await runOnnx(model, engine, { query: feed(q), key: feed(k), value: feed(v), valid_lens: int64Feed(lens) });
      expectClose(got.output, expected.output, 'sdpa output');
      expectClose(got.attention, expected.weights!, 'sdpa attention');
    }
    tf.dispose([q, k, v, expected.output, expected.weights!]);
  });

  it('declares its interface: names, symbolic batch, no attention output on request', async () => {
    const session = await createOnnxSession(exportScaledDotProductAttention({ keyDim: D, validLens: 'per-batch', returnAttention: false }), { engine: 'ort-node' });
    expect(session.inputNames).toEqual(['query', 'key', 'value', 'valid_lens']);
    expect(session.outputNames).toEqual(['output']);
    await session.release();
    const full = await createOnnxSession(exportScaledDotProductAttention({ keyDim: D }), { engine: 'ort-node' });
    expect(full.attentionOutputs).toEqual(['attention']);
    await full.release();
    expect(() => exportScaledDotProductAttention({ keyDim: 0 })).toThrow(/keyDim must be a positive integer/);
    const before = tf.memory().numTensors;
    exportScaledDotProductAttention({ keyDim: D, causal: true, mask: true, validLens: 'per-query' });
    expect(tf.memory().numTensors).toBe(before);
  });
});
