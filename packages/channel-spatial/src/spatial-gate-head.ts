/**
 * What CBAM's image and point spatial gates share after their linear map: optional bias, optional
 * batch norm, sigmoid. Their weights, options and results have one shape too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type BatchNormOptions, type BatchNormWeights, type BatchStats, batchNormalize } from './batch-norm.js';
import { tidyObject } from './tidy-object.js';

/**
 * Weights of a spatial gate. `kernel` is the learned linear map from the [max, mean] descriptors
 * to one logit: a conv filter [k, k, 2, 1] for images, a Dense kernel [2k, 1] for points.
 */
export interface SpatialGateWeights {
  kernel: tf.Tensor;
  /** [1]; attention-module's gate has none (its conv is followed by BN). */
  bias?: tf.Tensor1D;
  /** Present = normalise the logit (attention-module's default). Each tensor [1]. */
  batchNorm?: BatchNormWeights;
}

/** Options of a spatial gate: BN mode and ε (see {@link batchNormalize}). */
export type SpatialGateOptions = BatchNormOptions;

/** A spatial gate's attention map and, in BN training mode, the batch statistics it used. */
export interface SpatialGateResult {
  /** Sigmoid gate per position: [B, H, W] or [B, N], values in (0, 1). */
  map: tf.Tensor;
  batchStats?: BatchStats;
}

/**
 * Logits [..., 1] → gate [...]: adds the bias, normalises, applies the sigmoid, drops the last axis.
 *
 * @example
 * ```ts
 * spatialGateHead(tf.zeros([2, 4, 4, 1]), { kernel, bias: tf.tensor1d([0]) }).map; // 0.5 everywhere
 * ```
 */
export function spatialGateHead(logits: tf.Tensor, weights: SpatialGateWeights, options: SpatialGateOptions = {}): SpatialGateResult {
  return tidyObject(() => {
    let z = weights.bias ? tf.add(logits, weights.bias) : logits;
    let batchStats: BatchStats | undefined;
    if (weights.batchNorm) ({ output: z, batchStats } = batchNormalize(z, weights.batchNorm, options));
    const map = tf.squeeze(tf.sigmoid(z), [z.rank - 1]);
    const result: SpatialGateResult = { map };
    if (batchStats) result.batchStats = batchStats;
    return result;
  });
}
