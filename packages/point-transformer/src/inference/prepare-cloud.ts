import { farthestPointSampleJS } from '../sampling/farthest-point-sample.js';
import { IDENTITY_TRANSFORM, toNormalised, type UnitSphereTransform, unitSphereTransform } from './unit-sphere.js';

/**
 * The number of points the PCT family is trained on (the reference port's ModelNet40 setting).
 *
 * @example
 * ```ts
 * prepareCloud(positions, { numPoints: MODEL_POINTS }).points.length; // 3072
 * ```
 */
export const MODEL_POINTS = 1024;

/**
 * Options of {@link prepareCloud}.
 *
 * @example
 * ```ts
 * prepareCloud(fixturePoints, { normalize: false }); // fed exactly as PyTorch got them
 * ```
 */
export interface PrepareOptions {
  /** Points the model takes. Default {@link MODEL_POINTS}. */
  numPoints?: number;
  /**
   * Mean-centre and scale to the unit sphere (default true). Turn it off only for clouds that are
   * already in the frame the weights expect (e.g. a fixture fed to PyTorch as is).
   */
  normalize?: boolean;
}

/**
 * A cloud ready for the model, and how to get back to the input.
 *
 * @example
 * ```ts
 * const { points, sourceIndices, transform, replaced } = prepareCloud(positions);
 * if (replaced) console.warn('fewer points than the model takes: some repeated');
 * ```
 */
export interface PreparedCloud {
  /** The model's input, flat xyz [numPoints·3] in the normalised frame. */
  points: Float32Array;
  /** For each model point, the index of the input point it is; identity when not resampled. */
  sourceIndices: Int32Array;
  /** Normalised = (input − center) / scale; the identity without normalisation. */
  transform: UnitSphereTransform;
  /** Points in the input cloud. */
  inputCount: number;
  /** Whether the input was resampled (its count differed from `numPoints`). */
  resampled: boolean;
  /** Whether the input had fewer than `numPoints` points, so some are repeated. */
  replaced: boolean;
}

/**
 * Prepares a cloud (flat xyz) as the PCT models expect it, following PointNet++'s ModelNet
 * loader: resample, then normalise.
 *
 * 1. Resampling, only when the point count differs from `numPoints`: farthest point sampling
 *    (pointnet2 semantics: start at index 0, float32 squared distances, ties → lowest index — the
 *    same FPS the network uses inside). With fewer points than `numPoints`, every point is taken in
 *    FPS order and the sequence repeated cyclically (`replaced`). A cloud that already has
 *    `numPoints` points is neither resampled nor reordered.
 * 2. Normalisation (unless `normalize: false`): mean-centre and scale to the unit sphere over the
 *    model's points, as @heed/pointcloud-io's `normalizeToUnitSphere` (idempotent: an already
 *    normalised cloud is passed through bit for bit).
 *
 * @example
 * ```ts
 * const prepared = prepareCloud(cloud.positions);                 // 1024 points, unit sphere
 * const { logits } = model.predict(tf.tensor3d(prepared.points, [1, prepared.points.length / 3, 3]));
 * ```
 */
export function prepareCloud(positions: Float32Array, options: PrepareOptions = {}): PreparedCloud {
  const numPoints = options.numPoints ?? MODEL_POINTS;
  if (!Number.isInteger(numPoints) || numPoints < 1) throw new Error(`prepareCloud: numPoints must be a positive integer, got ${numPoints}`);
  if (positions.length % 3 !== 0) throw new Error(`prepareCloud: expected flat xyz, got ${positions.length} numbers`);
  const inputCount = positions.length / 3;
  if (inputCount === 0) throw new Error('prepareCloud: the cloud has no points');
  const resampled = inputCount !== numPoints;
  let sourceIndices: Int32Array;
  let sample: Float32Array;
  if (!resampled) {
    sourceIndices = Int32Array.from({ length: numPoints }, (_, i) => i);
    sample = positions;
  } else {
    const order = farthestPointSampleJS(positions, 1, inputCount, Math.min(numPoints, inputCount));
    sourceIndices = new Int32Array(numPoints);
    for (let s = 0; s < numPoints; s++) sourceIndices[s] = order[s % order.length]!;
    sample = new Float32Array(3 * numPoints);
    for (let s = 0; s < numPoints; s++) sample.set(positions.subarray(3 * sourceIndices[s]!, 3 * sourceIndices[s]! + 3), 3 * s);
  }
  const transform = options.normalize === false ? IDENTITY_TRANSFORM : unitSphereTransform(sample);
  const points = toNormalised(sample, transform); // the identity copies exactly: (p − 0) / 1 = p
  return { points, sourceIndices, transform, inputCount, resampled, replaced: inputCount < numPoints };
}
