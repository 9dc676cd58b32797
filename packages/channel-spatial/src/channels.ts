/**
 * Channel-wise building blocks shared by SE, CBAM and ECA: global pools over the positions of a
 * channels-last feature map, per-position channel descriptors, and the two broadcasts that apply
 * an attention map. Feature maps are [B, H, W, C] (images) or [B, N, C] (points); any rank ≥ 3
 * works, every axis between the first and the last being a position axis.
 *
 * Why not plain `tf.mean(x, [1, 2])` and `tf.mul(x, gate)` (measured on [8, 32, 32, 64], 2-core
 * x86, tfjs 4.22; see bench/blocks.bench.mjs):
 * - tf.mean/tf.max over non-innermost axes transpose first: 32 ms on cpu, 1.0 ms on wasm. A pool
 *   whose window is the whole map reads `x` in place: 1.6 ms and 0.1 ms.
 * - tfjs-cpu multiplies by a broadcast operand through a per-element index computation (92 ms
 *   for [B, 1, 1, C], 65 ms for [B, H, W, 1]) but has fast paths for a lower-rank operand and for
 *   matMul (7 ms and 4.5 ms below). wasm and webgpu broadcast natively (1.4 ms on wasm) and keep
 *   the plain multiply.
 * - So {@link channelMax} and {@link channelMean} are separate: the image spatial gate convolves
 *   each and sums rather than interleaving them into [B, H, W, 2] (a stack along the last axis
 *   costs 3 ms on wasm, more than the conv).
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
  return tf.tidy(() => {
    const [b, p, c] = poolShape(x);
    return tf.reshape(tf.avgPool(tf.reshape(x, [b, p, 1, c]) as tf.Tensor4D, [p, 1], [p, 1], 'valid'), [b, c]);
  });
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
  return tf.tidy(() => {
    const [b, p, c] = poolShape(x);
    return tf.reshape(tf.maxPool(tf.reshape(x, [b, p, 1, c]) as tf.Tensor4D, [p, 1], [p, 1], 'valid'), [b, c]);
  });
}

/** [B, positions, C] of a feature map. */
function poolShape(x: tf.Tensor): [number, number, number] {
  const b = x.shape[0]!, c = x.shape[x.rank - 1]!;
  return [b, x.size / (b * c), c];
}

/**
 * Per position, the maximum over channels (the first of CBAM's `ChannelPool` descriptors):
 * [B, ...positions, C] → [B, ...positions].
 *
 * @example
 * ```ts
 * channelMax(tf.tensor3d([[[1, 3], [2, 2]]])).arraySync(); // [[3, 2]]
 * ```
 */
export function channelMax(x: tf.Tensor): tf.Tensor {
  return tf.max(x, -1);
}

/**
 * Per position, the mean over channels (the second of CBAM's `ChannelPool` descriptors):
 * [B, ...positions, C] → [B, ...positions]. On cpu as a matMul with a 1/C column (tfjs-cpu's
 * mean over the last axis is ~6× slower than that matMul).
 *
 * @example
 * ```ts
 * channelMean(tf.tensor3d([[[1, 3], [2, 2]]])).arraySync(); // [[2, 2]]
 * ```
 */
export function channelMean(x: tf.Tensor): tf.Tensor {
  if (tf.getBackend() !== 'cpu') return tf.mean(x, -1);
  return tf.tidy(() => {
    const c = x.shape[x.rank - 1]!;
    return tf.reshape(tf.matMul(tf.reshape(x, [-1, c]), tf.fill([c, 1], 1 / c)), x.shape.slice(0, -1));
  });
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
    if (tf.getBackend() !== 'cpu') return tf.mul(x, tf.reshape(weights, [b, ...positionAxes(x).map(() => 1), c]));
    // cpu: one multiply per example by a [C] vector (the lower-rank fast path).
    const rows = tf.unstack(weights);
    return tf.stack(tf.unstack(x).map((xi, i) => tf.mul(xi, rows[i]!)));
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
  return tf.tidy(() => {
    if (tf.getBackend() !== 'cpu') return tf.mul(x, tf.expandDims(map, -1));
    // cpu: [P, 1, 1] × [P, 1, C] batched matMul instead of a broadcast multiply.
    const c = x.shape[x.rank - 1]!, p = map.size;
    return tf.reshape(tf.matMul(tf.reshape(map, [p, 1, 1]), tf.reshape(x, [p, 1, c])), x.shape);
  });
}

/** A channel-attention block's output and the per-channel gate that produced it. */
export interface ChannelAttentionResult {
  /** `x` rescaled per channel; same shape as `x`. */
  output: tf.Tensor;
  /** Sigmoid gate per example and channel: [B, C], values in (0, 1). */
  channelWeights: tf.Tensor2D;
}
