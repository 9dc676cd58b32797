import { PointCloudError } from '../errors.js';
import { computeBounds, pointCount } from '../point-cloud.js';
import type { PointCloud } from '../types.js';
import { asCloud, checkNotEmpty } from './sample-result.js';

/**
 * Options for {@link normalizeToUnitSphere}.
 *
 * @example
 * ```ts
 * normalizeToUnitSphere(cloud, { tolerance: 1e-5 });
 * ```
 */
export interface NormalizeOptions {
  /** Input whose centroid is within this of 0 and whose max radius is within this of 1 is returned as is. Default 1e-6. */
  tolerance?: number;
}

/**
 * The normalised cloud and the transform that undoes it: `original = normalised * scale + center`.
 *
 * @example
 * ```ts
 * const { cloud, center, scale } = normalizeToUnitSphere(scan);
 * ```
 */
export interface NormalizeResult {
  cloud: PointCloud;
  center: [number, number, number];
  scale: number;
}

/**
 * Mean-centres the points and scales them so the farthest is at distance 1 (the PointNet/PCT
 * ModelNet convention), in float64. Idempotent: input already normalised (within `tolerance`) is
 * returned unchanged with `center` 0 and `scale` 1. Only `positions` and `bounds` are new; other
 * arrays are shared with the input. A cloud of one repeated point is only centred.
 *
 * @example
 * ```ts
 * import { normalizeToUnitSphere } from '@heed/pointcloud-io';
 * const { cloud } = normalizeToUnitSphere(scan);
 * ```
 */
export function normalizeToUnitSphere(input: PointCloud | Float32Array, options: NormalizeOptions = {}): NormalizeResult {
  const cloud = asCloud(input);
  const p = cloud.positions;
  const n = pointCount(cloud);
  checkNotEmpty(n, 'normalizeToUnitSphere');
  let cx = 0, cy = 0, cz = 0;
  for (let i = 0; i < 3 * n; i += 3) {
    cx += p[i];
    cy += p[i + 1];
    cz += p[i + 2];
  }
  cx /= n;
  cy /= n;
  cz /= n;
  if (!Number.isFinite(cx + cy + cz)) {
    throw new PointCloudError('non-finite', 'normalizeToUnitSphere: positions contain NaN or Infinity', { fileName: '<argument>' });
  }
  let r2 = 0;
  for (let i = 0; i < 3 * n; i += 3) {
    const dx = p[i] - cx, dy = p[i + 1] - cy, dz = p[i + 2] - cz;
    const d = dx * dx + dy * dy + dz * dz;
    if (d > r2) r2 = d;
  }
  const radius = Math.sqrt(r2);
  const tol = options.tolerance ?? 1e-6;
  if (Math.hypot(cx, cy, cz) <= tol && Math.abs(radius - 1) <= tol) return { cloud, center: [0, 0, 0], scale: 1 };
  const scale = radius > 0 ? radius : 1;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < 3 * n; i += 3) {
    out[i] = (p[i] - cx) / scale;
    out[i + 1] = (p[i + 1] - cy) / scale;
    out[i + 2] = (p[i + 2] - cz) / scale;
  }
  return { cloud: { ...cloud, positions: out, bounds: computeBounds(out) }, center: [cx, cy, cz], scale };
}
