/** The point-cloud analogue of CBAM's spatial gate. */
import * as tf from '@tensorflow/tfjs-core';
import { channelMax, channelMean } from './channels.js';
import { tidyObject } from './tidy-object.js';
import { type SpatialGateOptions, type SpatialGateResult, type SpatialGateWeights, spatialGateHead } from './spatial-gate-head.js';

/**
 * CBAM's spatial gate on points [B, N, C] → map [B, N]. Where an image gate convolves the
 * [max, mean] channel descriptors over a k×k window, each point here takes the descriptors of its
 * k nearest neighbours (`neighbours` [B, N, k], int32 indices into N, ordered by distance — the
 * point itself usually first) and maps those 2k numbers to one logit with a linear map shared by all
 * points; then optional bias, optional BN (running statistics unless `options.training`), sigmoid.
 *
 * `weights.kernel` is [2k, 1], neighbour-major: row 2j weighs the max of neighbour j, row 2j + 1 its
 * mean (a PyTorch `nn.Linear(2k, 1)` on the flattened [k, 2] descriptors: `linear.weight.T`).
 *
 * Descriptors are computed once per point and then gathered, not gathered per neighbour over all C
 * channels and reduced (same result, C/2 times less data moved). The gather runs per example:
 * `tf.gather(…, batchDims = 1)` returns wrong values on tfjs-wasm 4.22 when B > 1, and flat indices
 * b·N + j need an int32 broadcast add that costs more than the gather on wasm.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 1024, 64]);
 * const neighbours = knnIndices; // [2, 1024, 16] int32, e.g. from @heed/point-transformer
 * const { map } = pointSpatialGate(x, neighbours, { kernel: tf.randomNormal([32, 1]) });
 * // map [2, 1024]
 * ```
 */
export function pointSpatialGate(
  x: tf.Tensor,
  neighbours: tf.Tensor,
  weights: SpatialGateWeights,
  options: SpatialGateOptions = {},
): SpatialGateResult {
  if (x.rank !== 3) throw new Error(`pointSpatialGate: expected x [B, N, C], got shape [${x.shape}]`);
  const [b, n] = x.shape as [number, number, number];
  const k = neighbours.shape[2]!;
  if (neighbours.rank !== 3 || neighbours.shape[0] !== b || neighbours.shape[1] !== n) {
    throw new Error(`pointSpatialGate: neighbours must be [${b}, ${n}, k], got [${neighbours.shape}]`);
  }
  if (weights.kernel.rank !== 2 || weights.kernel.shape[0] !== 2 * k || weights.kernel.shape[1] !== 1) {
    throw new Error(`pointSpatialGate: kernel must be [2k, 1] = [${2 * k}, 1] for k = ${k}, got [${weights.kernel.shape}]`);
  }
  return tidyObject(() => {
    const index = tf.unstack(neighbours.dtype === 'int32' ? neighbours : tf.cast(neighbours, 'int32'));
    const descriptors = tf.unstack(tf.stack([channelMax(x), channelMean(x)], -1)); // B × [N, 2]
    const gathered = tf.stack(descriptors.map((d, i) => tf.gather(d, index[i]!))); // [B, N, k, 2]
    const logits = tf.matMul(tf.reshape(gathered, [b * n, 2 * k]), weights.kernel as tf.Tensor2D);
    return spatialGateHead(tf.reshape(logits, [b, n, 1]), weights, options);
  });
}
