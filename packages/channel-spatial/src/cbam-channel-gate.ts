/** CBAM's channel gate (Woo et al., 2018; attention-module's `ChannelGate`). */
import * as tf from '@tensorflow/tfjs-core';
import { assertFeatureMap, globalAvgPool, globalMaxPool } from './channels.js';
import { type MlpWeights, sharedMlpSum } from './mlp.js';

/**
 * `sigmoid(mlp(avgPool(x)) + mlp(maxPool(x)))`: the average- and max-pooled descriptors go through
 * ONE shared MLP (run as a single stacked pass, see {@link sharedMlpSum}). [B, ...positions, C] →
 * [B, C]. attention-module's MLP has biases.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 16, 16, 64]);
 * const gate = cbamChannelGate(x, mlpWeights); // [2, 64] in (0, 1)
 * ```
 */
export function cbamChannelGate(x: tf.Tensor, weights: MlpWeights): tf.Tensor2D {
  assertFeatureMap(x, 'cbamChannelGate');
  return tf.tidy(() => tf.sigmoid(sharedMlpSum([globalAvgPool(x), globalMaxPool(x)], weights)));
}
