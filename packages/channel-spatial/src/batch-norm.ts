/**
 * Batch normalisation of the single-channel pre-activation of a spatial gate, with PyTorch's
 * semantics (attention-module's BasicConv: `BatchNorm2d(eps=1e-5, momentum=0.01, affine=True)`).
 *
 * - Inference (`training` false, the default): normalise with the running statistics.
 * - Training: normalise with this batch's mean and biased variance over every position of every
 *   example, and report them so the caller can move the running statistics
 *   ({@link movingStatsAfter}).
 */
import * as tf from '@tensorflow/tfjs-core';
import { tidyObject } from './tidy-object.js';

/**
 * The default ε, as PyTorch's and attention-module's.
 *
 * @example
 * ```ts
 * batchNormalize(z, bn, { epsilon: BATCH_NORM_EPSILON }); // the default spelled out
 * ```
 */
export const BATCH_NORM_EPSILON = 1e-5;

/**
 * The default momentum in PyTorch's convention (weight of the new batch), as attention-module's
 * BasicConv. Keras/tfjs `BatchNormalization({ momentum })` means `1 − momentum` of this.
 *
 * @example
 * ```ts
 * movingStatsAfter(bn, stats, BATCH_NORM_MOMENTUM); // moving ← 0.99·moving + 0.01·batch
 * ```
 */
export const BATCH_NORM_MOMENTUM = 0.01;

/** BN parameters, each [channels] (1 for a spatial gate). gamma/beta absent = not affine. */
export interface BatchNormWeights {
  gamma?: tf.Tensor1D;
  beta?: tf.Tensor1D;
  movingMean: tf.Tensor1D;
  movingVariance: tf.Tensor1D;
}

/** How to normalise. */
export interface BatchNormOptions {
  /** Use this batch's statistics instead of the running ones. Default false. */
  training?: boolean;
  /** Added to the variance. Default {@link BATCH_NORM_EPSILON}. */
  epsilon?: number;
}

/** The statistics a training-mode normalisation used. */
export interface BatchStats {
  /** [channels] */
  mean: tf.Tensor1D;
  /** [channels], biased (divided by `count`), as used for normalising. */
  variance: tf.Tensor1D;
  /** How many values per channel the statistics cover. */
  count: number;
}

/** Normalised values and, in training mode, the batch statistics used. */
export interface BatchNormResult {
  output: tf.Tensor;
  batchStats?: BatchStats;
}

/**
 * Normalises `z` [..., channels] over every axis but the last.
 *
 * @example
 * ```ts
 * const bn = { movingMean: tf.tensor1d([0.5]), movingVariance: tf.tensor1d([2]) };
 * batchNormalize(tf.ones([2, 4, 4, 1]), bn).output;               // (1 − 0.5) / √(2 + 1e-5)
 * batchNormalize(tf.ones([2, 4, 4, 1]), bn, { training: true });  // zeros, batchStats.mean = [1]
 * ```
 */
export function batchNormalize(z: tf.Tensor, weights: BatchNormWeights, options: BatchNormOptions = {}): BatchNormResult {
  const epsilon = options.epsilon ?? BATCH_NORM_EPSILON;
  return tidyObject((): BatchNormResult => {
    if (!options.training) {
      const { movingMean, movingVariance, beta, gamma } = weights;
      return { output: tf.batchNorm(z, movingMean, movingVariance, beta, gamma, epsilon) };
    }
    const axes = Array.from({ length: z.rank - 1 }, (_, i) => i);
    const { mean, variance } = tf.moments(z, axes);
    const output = tf.batchNorm(z, mean, variance, weights.beta, weights.gamma, epsilon);
    const count = z.size / z.shape[z.rank - 1]!;
    return { output, batchStats: { mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D, count } };
  });
}

/**
 * Running statistics after one training step, as PyTorch updates them:
 * `moving ← (1 − momentum)·moving + momentum·batch`, with the batch variance unbiased
 * (× count/(count − 1)). Note the convention: tfjs/Keras BatchNormalization's `momentum` is
 * `1 − momentum` here.
 *
 * @example
 * ```ts
 * const next = movingStatsAfter(bn, batchStats, 0.01);
 * // next.movingMean = 0.99 · bn.movingMean + 0.01 · batchStats.mean
 * ```
 */
export function movingStatsAfter(
  weights: BatchNormWeights,
  stats: BatchStats,
  momentum = BATCH_NORM_MOMENTUM,
): { movingMean: tf.Tensor1D; movingVariance: tf.Tensor1D } {
  return tf.tidy(() => {
    const unbiased = tf.mul(stats.variance, stats.count > 1 ? stats.count / (stats.count - 1) : 1);
    const blend = (moving: tf.Tensor1D, batch: tf.Tensor) =>
      tf.add(tf.mul(moving, 1 - momentum), tf.mul(batch, momentum)) as tf.Tensor1D;
    return { movingMean: blend(weights.movingMean, stats.mean), movingVariance: blend(weights.movingVariance, unbiased) };
  });
}
