/**
 * CBAM (Woo et al., 2018): channel gate, then spatial gate, each rescaling the features. Images
 * [B, H, W, C] use the k×k-conv spatial gate; points [B, N, C] the k-nearest-neighbour one.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BatchStats } from './batch-norm.js';
import { assertFeatureMap, scaleChannels, scalePositions } from './channels.js';
import { cbamChannelGate } from './cbam-channel-gate.js';
import { cbamSpatialGate } from './cbam-spatial-gate.js';
import type { MlpWeights } from './mlp.js';
import { pointSpatialGate } from './point-spatial-gate.js';
import type { SpatialGateOptions, SpatialGateWeights } from './spatial-gate-head.js';
import { tidyObject } from './tidy-object.js';

/** Weights of a CBAM block. */
export interface CbamWeights {
  /** The channel gate's shared MLP (attention-module's has biases). */
  channel: MlpWeights;
  /** The spatial gate: filter [k, k, 2, 1] for images, kernel [2k, 1] for points. */
  spatial?: SpatialGateWeights;
}

/** Options of {@link cbam}. */
export interface CbamOptions extends SpatialGateOptions {
  /** Channel gate only (attention-module's `no_spatial`). Default false. */
  noSpatial?: boolean;
  /** Points only: [B, N, k] int32 indices of each point's k nearest neighbours, nearest first. */
  neighbours?: tf.Tensor;
}

/** What {@link cbam} returns. */
export interface CbamResult {
  /** Refined features, shape of `x`. */
  output: tf.Tensor;
  /** Channel gate [B, C] in (0, 1). */
  channelWeights: tf.Tensor2D;
  /** Spatial gate [B, H, W] or [B, N] in (0, 1); absent with `noSpatial`. */
  spatialMap?: tf.Tensor;
  /** The spatial BN's batch statistics, in training mode only. */
  batchStats?: BatchStats;
}

/**
 * CBAM block with explicit weights: `x₁ = x · channelGate(x)`, `output = x₁ · spatialGate(x₁)`.
 *
 * @example
 * ```ts
 * // images
 * const { output, channelWeights, spatialMap } = cbam(tf.randomNormal([2, 16, 16, 64]), {
 *   channel: { w1, b1, w2, b2 },                       // [64, 4], [4], [4, 64], [64]
 *   spatial: { kernel: tf.randomNormal([7, 7, 2, 1]), batchNorm: bn },
 * });                                                   // spatialMap [2, 16, 16]
 * // points, with 16 nearest neighbours per point
 * const r = cbam(tf.randomNormal([2, 1024, 64]), { channel, spatial: { kernel: tf.randomNormal([32, 1]) } },
 *   { neighbours });                                    // r.spatialMap [2, 1024]
 * ```
 */
export function cbam(x: tf.Tensor, weights: CbamWeights, options: CbamOptions = {}): CbamResult {
  assertFeatureMap(x, 'cbam');
  const { noSpatial = false, neighbours, ...gateOptions } = options;
  if (!noSpatial) {
    if (!weights.spatial) throw new Error('cbam: weights.spatial is required unless noSpatial');
    if (x.rank === 3 && !neighbours) throw new Error('cbam: points need options.neighbours [B, N, k] (or noSpatial)');
    if (x.rank !== 3 && x.rank !== 4) throw new Error(`cbam: expected [B, H, W, C] or [B, N, C], got [${x.shape}]`);
  }
  return tidyObject((): CbamResult => {
    const channelWeights = cbamChannelGate(x, weights.channel);
    const refined = scaleChannels(x, channelWeights);
    if (noSpatial) return { output: refined, channelWeights };
    const gate = x.rank === 4
      ? cbamSpatialGate(refined, weights.spatial!, gateOptions)
      : pointSpatialGate(refined, neighbours!, weights.spatial!, gateOptions);
    const result: CbamResult = { output: scalePositions(refined, gate.map), channelWeights, spatialMap: gate.map };
    if (gate.batchStats) result.batchStats = gate.batchStats;
    return result;
  });
}
