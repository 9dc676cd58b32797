/**
 * The contract between @heed/attention and a backend package: a kernel registered under
 * FusedScaledDotProductAttention runs when weights are not requested, and trains through the
 * gradient registered by name. A plain-JS streaming kernel stands in for the WGSL one here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeError, useBackend } from '@heed/testing';
import { scaledDotProductAttention } from '../scaled-dot-product-attention.js';
import { FusedScaledDotProductAttention, type FusedAttentionAttrs } from './kernel-names.js';

let calls = 0;

/** Online-softmax attention in float64 JS, one query row at a time (no Tq×Tk buffer). */
function streamingAttention(backend: tf.KernelBackend, inputs: tf.NamedTensorInfoMap, attrs: FusedAttentionAttrs) {
  calls++;
  const read = (name: string) => backend.readSync(inputs[name]!.dataId) as Float32Array | Int32Array;
  const [bh, tq, d] = inputs.q!.shape as [number, number, number];
  const tk = inputs.k!.shape[1]!, dv = inputs.v!.shape[2]!;
  const q = read('q'), k = read('k'), v = read('v'), lengths = read('keyLengths');
  const out = new Float32Array(bh * tq * dv);
  for (let s = 0; s < bh; s++) {
    for (let i = 0; i < tq; i++) {
      let max = -Infinity, sum = 0;
      const acc = new Float64Array(dv);
      const last = Math.min(lengths[s]!, attrs.causal ? i + 1 : tk);
      for (let j = 0; j < last; j++) {
        let score = 0;
        for (let c = 0; c < d; c++) score += q[(s * tq + i) * d + c]! * k[(s * tk + j) * d + c]!;
        score *= attrs.scale;
        const newMax = Math.max(max, score);
        const rescale = Math.exp(max - newMax), p = Math.exp(score - newMax);
        sum = sum * rescale + p;
        for (let c = 0; c < dv; c++) acc[c] = acc[c]! * rescale + p * v[(s * tk + j) * dv + c]!;
        max = newMax;
      }
      for (let c = 0; c < dv; c++) out[(s * tq + i) * dv + c] = sum > 0 ? acc[c]! / sum : 0;
    }
  }
  const dataId = backend.write(out, [bh, tq, dv], 'float32');
  return { dataId, shape: [bh, tq, dv], dtype: 'float32' as const };
}

describe('fused scaled-dot-product attention dispatch', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    tf.registerKernel({
      kernelName: FusedScaledDotProductAttention,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend, attrs }) =>
        streamingAttention(backend as tf.KernelBackend, inputs, attrs as unknown as FusedAttentionAttrs),
    });
  });
  afterAll(() => tf.unregisterKernel(FusedScaledDotProductAttention, 'cpu'));

  const q = () => tf.tensor(Array.from({ length: 2 * 3 * 5 * 4 }, (_, i) => Math.sin(i * 1.3)), [2, 3, 5, 4]);
  const k = () => tf.tensor(Array.from({ length: 2 * 3 * 6 * 4 }, (_, i) => Math.cos(i * 0.7)), [2, 3, 6, 4]);
  const v = () => tf.tensor(Array.from({ length: 2 * 3 * 6 * 2 }, (_, i) => Math.sin(i * 0.4 + 1)), [2, 3, 6, 2]);
  const optionSets = [{}, { causal: true }, { validLens: [4, 0] }, { validLens: [6, 2], causal: true }];

  it('runs the registered kernel only when weights are not requested, with the composed result', async () => {
    for (const opts of optionSets) {
      calls = 0;
      const composed = scaledDotProductAttention(q(), k(), v(), opts);
      expect(calls).toBe(0);
      const fused = scaledDotProductAttention(q(), k(), v(), { ...opts, returnWeights: false });
      expect(calls).toBe(1);
      expect(fused.weights).toBeUndefined();
      expect(maxRelativeError(await fused.output.data(), await composed.output.data())).toBeLessThan(1e-5);
    }
  });

  it('falls back to the composed path for masks the kernel cannot express', () => {
    calls = 0;
    const mask = tf.tensor([true, false, true, true, false, true], [1, 1, 1, 6], 'bool');
    scaledDotProductAttention(q(), k(), v(), { mask, returnWeights: false });
    scaledDotProductAttention(q(), k(), v(), { validLens: [[1, 2, 3, 4, 5], [1, 1, 1, 1, 1]], returnWeights: false });
    expect(calls).toBe(0);
  });

  it('trains: gradients through the fused kernel equal those of the composed path', async () => {
    for (const opts of optionSets) {
      const loss = (returnWeights: boolean) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
        const { output } = scaledDotProductAttention(a, b, c, { ...opts, returnWeights });
        return tf.sum(tf.mul(output, tf.reshape(tf.linspace(-1, 1, output.size), output.shape)));
      };
      calls = 0;
      const fused = tf.grads(loss(false))([q(), k(), v()]);
      expect(calls).toBeGreaterThan(0);
      const composed = tf.grads(loss(true))([q(), k(), v()]);
      for (let i = 0; i < 3; i++) {
        expect(maxRelativeError(await fused[i]!.data(), await composed[i]!.data())).toBeLessThan(1e-5);
      }
    }
  });
});
