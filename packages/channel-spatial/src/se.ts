/**
 * Squeeze-and-Excitation (Hu et al., 2018): global average pool → FC C→C/r → ReLU → FC C/r→C →
 * sigmoid → rescale channels. Works on images [B, H, W, C] and points [B, N, C].
 */
import * as tf from '@tensorflow/tfjs-core';
import { type ChannelAttentionResult, assertFeatureMap, globalAvgPool, scaleChannels } from './channels.js';
import { type MlpWeights, bottleneckMlp } from './mlp.js';

/**
 * SE block with explicit weights (see {@link MlpWeights}; biases optional — the common PyTorch
 * port, senet.pytorch, has none). The hidden width is whatever `w1` has
 * (usually {@link bottleneckWidth}`(C, 16)`).
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 32, 32, 64]);
 * const weights = { w1: tf.randomNormal([64, 4]) as tf.Tensor2D, w2: tf.randomNormal([4, 64]) as tf.Tensor2D };
 * const { output, channelWeights } = squeezeExcitation(x, weights);
 * // output [2, 32, 32, 64]; channelWeights [2, 64] in (0, 1)
 * ```
 */
export function squeezeExcitation(x: tf.Tensor, weights: MlpWeights): ChannelAttentionResult {
  assertFeatureMap(x, 'squeezeExcitation');
  return tf.tidy(() => {
    const channelWeights = tf.sigmoid(bottleneckMlp(globalAvgPool(x), weights));
    return { output: scaleChannels(x, channelWeights), channelWeights };
  });
}
