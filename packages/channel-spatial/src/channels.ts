/**
 * Channel-wise building blocks shared by SE, CBAM and ECA: global pools over the positions of a
 * channels-last feature map, per-position channel descriptors, and the two broadcasts that apply
 * an attention map. Feature maps are [B, H, W, C] (images) or [B, N, C] (points); any rank ≥ 3
 * works, every axis between the first and the last being a position axis.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Throws unless `x` is a float feature map [B, ...positions, C] with at least one position axis. */
export function assertFeatureMap(x: tf.Tensor, where: string): void {
  if (x.rank < 3) throw new Error(`${where}: expected [B, H, W, C] or [B, N, C], got shape [${x.shape}]`);
  if (x.dtype !== 'float32') throw new Error(`${where}: expected float32 features, got ${x.dtype}`);
}

/** The position axes of a feature map: 1 … rank−2. */
export function positionAxes(x: tf.Tensor): number[] {
  return Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
}

/**
 * Mean over every position: [B, ...positions, C] → [B, C] (PyTorch's `AdaptiveAvgPool2d(1)`).
 *
 * @example
 * ```ts
 * globalAvgPool(tf.ones([2, 8, 8, 16])).shape; // [2, 16]
 * ```
 */
export function globalAvgPool(x: tf.Tensor): tf.Tensor2D {
  return tf.mean(x, positionAxes(x)) as tf.Tensor2D;
}

/**
 * Maximum over every position: [B, ...positions, C] → [B, C] (`AdaptiveMaxPool2d(1)`).
 *
 * @example
 * ```ts
 * globalMaxPool(tf.randomNormal([2, 1024, 64])).shape; // [2, 64]
 * ```
 */
export function globalMaxPool(x: tf.Tensor): tf.Tensor2D {
  return tf.max(x, positionAxes(x)) as tf.Tensor2D;
}

/**
 * Per position, the maximum and the mean over channels, stacked last in that order (CBAM's
 * `ChannelPool`): [B, ...positions, C] → [B, ...positions, 2].
 *
 * @example
 * ```ts
 * channelMaxMean(tf.tensor3d([[[1, 3], [2, 2]]])).arraySync(); // [[[3, 2], [2, 2]]]
 * ```
 */
export function channelMaxMean(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.stack([tf.max(x, -1), tf.mean(x, -1)], -1));
}

/**
 * Multiplies every position of channel c in batch b by `weights[b, c]`.
 *
 * @example
 * ```ts
 * scaleChannels(tf.ones([1, 2, 2, 3]), tf.tensor2d([[0, 0.5, 1]])); // channel 0 zeroed, 1 halved
 * ```
 */
export function scaleChannels(x: tf.Tensor, weights: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const [b, c] = weights.shape;
    return tf.mul(x, tf.reshape(weights, [b, ...positionAxes(x).map(() => 1), c]));
  });
}

/**
 * Multiplies every channel at each position by `map` at that position: `map` is `x`'s shape
 * without the channel axis ([B, H, W] or [B, N]).
 *
 * @example
 * ```ts
 * scalePositions(tf.ones([1, 3, 4]), tf.tensor2d([[1, 0, 0.5]])); // point 1 zeroed, point 2 halved
 * ```
 */
export function scalePositions(x: tf.Tensor, map: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.expandDims(map, -1)));
}

/** A channel-attention block's output and the per-channel gate that produced it. */
export interface ChannelAttentionResult {
  /** `x` rescaled per channel; same shape as `x`. */
  output: tf.Tensor;
  /** Sigmoid gate per example and channel: [B, C], values in (0, 1). */
  channelWeights: tf.Tensor2D;
}
