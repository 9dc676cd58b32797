import { type Mat3, transformPoints } from './mat3.js';
import type { Random } from './random.js';

/**
 * How a generated cloud is posed: `'so3'` a rotation drawn uniformly from all rotations, `'up'` a
 * uniform rotation about the up axis (+y) only, `'none'` as built (up is +y).
 *
 * @example
 * ```ts
 * generateClassificationSet({ count: 100, seed: 1, rotation: 'up' }); // ModelNet-like: upright, any heading
 * ```
 */
export type RotationMode = 'so3' | 'up' | 'none';

/**
 * How {@link finishCloud} poses, perturbs and normalises one cloud.
 *
 * @example
 * ```ts
 * const options: FinishOptions = { rotation: 'none', noise: 0.005 };
 * ```
 */
export interface FinishOptions {
  /** Default `'so3'`. */
  rotation?: RotationMode;
  /** σ of the Gaussian noise added to every coordinate, in units of the unit sphere. Default 0. */
  noise?: number;
}

/**
 * Mean-centres one flat [n·3] cloud and scales it so its farthest point is at distance 1 (the
 * PointNet/PCT convention), in place. A cloud of one repeated point is only centred.
 *
 * @returns `xyz`
 * @example
 * ```ts
 * normalizeToUnitSphereInPlace(cloud); // centroid 0, max radius 1
 * ```
 */
export function normalizeToUnitSphereInPlace<A extends Float32Array | Float64Array>(xyz: A): A {
  const n = Math.floor(xyz.length / 3);
  if (n === 0) return xyz;
  let cx = 0, cy = 0, cz = 0;
  for (let i = 0; i < 3 * n; i += 3) {
    cx += xyz[i]!; cy += xyz[i + 1]!; cz += xyz[i + 2]!;
  }
  cx /= n; cy /= n; cz /= n;
  let r2 = 0;
  for (let i = 0; i < 3 * n; i += 3) {
    const x = xyz[i]! - cx, y = xyz[i + 1]! - cy, z = xyz[i + 2]! - cz;
    r2 = Math.max(r2, x * x + y * y + z * z);
  }
  const inverse = r2 > 0 ? 1 / Math.sqrt(r2) : 1;
  for (let i = 0; i < 3 * n; i += 3) {
    xyz[i] = (xyz[i]! - cx) * inverse;
    xyz[i + 1] = (xyz[i + 1]! - cy) * inverse;
    xyz[i + 2] = (xyz[i + 2]! - cz) * inverse;
  }
  return xyz;
}

/**
 * Adds independent N(0, σ²) noise to every coordinate, each clipped to [−clip, clip], in place.
 *
 * @returns `xyz`
 * @example
 * ```ts
 * addGaussianNoise(cloud, 0.01, rng, 0.05); // the PointNet jitter
 * ```
 */
export function addGaussianNoise<A extends Float32Array | Float64Array>(xyz: A, sigma: number, rng: Random, clip = Infinity): A {
  if (!(sigma >= 0 && clip >= 0)) throw new Error(`addGaussianNoise: need σ ≥ 0 and clip ≥ 0, got ${sigma}, ${clip}`);
  if (sigma === 0) return xyz;
  for (let i = 0; i < xyz.length; i++) xyz[i]! += Math.max(-clip, Math.min(clip, sigma * rng.normal()));
  return xyz;
}

/**
 * A rotation of the kind `mode` names (see {@link RotationMode}).
 *
 * @example
 * ```ts
 * const m = randomRotation('up', rng);
 * ```
 */
export function randomRotation(mode: RotationMode, rng: Random): Mat3 | undefined {
  switch (mode) {
    case 'so3': return rng.rotation();
    case 'up': return rng.rotationAboutUp();
    case 'none': return undefined;
    default: throw new Error(`unknown rotation mode '${String(mode)}' (expected 'so3', 'up' or 'none')`);
  }
}

/**
 * The last steps shared by every generated cloud, in place: normalise to the unit sphere, rotate,
 * add noise, and normalise again, so the output is exactly mean-centred with max radius 1 and the
 * noise level is relative to that size (the second normalisation, set by the noisiest point,
 * shrinks the cloud by about 1/(1 + 3σ)).
 *
 * @returns `xyz`
 * @example
 * ```ts
 * finishCloud(sample.xyz, rng, { rotation: 'up', noise: 0.01 });
 * ```
 */
export function finishCloud(xyz: Float64Array, rng: Random, options: FinishOptions = {}): Float64Array {
  normalizeToUnitSphereInPlace(xyz);
  const m = randomRotation(options.rotation ?? 'so3', rng);
  if (m) transformPoints(xyz, m);
  const noise = options.noise ?? 0;
  if (noise > 0) {
    addGaussianNoise(xyz, noise, rng);
    normalizeToUnitSphereInPlace(xyz);
  }
  return xyz;
}
