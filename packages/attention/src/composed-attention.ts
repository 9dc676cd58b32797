import * as tf from '@tensorflow/tfjs-core';
import { prefersSlices, sliceBatch } from './batched-matmul.js';
import { maskedSoftmax } from './masked-softmax.js';

/** What {@link composedAttention} needs beyond Q, K, V: everything already resolved. */
export interface ComposedAttentionParams {
  scale: number;
  /** Boolean keep-mask broadcastable to [..., Tq, Tk], or undefined. */
  keep?: tf.Tensor;
  dropout?: number;
  seed?: number;
  returnWeights: boolean;
}

/**
 * softmax(scale·Q Kᵀ, masked) V from tfjs ops, for [..., T, d] inputs with matching leading dims.
 *
 * On wasm, when {@link prefersSlices} says so, every batch×head slice runs its own 2-D pipeline
 * (the [Tq, Tk] scores stay slice-sized); elsewhere one batched pipeline runs. Q is scaled before
 * the product, which is cheaper than scaling the scores.
 */
export function composedAttention(
  q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, p: ComposedAttentionParams,
): { output: tf.Tensor; weights?: tf.Tensor } {
  return tf.tidy(() => {
    const lead = q.shape.slice(0, -2);
    const [tq, d] = q.shape.slice(-2) as [number, number];
    const tk = k.shape[k.rank - 2]!, dv = v.shape[v.rank - 1]!;
    const slices = lead.reduce((x, y) => x * y, 1);
    const q3 = tf.reshape(tf.mul(q, p.scale), [slices, tq, d]);
    const kT3 = tf.transpose(tf.reshape(k, [slices, tk, d]), [0, 2, 1]);
    const v3 = tf.reshape(v, [slices, tk, dv]);
    const keep3 = p.keep ? tf.reshape(tf.broadcastTo(p.keep, [...lead, tq, tk]), [slices, tq, tk]) : undefined;

    const perSlice = prefersSlices(slices, tq, tk);
    const split = (t: tf.Tensor | undefined) => (t === undefined ? undefined : perSlice ? sliceBatch(t) : [t]);
    const [qs, kTs, vs, keeps] = [split(q3)!, split(kT3)!, split(v3)!, split(keep3)];
    const outputs: tf.Tensor[] = [];
    const weights: tf.Tensor[] = [];
    qs.forEach((qi, i) => {
      const w = maskedSoftmax(tf.matMul(qi, kTs[i]!), { mask: keeps?.[i] });
      const pooled = p.dropout ? tf.dropout(w, p.dropout, undefined, p.seed) : w;
      outputs.push(tf.matMul(pooled, vs[i]!));
      if (p.returnWeights) weights.push(w);
    });
    const join = (parts: tf.Tensor[]) => (perSlice ? tf.stack(parts) : parts[0]!);
    const output = tf.reshape(join(outputs), [...lead, tq, dv]);
    if (!p.returnWeights) return { output };
    return { output, weights: tf.reshape(join(weights), [...lead, tq, tk]) };
  });
}
