/**
 * The two residual sublayers every Transformer block is made of (attention, feed-forward), with
 * the options they share, so the encoder and decoder blocks differ only in how they chain them.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type MultiHeadAttentionOptions, type MultiHeadAttentionWeights, multiHeadAttention } from '../multi-head-attention.js';
import type { AttentionResult } from '../scaled-dot-product-attention.js';
import { type LayerNormWeights, residualSublayer } from './add-norm.js';
import { type FFNActivation, type PositionWiseFFNWeights, positionWiseFFN } from './position-wise-ffn.js';

/** Options shared by {@link transformerEncoderBlock} and {@link transformerDecoderBlock}. */
export interface TransformerBlockOptions {
  /** Attention heads per attention sublayer. */
  numHeads: number;
  /** Pre-norm (`x + f(LN(x))`) when true; post-norm (`LN(x + f(x))`, the default) when false. */
  normFirst?: boolean;
  /** Feed-forward activation; default 'relu'. */
  activation?: FFNActivation;
  /**
   * Dropout rate (training only; pass 0 or omit at inference), applied where PyTorch's Transformer
   * layers apply it: attention weights, each sublayer output, and after the FFN activation.
   */
  dropout?: number;
  /** Seeds the dropout masks (each site gets `seed + i`), for reproducible training. */
  seed?: number;
  /** LayerNorm ε; default 1e-5. */
  epsilon?: number;
  /** Also return the per-head attention weights. Default false, which lets fused kernels run. */
  returnWeights?: boolean;
}

/** Masking of one attention sublayer. */
export type AttentionMasking = Pick<MultiHeadAttentionOptions, 'validLens' | 'mask' | 'causal'>;

/**
 * Attention (self when `memory` is undefined, else over `memory`) inside a residual connection.
 * `site` numbers the dropout sites of a block so each gets its own seed.
 *
 * @example
 * ```ts
 * const { output, weights } = attentionSublayer(x, encoderOut, w.crossAttention, w.norm2,
 *   { validLens: sourceLens }, { numHeads: 4, returnWeights: true }, 2);
 * ```
 */
export function attentionSublayer(
  x: tf.Tensor,
  memory: tf.Tensor | undefined,
  weights: MultiHeadAttentionWeights,
  norm: LayerNormWeights,
  masking: AttentionMasking,
  block: TransformerBlockOptions,
  site: number,
): AttentionResult {
  const { numHeads, dropout, returnWeights = false } = block;
  // Pre-norm normalises the queries only: the memory is the (already final-normed) encoder output.
  const attend = (h: tf.Tensor) => multiHeadAttention(h, memory ?? h, memory ?? h, weights, {
    numHeads, ...masking, dropout, seed: seedAt(block, site), returnWeights,
  });
  return residualSublayer(x, attend, norm, residualOptions(block, site + 1));
}

/**
 * The position-wise feed-forward network inside a residual connection.
 *
 * @example
 * ```ts
 * const y = feedForwardSublayer(x, w.ffn, w.norm2, { numHeads: 4, activation: 'gelu', normFirst: true }, 2);
 * ```
 */
export function feedForwardSublayer(
  x: tf.Tensor,
  weights: PositionWiseFFNWeights,
  norm: LayerNormWeights,
  block: TransformerBlockOptions,
  site: number,
): tf.Tensor {
  const { activation, dropout } = block;
  const feed = (h: tf.Tensor) => ({ output: positionWiseFFN(h, weights, { activation, dropout, seed: seedAt(block, site) }) });
  return residualSublayer(x, feed, norm, residualOptions(block, site + 1)).output;
}

function residualOptions(block: TransformerBlockOptions, site: number) {
  return { normFirst: block.normFirst, dropout: block.dropout, epsilon: block.epsilon, seed: seedAt(block, site) };
}

const seedAt = ({ seed }: TransformerBlockOptions, site: number) => (seed === undefined ? undefined : seed + site);
