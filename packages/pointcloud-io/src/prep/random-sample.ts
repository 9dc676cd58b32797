import { pointCount, selectPoints } from '../point-cloud.js';
import type { PointCloud } from '../types.js';
import { createRng } from './rng.js';
import { asCloud, checkNotEmpty, checkSampleSize, type SampleResult } from './sample-result.js';

/**
 * Options for {@link randomSample}.
 *
 * @example
 * ```ts
 * randomSample(cloud, 1024, { seed: 1 });
 * ```
 */
export interface RandomSampleOptions {
  /** PRNG seed (default 0): the same seed gives the same sample everywhere. */
  seed?: number;
}

/**
 * Uniform random resampling to `n` points, deterministic for a seed: without replacement when
 * the cloud has at least `n` points (partial Fisher–Yates); otherwise every point once, shuffled,
 * plus `n − N` drawn with replacement (`replaced: true`).
 *
 * @example
 * ```ts
 * import { randomSample } from '@heed/pointcloud-io';
 * const { cloud, replaced } = randomSample(scan, 2048, { seed: 42 });
 * ```
 */
export function randomSample(input: PointCloud | Float32Array, n: number, options: RandomSampleOptions = {}): SampleResult {
  const cloud = asCloud(input);
  const total = pointCount(cloud);
  checkSampleSize(n, 'randomSample');
  checkNotEmpty(total, 'randomSample');
  const rng = createRng(options.seed ?? 0);
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  const k = Math.min(n, total);
  for (let s = 0; s < k; s++) {
    const j = s + Math.floor(rng() * (total - s));
    const t = order[s];
    order[s] = order[j];
    order[j] = t;
  }
  const indices = new Uint32Array(n);
  indices.set(order.subarray(0, k));
  for (let s = k; s < n; s++) indices[s] = Math.floor(rng() * total);
  return { cloud: selectPoints(cloud, indices), indices, replaced: n > total };
}
