import { addGaussianNoise } from './cloud.js';
import { transformPoints } from './mat3.js';
import type { ParamRange } from './params.js';
import { type Random, toRandom } from './random.js';

/**
 * Options of {@link augmentPointClouds}; every step can be switched off with `false`.
 *
 * @example
 * ```ts
 * const pctOnly: AugmentOptions = { points: 1024, jitter: false, shuffle: true }; // PCT's reference recipe
 * ```
 */
export interface AugmentOptions {
  /** Points per cloud (N); the array holds length / (3N) clouds. */
  points: number;
  /** Each cloud's x, y and z are each multiplied by a factor uniform in this range. Default [2/3, 3/2]. */
  scale?: ParamRange | false;
  /** Each cloud is then moved by a vector with components uniform in [−t, t]. Default 0.2. */
  translate?: number | false;
  /** Then every coordinate gets N(0, σ²) noise clipped to ±clip. Default { sigma: 0.01, clip: 0.05 }. */
  jitter?: { sigma: number; clip: number } | false;
  /** First rotate each cloud about the up axis (+y) by an angle uniform in [0, 2π). Default false. */
  rotateUp?: boolean;
  /** Finally shuffle the order of each cloud's points (PCT does). Default false. */
  shuffle?: boolean;
  /** [B·N] per-point labels (part labels) to permute along with the points when shuffling. */
  pointLabels?: Int32Array;
}

/**
 * Training-time augmentation of a [B·N·3] batch, IN PLACE (returns the same array; copy first to
 * keep the original). Per cloud, in this order: rotation about +y (optional), anisotropic scale
 * (each axis uniform in [2/3, 3/2]), translation (uniform in [−0.2, 0.2] per axis), jitter
 * (σ = 0.01 clipped at ±0.05, per coordinate), point shuffle (optional). The scale and translation
 * are PCT's reference `translate_pointcloud`; jitter and up-axis rotation are PointNet's
 * `jitter_point_cloud` and `rotate_point_cloud` (y is up, as in ModelNet and ShapeNet-part).
 * Deterministic for a given seed or generator state.
 *
 * @example
 * ```ts
 * const batch = train.points.slice(0, 32 * 1024 * 3);  // a copy: augmentation is in place
 * augmentPointClouds(batch, rng, { points: 1024, rotateUp: true });
 * ```
 */
export function augmentPointClouds(xyz: Float32Array, rng: Random | number, options: AugmentOptions): Float32Array {
  const n = options.points;
  if (!(Number.isInteger(n) && n > 0) || xyz.length % (3 * n) !== 0) {
    throw new Error(`augmentPointClouds: ${xyz.length} coordinates is not a whole number of clouds of ${n} points`);
  }
  const batch = xyz.length / (3 * n);
  if (options.pointLabels && options.pointLabels.length !== batch * n) {
    throw new Error(`augmentPointClouds: pointLabels has ${options.pointLabels.length} entries, expected ${batch * n}`);
  }
  const scale = options.scale ?? [2 / 3, 3 / 2];
  const translate = options.translate ?? 0.2;
  const jitter = options.jitter ?? { sigma: 0.01, clip: 0.05 };
  const random = toRandom(rng);
  for (let b = 0; b < batch; b++) {
    const cloud = xyz.subarray(3 * n * b, 3 * n * (b + 1));
    if (options.rotateUp) transformPoints(cloud, random.rotationAboutUp());
    if (scale !== false || translate !== false) {
      const s = [0, 1, 2].map(() => (scale === false ? 1 : random.uniform(scale[0], scale[1])));
      const t = [0, 1, 2].map(() => (translate === false ? 0 : random.uniform(-translate, translate)));
      for (let i = 0; i < 3 * n; i++) cloud[i] = cloud[i]! * s[i % 3]! + t[i % 3]!;
    }
    if (jitter !== false) addGaussianNoise(cloud, jitter.sigma, random, jitter.clip);
    if (options.shuffle) shufflePoints(cloud, options.pointLabels?.subarray(n * b, n * (b + 1)), random);
  }
  return xyz;
}

/** Fisher–Yates over whole xyz triples (and their labels). */
function shufflePoints(cloud: Float32Array, labels: Int32Array | undefined, rng: Random): void {
  for (let i = cloud.length / 3 - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    for (let k = 0; k < 3; k++) {
      const t = cloud[3 * i + k]!;
      cloud[3 * i + k] = cloud[3 * j + k]!;
      cloud[3 * j + k] = t;
    }
    if (labels) {
      const t = labels[i]!;
      labels[i] = labels[j]!;
      labels[j] = t;
    }
  }
}
