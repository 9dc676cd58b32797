import * as tf from '@tensorflow/tfjs-core';
import type { MultiHeadAttentionWeights } from '../multi-head-attention.js';
import type { LayerNormWeights } from './add-norm.js';
import type { PositionWiseFFNWeights } from './position-wise-ffn.js';
import { type AttentionMasking, type TransformerBlockOptions, attentionSublayer, feedForwardSublayer } from './sublayers.js';

export type { TransformerBlockOptions } from './sublayers.js';

/** Weights of {@link transformerEncoderBlock} (the layout of PyTorch's `nn.TransformerEncoderLayer`). */
export interface TransformerEncoderBlockWeights {
  /** Self-attention (`self_attn`). */
  attention: MultiHeadAttentionWeights;
  /** Norm of the attention sublayer (`norm1`). */
  norm1: LayerNormWeights;
  /** Feed-forward network (`linear1`, `linear2`). */
  ffn: PositionWiseFFNWeights;
  /** Norm of the feed-forward sublayer (`norm2`). */
  norm2: LayerNormWeights;
}

/**
 * Options of {@link transformerEncoderBlock}: the block options plus the self-attention's masking
 * (`validLens` [B] or [B, T] masks padded keys; `mask` as in {@link MultiHeadAttentionOptions}).
 */
export interface TransformerEncoderBlockOptions extends TransformerBlockOptions, AttentionMasking {}

/** Output of a Transformer block, with per-head attention weights on request. */
export interface TransformerEncoderBlockResult {
  /** [B, T, d] */
  output: tf.Tensor;
  /** Self-attention weights [B, H, T, T]; only with `returnWeights: true`. */
  weights?: tf.Tensor;
}

/**
 * One Transformer encoder block: self-attention then a position-wise FFN, each inside a residual
 * connection with layer norm, post-norm (the original, and PyTorch's default) or pre-norm
 * (`normFirst: true`). Matches `nn.TransformerEncoderLayer(batch_first=True)` numerically.
 *
 * Padded positions (≥ `validLens`) are never attended to, but still get (meaningless) outputs,
 * as in PyTorch.
 *
 * @example
 * ```ts
 * const [d, dFF, H] = [16, 32, 4];
 * const dense = (i: number, o: number) => tf.randomNormal([i, o], 0, 0.2);
 * const norm = () => ({ gamma: tf.ones([d]), beta: tf.zeros([d]) });
 * const weights = {
 *   attention: { wq: dense(d, d), wk: dense(d, d), wv: dense(d, d), wo: dense(d, d) },
 *   norm1: norm(), ffn: { w1: dense(d, dFF), w2: dense(dFF, d) }, norm2: norm(),
 * };
 * const x = tf.randomNormal([2, 6, d]);
 * const { output } = transformerEncoderBlock(x, weights, { numHeads: H, validLens: [6, 4], normFirst: true });
 * // output [2, 6, 16]
 * ```
 */
export function transformerEncoderBlock(
  x: tf.Tensor,
  weights: TransformerEncoderBlockWeights,
  options: TransformerEncoderBlockOptions,
): TransformerEncoderBlockResult {
  const { validLens, mask, causal } = options;
  return tf.tidy(() => {
    const attended = attentionSublayer(x, undefined, weights.attention, weights.norm1, { validLens, mask, causal }, options, 0);
    const output = feedForwardSublayer(attended.output, weights.ffn, weights.norm2, options, 2);
    return attended.weights ? { output, weights: attended.weights } : { output };
  });
}
