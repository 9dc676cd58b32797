import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients (see register-gradients notes)
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, tensorsLeakedBy } from '@heed/testing';
import { type MultiHeadAttentionWeights, multiHeadAttention } from './multi-head-attention.js';
import {
  type MhaCase, type Packed, type TorchParams, attentionWeightsFromTorch, loadFixture, tensorOf,
} from './test/torch-fixtures.js';

const fixture = loadFixture<MhaCase>('mha.json');

function randomWeights(dq: number, dkv: number, h: number, kd: number, vd: number, dOut: number): MultiHeadAttentionWeights {
  const r = (shape: number[]) => tf.randomNormal(shape, 0, 0.5, 'float32', 3);
  return {
    wq: r([dq, h * kd]), bq: r([h * kd]), wk: r([dkv, h * kd]), bk: r([h * kd]),
    wv: r([dkv, h * vd]), bv: r([h * vd]), wo: r([h * vd, dOut]), bo: r([dOut]),
  };
}

describe.each(BACKENDS)('multiHeadAttention on %s', (backend) => {
  it.for(fixture.cases.map((c) => [c.name, c] as const))(`matches PyTorch ${fixture.torch} nn.MultiheadAttention: %s`, async ([, c], ctx) => {
    await backendOrSkip(ctx, backend);
    const weights = attentionWeightsFromTorch(c.params);
    const [q, k, v] = [c.query, c.key, c.value].map(tensorOf) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const mask = c.mask ? tf.cast(tensorOf(c.mask), 'bool') : undefined;
    const opts = { numHeads: c.numHeads, validLens: c.validLens, causal: c.causal, mask };
    const r = multiHeadAttention(q, k, v, weights, opts);
    expect(r.output.shape).toEqual(c.output.shape);
    expect(r.weights!.shape).toEqual(c.weights.shape);
    expect(maxRelativeError(await r.output.data(), c.output.data)).toBeLessThan(1e-5);
    expect(maxRelativeError(await r.weights!.data(), c.weights.data)).toBeLessThan(1e-5);
    // Without weights (the path a fused kernel may take) the output is the same.
    const lean = multiHeadAttention(q, k, v, weights, { ...opts, returnWeights: false });
    expect(lean.weights).toBeUndefined();
    expect(maxRelativeError(await lean.output.data(), c.output.data)).toBeLessThan(1e-5);
    tf.dispose([q, k, v, mask, r.output, r.weights, lean.output, ...Object.values(weights)]);
  });

  it('does not leak tensors', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const w = randomWeights(6, 5, 2, 3, 4, 7);
    const x = tf.randomNormal([2, 3, 6]);
    const mem = tf.randomNormal([2, 4, 5]);
    const mask = tf.cast(tf.randomUniform([2, 3, 4], 0, 2, 'int32'), 'bool');
    const leaked = await tensorsLeakedBy(() => {
      const r = multiHeadAttention(x, mem, mem, w, { numHeads: 2, validLens: [4, 2], mask, causal: true });
      tf.dispose([r.output, r.weights!]);
    });
    expect(leaked).toBe(0);
    tf.dispose([x, mem, mask, ...Object.values(w)]);
  });

  it('gives finite, non-zero gradients for every weight', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const init = randomWeights(6, 5, 2, 3, 4, 7);
    const vars = Object.fromEntries(Object.entries(init).map(([n, t]) => [n, tf.variable(t as tf.Tensor, true, `mha_${backend}_${n}`)]));
    const x = tf.randomNormal([2, 3, 6], 0, 1, 'float32', 1);
    const mem = tf.randomNormal([2, 4, 5], 0, 1, 'float32', 2);
    const target = tf.randomNormal([2, 3, 7], 0, 1, 'float32', 4);
    const { value, grads } = tf.variableGrads(() => {
      const { output } = multiHeadAttention(x, mem, mem, vars as unknown as MultiHeadAttentionWeights, {
        numHeads: 2, validLens: [4, 3], returnWeights: false,
      });
      return tf.mean(tf.square(tf.sub(output, target))) as tf.Scalar;
    });
    expect(Number.isFinite((await value.data())[0])).toBe(true);
    expect(Object.keys(grads).sort()).toEqual(Object.values(vars).map((v) => v.name).sort());
    for (const [name, g] of Object.entries(grads)) {
      const data = await g.data();
      expect(data.every(Number.isFinite), name).toBe(true);
      expect(data.some((d) => d !== 0), name).toBe(true);
    }
    tf.dispose([value, x, mem, target, ...Object.values(grads), ...Object.values(vars), ...Object.values(init)]);
  });

  it('rejects widths that do not split into heads', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const w = randomWeights(4, 4, 1, 3, 3, 4);
    const x = tf.zeros([1, 2, 4]);
    expect(() => multiHeadAttention(x, x, x, w, { numHeads: 2 })).toThrow(/multiples of numHeads/);
    tf.dispose([x, ...Object.values(w)]);
  });
});
