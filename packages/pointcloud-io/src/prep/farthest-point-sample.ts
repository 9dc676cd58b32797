import { PointCloudError } from '../errors.js';
import { pointCount, selectPoints } from '../point-cloud.js';
import type { PointCloud } from '../types.js';
import { asCloud, checkNotEmpty, checkSampleSize, type SampleResult } from './sample-result.js';

/**
 * Options for {@link farthestPointSample}.
 *
 * @example
 * ```ts
 * farthestPointSample(cloud, 512, { start: 0 });
 * ```
 */
export interface FarthestPointOptions {
  /** Index of the first point (default 0, as in PointNet++/PCT reference code). */
  start?: number;
}

/**
 * Farthest point sampling: starts at `start`, then repeatedly takes the point farthest (squared
 * Euclidean distance, float64) from those already taken; ties go to the lowest index. O(N·n).
 * When the cloud has fewer than `n` points, all are taken in FPS order and then repeated
 * cyclically (`replaced: true`).
 *
 * @example
 * ```ts
 * import { farthestPointSample } from '@heed/pointcloud-io';
 * const { cloud, indices } = farthestPointSample(scan, 1024);
 * ```
 */
export function farthestPointSample(input: PointCloud | Float32Array, n: number, options: FarthestPointOptions = {}): SampleResult {
  const cloud = asCloud(input);
  const p = cloud.positions;
  const total = pointCount(cloud);
  checkSampleSize(n, 'farthestPointSample');
  checkNotEmpty(total, 'farthestPointSample');
  const start = options.start ?? 0;
  if (!Number.isInteger(start) || start < 0 || start >= total) {
    throw new PointCloudError('invalid-argument', `farthestPointSample: start ${start} is not a point index (0..${total - 1})`, { fileName: '<argument>' });
  }
  const k = Math.min(n, total);
  const dist = new Float64Array(total).fill(Infinity);
  const indices = new Uint32Array(n);
  let cur = start;
  for (let s = 0; s < k; s++) {
    indices[s] = cur;
    const cx = p[3 * cur], cy = p[3 * cur + 1], cz = p[3 * cur + 2];
    let best = 0;
    let bestD = -1;
    for (let i = 0, j = 0; i < total; i++, j += 3) {
      const dx = p[j] - cx, dy = p[j + 1] - cy, dz = p[j + 2] - cz;
      const d = dx * dx + dy * dy + dz * dz;
      const m = d < dist[i] ? (dist[i] = d) : dist[i];
      if (m > bestD) {
        bestD = m;
        best = i;
      }
    }
    cur = best;
  }
  for (let s = k; s < n; s++) indices[s] = indices[s % k];
  return { cloud: selectPoints(cloud, indices), indices, replaced: n > total };
}
