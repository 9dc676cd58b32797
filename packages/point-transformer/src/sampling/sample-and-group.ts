import * as tf from '@tensorflow/tfjs-core';
import { farthestPointSample } from './farthest-point-sample.js';
import { gatherRows } from './gather-rows.js';
import { kNearestNeighbours } from './k-nearest-neighbours.js';
import { checkPoints } from './point-tensors.js';

/** What {@link sampleAndGroup} returns (all tensors owned by the caller). */
export interface GroupedPoints {
  /** Centre coordinates [B, S, 3]. */
  newXyz: tf.Tensor3D;
  /** [B, S, K, 2D]: per neighbour, concat[neighbour feature − centre feature, centre feature]. */
  grouped: tf.Tensor4D;
  /** int32 [B, S]: which input points are the centres. */
  centres: tf.Tensor2D;
  /** int32 [B, S, K]: each centre's neighbours (indices into N), nearest first. */
  neighbours: tf.Tensor3D;
}

/**
 * PCT's `sample_and_group(npoint, nsample, xyz, points)` (reference port `util.py`): farthest
 * point sampling picks `npoint` centres, each centre's `nsample` nearest points (itself included)
 * form its group, and every neighbour's feature becomes
 * concat[neighbour feature − centre feature, centre feature]. The reference passes a radius too;
 * it is unused there (kNN, not ball query) and omitted here.
 *
 * `npoint: 'all'` keeps every point as a centre in input order (no sampling) — what the
 * segmentation network needs. Differentiable in `points`; not in `xyz` (indices are discrete).
 *
 * @param xyz [B, N, 3]
 * @param points features [B, N, D]
 * @example
 * ```ts
 * const xyz = tf.randomUniform([2, 1024, 3]) as tf.Tensor3D;
 * const feats = tf.randomNormal([2, 1024, 64]) as tf.Tensor3D;
 * const { newXyz, grouped } = sampleAndGroup(512, 32, xyz, feats); // [2, 512, 3], [2, 512, 32, 128]
 * ```
 */
export function sampleAndGroup(npoint: number | 'all', nsample: number, xyz: tf.Tensor3D, points: tf.Tensor3D): GroupedPoints {
  const [b, n] = checkPoints('sampleAndGroup', 'xyz', xyz);
  if (points.rank !== 3 || points.shape[0] !== b || points.shape[1] !== n) {
    throw new Error(`sampleAndGroup: points must be [${b}, ${n}, D] to match xyz [${xyz.shape}], got [${points.shape}]`);
  }
  return tf.tidy(() => {
    const { newXyz, centres, neighbours } = sampleAndGroupIndices(npoint, nsample, xyz);
    const centreFeatures = tf.expandDims(gatherRows(points, centres), 2); // [B, S, 1, D]
    const neighbourFeatures = gatherRows(points, neighbours); // [B, S, K, D]
    const grouped = tf.concat([
      tf.sub(neighbourFeatures, centreFeatures),
      tf.tile(centreFeatures, [1, 1, nsample, 1]),
    ], 3) as tf.Tensor4D;
    return { newXyz, grouped, centres, neighbours };
  });
}

/** The index half of {@link sampleAndGroup}: centres, their coordinates and their neighbours. */
export type GroupIndices = Omit<GroupedPoints, 'grouped'>;

/**
 * The sampling and neighbour search of {@link sampleAndGroup} without gathering features: FPS
 * centres (or every point for `'all'`), their xyz, and each centre's `nsample` nearest points.
 * Lets a consumer gather projected features instead of raw ones (see `LocalOp.applyIndexed`).
 *
 * @example
 * ```ts
 * const { newXyz, centres, neighbours } = sampleAndGroupIndices(512, 32, xyz); // [B,512,3], [B,512], [B,512,32]
 * ```
 */
export function sampleAndGroupIndices(npoint: number | 'all', nsample: number, xyz: tf.Tensor3D): GroupIndices {
  const [b, n] = checkPoints('sampleAndGroup', 'xyz', xyz);
  return tf.tidy(() => {
    const centres = npoint === 'all'
      ? tf.tile(tf.reshape(tf.range(0, n, 1, 'int32'), [1, n]), [b, 1]) as tf.Tensor2D
      : farthestPointSample(xyz, npoint);
    const newXyz = gatherRows(xyz, centres) as tf.Tensor3D;
    const neighbours = kNearestNeighbours(newXyz, xyz, nsample);
    return { newXyz, centres, neighbours };
  });
}
