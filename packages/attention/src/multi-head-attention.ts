import * as tf from '@tensorflow/tfjs-core';
import { linear } from './linear.js';
import { type AttentionOptions, type AttentionResult, scaledDotProductAttention } from './scaled-dot-product-attention.js';

/**
 * Projection weights of {@link multiHeadAttention}, laid out for `y = x W + b` ([in, out]; the
 * transpose of PyTorch's `nn.Linear.weight`). Heads are contiguous column blocks: head h of the
 * query projection is columns `h·keyDim … (h+1)·keyDim − 1` of `wq`. Biases are optional.
 */
export interface MultiHeadAttentionWeights {
  /** [dQuery, H·keyDim] */
  wq: tf.Tensor;
  /** [H·keyDim] */
  bq?: tf.Tensor;
  /** [dKey, H·keyDim] */
  wk: tf.Tensor;
  /** [H·keyDim] */
  bk?: tf.Tensor;
  /** [dValue, H·valueDim] */
  wv: tf.Tensor;
  /** [H·valueDim] */
  bv?: tf.Tensor;
  /** [H·valueDim, dOut] */
  wo: tf.Tensor;
  /** [dOut] */
  bo?: tf.Tensor;
}

/** Options of {@link multiHeadAttention}: those of scaled-dot-product attention plus the head count. */
export interface MultiHeadAttentionOptions extends AttentionOptions {
  /** Number of heads H; the projected widths must be multiples of it. */
  numHeads: number;
  /**
   * Boolean keep-mask (`true` = may attend), one of:
   * - [B, Tq, Tk] (or [1, Tq, Tk]): per batch element, shared by every head;
   * - [B|1, H|1, Tq, Tk]: per head;
   * - [Tq, Tk]: one pattern for everything.
   *
   * Combined (logical and) with `validLens` and `causal`.
   */
  mask?: tf.Tensor;
}

/**
 * Multi-head attention (Vaswani et al. 2017): project query, key and value per head, attend in
 * every head with {@link scaledDotProductAttention} (so a backend's fused kernel applies when
 * `returnWeights` is false and no mask tensor or dropout is given), concatenate the heads and
 * project with `wo`.
 *
 * Self-attention passes the same tensor three times; cross-attention may give key/value a
 * different length Tk and different feature sizes than the query. `validLens` ([B] or [B, Tq])
 * masks keys at positions ≥ the length, in every head. Scores are scaled by 1/√keyDim unless
 * `scale` says otherwise. Returns `output` [B, Tq, dOut] and, unless `returnWeights: false`,
 * the per-head `weights` [B, H, Tq, Tk]. Differentiable.
 *
 * @example
 * ```ts
 * const [B, Tq, Tk, dModel, dMem, H, dh] = [2, 5, 7, 16, 12, 4, 4];
 * const w = {
 *   wq: tf.randomNormal([dModel, H * dh]), wk: tf.randomNormal([dMem, H * dh]),
 *   wv: tf.randomNormal([dMem, H * dh]), wo: tf.randomNormal([H * dh, dModel]),
 * };
 * const x = tf.randomNormal([B, Tq, dModel]);
 * const memory = tf.randomNormal([B, Tk, dMem]);
 * const { output, weights } = multiHeadAttention(x, memory, memory, w, { numHeads: H, validLens: [7, 3] });
 * // output [2, 5, 16]; weights [2, 4, 5, 7], zero on keys 3..6 of batch 1
 * ```
 */
export function multiHeadAttention(
  query: tf.Tensor,
  key: tf.Tensor,
  value: tf.Tensor,
  weights: MultiHeadAttentionWeights,
  options: MultiHeadAttentionOptions,
): AttentionResult {
  const { numHeads, mask, ...attention } = options;
  checkShapes(query, key, value, weights, numHeads);
  return tf.tidy(() => {
    const q = splitHeads(linear(query, weights.wq, weights.bq), numHeads);
    const k = splitHeads(linear(key, weights.wk, weights.bk), numHeads);
    const v = splitHeads(linear(value, weights.wv, weights.bv), numHeads);
    // A [B, Tq, Tk] mask is per batch element: give it a unit head axis so it broadcasts over heads
    // (right-aligned broadcasting would otherwise read B as H).
    const headMask = mask?.rank === 3 ? tf.expandDims(mask, 1) : mask;
    const result = scaledDotProductAttention(q, k, v, { ...attention, mask: headMask });
    const output = linear(mergeHeads(result.output), weights.wo, weights.bo);
    return result.weights ? { output, weights: result.weights } : { output };
  });
}

/** [B, T, H·d] → [B, H, T, d] */
function splitHeads(x: tf.Tensor, numHeads: number): tf.Tensor {
  const [b, t, width] = x.shape as [number, number, number];
  return tf.transpose(tf.reshape(x, [b, t, numHeads, width / numHeads]), [0, 2, 1, 3]);
}

/** [B, H, T, d] → [B, T, H·d] */
function mergeHeads(x: tf.Tensor): tf.Tensor {
  const [b, h, t, d] = x.shape as [number, number, number, number];
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, t, h * d]);
}

function checkShapes(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, w: MultiHeadAttentionWeights, numHeads: number): void {
  const where = 'multiHeadAttention';
  if (q.rank !== 3 || k.rank !== 3 || v.rank !== 3) {
    throw new Error(`${where}: query, key, value must be [B, T, d]; got [${q.shape}], [${k.shape}], [${v.shape}]`);
  }
  if (q.shape[0] !== k.shape[0] || k.shape[0] !== v.shape[0] || k.shape[1] !== v.shape[1]) {
    throw new Error(`${where}: batch or key length mismatch: query [${q.shape}], key [${k.shape}], value [${v.shape}]`);
  }
  if (!Number.isInteger(numHeads) || numHeads < 1) throw new Error(`${where}: numHeads must be a positive integer, got ${numHeads}`);
  const qkWidth = w.wq.shape[1]!, vWidth = w.wv.shape[1]!;
  if (w.wk.shape[1] !== qkWidth) throw new Error(`${where}: wq [${w.wq.shape}] and wk [${w.wk.shape}] differ in width`);
  if (qkWidth % numHeads !== 0 || vWidth % numHeads !== 0) {
    throw new Error(`${where}: widths of wq (${qkWidth}) and wv (${vWidth}) must be multiples of numHeads (${numHeads})`);
  }
  if (w.wo.shape[0] !== vWidth) throw new Error(`${where}: wo [${w.wo.shape}] must have ${vWidth} rows (width of wv)`);
}
