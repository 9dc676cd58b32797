import * as tf from '@tensorflow/tfjs-core';
import type { MultiHeadAttentionWeights } from '../multi-head-attention.js';
import type { LayerNormWeights } from './add-norm.js';
import type { PositionWiseFFNWeights } from './position-wise-ffn.js';
import { type AttentionMasking, type TransformerBlockOptions, attentionSublayer, feedForwardSublayer } from './sublayers.js';

/** Weights of {@link transformerDecoderBlock} (the layout of PyTorch's `nn.TransformerDecoderLayer`). */
export interface TransformerDecoderBlockWeights {
  /** Masked self-attention (`self_attn`). */
  selfAttention: MultiHeadAttentionWeights;
  /** Norm of the self-attention sublayer (`norm1`). */
  norm1: LayerNormWeights;
  /** Cross-attention over the encoder output (`multihead_attn`); wk/wv take the memory's width. */
  crossAttention: MultiHeadAttentionWeights;
  /** Norm of the cross-attention sublayer (`norm2`). */
  norm2: LayerNormWeights;
  /** Feed-forward network (`linear1`, `linear2`). */
  ffn: PositionWiseFFNWeights;
  /** Norm of the feed-forward sublayer (`norm3`). */
  norm3: LayerNormWeights;
}

/** Options of {@link transformerDecoderBlock}. */
export interface TransformerDecoderBlockOptions extends TransformerBlockOptions {
  /** Causal self-attention (position i sees targets ≤ i). Default true. */
  causal?: boolean;
  /** Target key lengths for self-attention, [B] or [B, T]. */
  validLens?: AttentionMasking['validLens'];
  /** Extra keep-mask for self-attention (shapes as in {@link MultiHeadAttentionOptions}). */
  mask?: tf.Tensor;
  /** Encoder (memory) key lengths for cross-attention, [B] or [B, T]: padded source tokens are ignored. */
  memoryValidLens?: AttentionMasking['validLens'];
  /** Extra keep-mask for cross-attention, [B, T, S] or [B, H, T, S]. */
  memoryMask?: tf.Tensor;
}

/** Output of {@link transformerDecoderBlock}. */
export interface TransformerDecoderBlockResult {
  /** [B, T, d] */
  output: tf.Tensor;
  /** Self-attention weights [B, H, T, T]; only with `returnWeights: true`. */
  selfWeights?: tf.Tensor;
  /** Cross-attention weights [B, H, T, S]; only with `returnWeights: true`. */
  crossWeights?: tf.Tensor;
}

/**
 * One Transformer decoder block: causal self-attention over the targets, cross-attention from the
 * targets to the encoder output `memory` [B, S, dMem] (masked by `memoryValidLens`), then a
 * position-wise FFN; each inside a residual connection with layer norm (post- or pre-norm).
 * Matches `nn.TransformerDecoderLayer(batch_first=True)` with a causal `tgt_mask` numerically.
 *
 * Decodes whole sequences (teacher forcing, or re-running the prefix each step); there is no
 * key/value cache for incremental decoding.
 *
 * @example
 * ```ts
 * const [d, dFF, H] = [16, 32, 4];
 * const dense = (i: number, o: number) => tf.randomNormal([i, o], 0, 0.2);
 * const attention = () => ({ wq: dense(d, d), wk: dense(d, d), wv: dense(d, d), wo: dense(d, d) });
 * const norm = () => ({ gamma: tf.ones([d]), beta: tf.zeros([d]) });
 * const weights = {
 *   selfAttention: attention(), norm1: norm(), crossAttention: attention(), norm2: norm(),
 *   ffn: { w1: dense(d, dFF), w2: dense(dFF, d) }, norm3: norm(),
 * };
 * const targets = tf.randomNormal([2, 5, d]);
 * const memory = tf.randomNormal([2, 7, d]); // encoder output
 * const { output, crossWeights } = transformerDecoderBlock(targets, memory, weights, {
 *   numHeads: H, memoryValidLens: [7, 3], returnWeights: true,
 * }); // output [2, 5, 16]; crossWeights [2, 4, 5, 7]
 * ```
 */
export function transformerDecoderBlock(
  x: tf.Tensor,
  memory: tf.Tensor,
  weights: TransformerDecoderBlockWeights,
  options: TransformerDecoderBlockOptions,
): TransformerDecoderBlockResult {
  const { causal = true, validLens, mask, memoryValidLens, memoryMask } = options;
  return tf.tidy(() => {
    const self = attentionSublayer(x, undefined, weights.selfAttention, weights.norm1, { validLens, mask, causal }, options, 0);
    const cross = attentionSublayer(self.output, memory, weights.crossAttention, weights.norm2,
      { validLens: memoryValidLens, mask: memoryMask }, options, 2);
    const output = feedForwardSublayer(cross.output, weights.ffn, weights.norm3, options, 4);
    if (!options.returnWeights) return { output };
    return { output, selfWeights: self.weights!, crossWeights: cross.weights! };
  });
}
