/**
 * Efficient Channel Attention (Wang et al., 2020; BangguWu/ECANet `eca_layer`): global average
 * pool → 1-D conv of odd size k across channels (no bias, zero 'same' padding) → sigmoid →
 * rescale channels. Images [B, H, W, C] and points [B, N, C].
 */
import * as tf from '@tensorflow/tfjs-core';
import { type ChannelAttentionResult, assertFeatureMap, globalAvgPool, scaleChannels } from './channels.js';

/**
 * ECA's adaptive kernel size, exactly as the reference code computes it:
 * `t = int(abs((log2(C) + b) / γ))`, `k = t` if t is odd else `t + 1`.
 *
 * @example
 * ```ts
 * ecaKernelSize(64);   // 3
 * ecaKernelSize(256);  // 5
 * ecaKernelSize(2048); // 7
 * ```
 */
export function ecaKernelSize(channels: number, gamma = 2, b = 1): number {
  if (!(channels >= 1)) throw new Error(`ecaKernelSize: channels must be ≥ 1, got ${channels}`);
  const t = Math.trunc(Math.abs((Math.log2(channels) + b) / gamma));
  return t % 2 === 1 ? t : t + 1;
}

/** Weights of an ECA block. */
export interface EcaWeights {
  /** [k], k odd: PyTorch's `conv.weight.reshape(-1)` (cross-correlation, as PyTorch's Conv1d). */
  kernel: tf.Tensor1D;
}

/**
 * ECA block with explicit weights.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 32, 32, 64]);
 * const { output, channelWeights } = eca(x, { kernel: tf.randomNormal([ecaKernelSize(64)]) as tf.Tensor1D });
 * // output [2, 32, 32, 64]; channelWeights [2, 64]
 * ```
 */
export function eca(x: tf.Tensor, weights: EcaWeights): ChannelAttentionResult {
  assertFeatureMap(x, 'eca');
  const { kernel } = weights;
  const k = kernel.shape[0]!;
  if (kernel.rank !== 1 || k % 2 !== 1) throw new Error(`eca: kernel must be [k] with k odd, got [${kernel.shape}]`);
  return tf.tidy(() => {
    const pooled = globalAvgPool(x);
    const [b, c] = pooled.shape;
    const conv = tf.conv1d(tf.reshape(pooled, [b, c, 1]) as tf.Tensor3D, tf.reshape(kernel, [k, 1, 1]), 1, 'same');
    const channelWeights = tf.reshape(tf.sigmoid(conv), [b, c]) as tf.Tensor2D;
    return { output: scaleChannels(x, channelWeights), channelWeights };
  });
}
