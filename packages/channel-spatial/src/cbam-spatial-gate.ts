/** CBAM's spatial gate for images (attention-module's `SpatialGate`). */
import * as tf from '@tensorflow/tfjs-core';
import { channelMax, channelMean } from './channels.js';
import { tidyObject } from './tidy-object.js';
import { type SpatialGateOptions, type SpatialGateResult, type SpatialGateWeights, spatialGateHead } from './spatial-gate-head.js';

/**
 * `sigmoid(BN(conv_k×k([max_c x, mean_c x])))` on [B, H, W, C] → map [B, H, W]. The conv maps the
 * two descriptor channels to one logit with zero 'same' padding (k − 1)/2, like attention-module's
 * 7×7 padding 3; `weights.kernel` is its filter [k, k, 2, 1] (PyTorch's `conv.weight.permute(2, 3,
 * 1, 0)`), k odd. BN (optional) uses running statistics unless `options.training`.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 16, 16, 64]);
 * const bn = { gamma: tf.ones([1]), beta: tf.zeros([1]), movingMean: tf.zeros([1]), movingVariance: tf.ones([1]) };
 * const { map } = cbamSpatialGate(x, { kernel: tf.randomNormal([7, 7, 2, 1]), batchNorm: bn });
 * // map [2, 16, 16]
 * ```
 */
export function cbamSpatialGate(x: tf.Tensor, weights: SpatialGateWeights, options: SpatialGateOptions = {}): SpatialGateResult {
  const { kernel } = weights;
  if (x.rank !== 4) throw new Error(`cbamSpatialGate: expected [B, H, W, C], got shape [${x.shape}]`);
  const [kh, kw, inChannels, outChannels] = kernel.shape;
  if (kernel.rank !== 4 || kh !== kw || kh! % 2 !== 1 || inChannels !== 2 || outChannels !== 1) {
    throw new Error(`cbamSpatialGate: kernel must be [k, k, 2, 1] with k odd, got [${kernel.shape}]`);
  }
  return tidyObject(() => {
    // conv(concat[max, mean], K) = conv(max, K[:, :, 0]) + conv(mean, K[:, :, 1]).
    const [kMax, kMean] = tf.split(kernel, 2, 2) as [tf.Tensor4D, tf.Tensor4D];
    const conv = (descriptor: tf.Tensor, k: tf.Tensor4D) => tf.conv2d(tf.expandDims(descriptor, -1) as tf.Tensor4D, k, 1, 'same');
    const logits = tf.add(conv(channelMax(x), kMax), conv(channelMean(x), kMean));
    return spatialGateHead(logits, weights, options);
  });
}
