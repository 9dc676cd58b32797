import * as tf from '@tensorflow/tfjs-core';
import { batchedMatMul } from './batched-matmul.js';
import { maskedSoftmax } from './masked-softmax.js';
import type { AttentionOptions, AttentionResult } from './scaled-dot-product-attention.js';
import { additiveScore, type AdditiveScoreParams } from './scoring.js';

/** Options of {@link attentionFromScores} and {@link additiveAttention}: masking, dropout, weights. */
export type ScoreAttentionOptions = Pick<AttentionOptions, 'validLens' | 'mask' | 'dropout' | 'seed' | 'returnWeights'>;

/**
 * Turns any scores [..., Tq, Tk] into attention over values [..., Tk, dv]: masked softmax →
 * optional dropout → weights·values. Returns the pooled output [..., Tq, dv] and (unless
 * `returnWeights: false`) the pre-dropout weights [..., Tq, Tk]. A query whose keys are all
 * masked gets zero weights and a zero output, never NaN. Differentiable.
 *
 * @example
 * ```ts
 * const v = tf.randomNormal([2, 7, 16]);
 * const { output, weights } = attentionFromScores(cosineScore(q, k), v, { validLens: [7, 4] });
 * // output [2, Tq, 16]; keys 4..6 of batch 1 get weight 0
 * ```
 */
export function attentionFromScores(scores: tf.Tensor, v: tf.Tensor, options: ScoreAttentionOptions = {}): AttentionResult {
  if (scores.rank < 2 || v.rank !== scores.rank) {
    throw new Error(`attentionFromScores: scores and values must share one rank ≥ 2; got [${scores.shape}], [${v.shape}]`);
  }
  if (scores.shape[scores.rank - 1] !== v.shape[v.rank - 2]) {
    throw new Error(`attentionFromScores: scores [${scores.shape}] and values [${v.shape}] disagree on the key count`);
  }
  return tf.tidy(() => {
    const weights = maskedSoftmax(scores, { validLens: options.validLens, mask: options.mask });
    const pooled = options.dropout ? tf.dropout(weights, options.dropout, undefined, options.seed) : weights;
    const output = batchedMatMul(pooled, v);
    return options.returnWeights === false ? { output } : { output, weights };
  });
}

/**
 * Additive (Bahdanau) attention: weights = masked softmax of tanh(q·Wq + k·Wk)·wv, output =
 * weights·v. Queries [..., Tq, dq] and keys [..., Tk, dk] may have different feature sizes;
 * values are [..., Tk, dv]. See {@link additiveScore} and {@link attentionFromScores}.
 *
 * @example
 * ```ts
 * const h = 8;
 * const params = { wq: tf.randomNormal([20, h]), wk: tf.randomNormal([2, h]), wv: tf.randomNormal([h]) };
 * const q = tf.randomNormal([2, 1, 20]), k = tf.ones([2, 10, 2]), v = tf.randomNormal([2, 10, 4]);
 * const { output, weights } = additiveAttention(q, k, v, params, { validLens: [2, 6] });
 * // output [2, 1, 4]; weights [2, 1, 10], uniform over the valid keys since all keys are equal
 * ```
 */
export function additiveAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  params: AdditiveScoreParams,
  options: ScoreAttentionOptions = {},
): AttentionResult {
  const scores = additiveScore(q, k, params);
  try {
    return attentionFromScores(scores, v, options);
  } finally {
    scores.dispose();
  }
}
