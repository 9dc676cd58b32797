import { PointCloudError } from '../errors.js';
import type { PointCloud } from '../types.js';

/**
 * What a resampler returns: the resampled cloud, the source index of each of its points, and
 * whether some points had to be used more than once (the source had fewer points than asked).
 *
 * @example
 * ```ts
 * const { cloud, indices, replaced } = farthestPointSample(input, 1024);
 * if (replaced) console.warn(`only ${input.positions.length / 3} points; some repeat`);
 * ```
 */
export interface SampleResult {
  cloud: PointCloud;
  indices: Uint32Array;
  replaced: boolean;
}

/** Accepts a cloud or bare xyz positions. */
export function asCloud(input: PointCloud | Float32Array): PointCloud {
  return input instanceof Float32Array ? { positions: input } : input;
}

/** Checks a requested sample size. */
export function checkSampleSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new PointCloudError('invalid-argument', `${what}: sample size must be a positive integer, got ${n}`, { fileName: '<argument>' });
  }
}

/** Throws for a cloud without points. */
export function checkNotEmpty(count: number, what: string): void {
  if (count === 0) throw new PointCloudError('empty', `${what}: the cloud has no points`, { fileName: '<argument>' });
}
