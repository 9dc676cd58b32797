import { PointCloudError } from './errors.js';
import type { Bounds, PointCloud, ScalarArray } from './types.js';

/**
 * Number of points in a cloud (`positions.length / 3`).
 *
 * @example
 * ```ts
 * pointCount({ positions: new Float32Array(9) }); // 3
 * ```
 */
export function pointCount(cloud: PointCloud): number {
  return Math.floor(cloud.positions.length / 3);
}

/**
 * Channels per point in `cloud.colors`: 3 (RGB), 4 (RGBA) or 0 when there are no colours.
 *
 * @example
 * ```ts
 * colorChannels({ positions: new Float32Array(3), colors: new Uint8Array([1, 2, 3, 255]) }); // 4
 * ```
 */
export function colorChannels(cloud: PointCloud): 0 | 3 | 4 {
  const n = pointCount(cloud);
  if (!cloud.colors || n === 0) return 0;
  return cloud.colors.length === 4 * n ? 4 : 3;
}

/**
 * Min/max of xyz positions (NaN entries are skipped; an empty input gives zeros).
 *
 * @example
 * ```ts
 * computeBounds(new Float32Array([0, 0, 0, 1, 2, 3])); // { min: [0,0,0], max: [1,2,3] }
 * ```
 */
export function computeBounds(positions: Float32Array): Bounds {
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (let i = 0; i + 2 < positions.length; i += 3) {
    const x = positions[i], y = positions[i + 1], z = positions[i + 2];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  if (x0 > x1) return { min: [0, 0, 0], max: [0, 0, 0] };
  return { min: [x0, y0, z0], max: [x1, y1, z1] };
}

/**
 * Throws a {@link PointCloudError} (code `invalid-argument`) unless every per-point array has the
 * right length for `positions` and every face index is in range.
 *
 * @example
 * ```ts
 * validatePointCloud({ positions: new Float32Array(6), labels: new Int32Array(2) }); // ok
 * ```
 */
export function validatePointCloud(cloud: PointCloud, what = 'point cloud'): void {
  const bad = (detail: string): never => {
    throw new PointCloudError('invalid-argument', `${what}: ${detail}`, { fileName: '<argument>' });
  };
  if (!(cloud?.positions instanceof Float32Array)) bad('positions must be a Float32Array');
  if (cloud.positions.length % 3 !== 0) bad(`positions.length ${cloud.positions.length} is not a multiple of 3`);
  const n = cloud.positions.length / 3;
  const check = (name: string, a: { length: number } | undefined, per: number[]): void => {
    if (a && !per.some((k) => a.length === k * n)) bad(`${name}.length ${a.length} does not match ${n} points (× ${per.join(' or ')})`);
  };
  if (cloud.colors && !(cloud.colors instanceof Uint8Array || cloud.colors instanceof Float32Array)) bad('colors must be a Uint8Array or Float32Array');
  check('colors', cloud.colors, [3, 4]);
  check('normals', cloud.normals, [3]);
  check('intensity', cloud.intensity, [1]);
  check('labels', cloud.labels, [1]);
  for (const [name, a] of Object.entries(cloud.fields ?? {})) check(`fields.${name}`, a, [1]);
  if (cloud.faces) {
    if (cloud.faces.length % 3 !== 0) bad(`faces.length ${cloud.faces.length} is not a multiple of 3`);
    for (let i = 0; i < cloud.faces.length; i++) if (cloud.faces[i] >= n) bad(`face index ${cloud.faces[i]} at ${i} is out of range for ${n} points`);
  }
}

function gather<T extends ScalarArray>(a: T, indices: ArrayLike<number>, k: number): T {
  const out = new (a.constructor as new (n: number) => T)(indices.length * k);
  for (let i = 0; i < indices.length; i++) {
    const s = indices[i] * k;
    for (let c = 0; c < k; c++) out[i * k + c] = a[s + c];
  }
  return out;
}

/**
 * A new cloud holding the points at `indices` (in that order, repeats allowed) with every
 * per-point array gathered; faces are dropped, bounds recomputed, metadata kept.
 *
 * @example
 * ```ts
 * const firstTwo = selectPoints(cloud, [0, 1]);
 * ```
 */
export function selectPoints(cloud: PointCloud, indices: ArrayLike<number>): PointCloud {
  const out: PointCloud = { positions: gather(cloud.positions, indices, 3) };
  const ch = colorChannels(cloud);
  if (cloud.colors && ch) out.colors = gather(cloud.colors, indices, ch);
  if (cloud.normals) out.normals = gather(cloud.normals, indices, 3);
  if (cloud.intensity) out.intensity = gather(cloud.intensity, indices, 1);
  if (cloud.labels) out.labels = gather(cloud.labels, indices, 1);
  if (cloud.fields) {
    out.fields = {};
    for (const [name, a] of Object.entries(cloud.fields)) out.fields[name] = gather(a, indices, 1);
  }
  out.bounds = computeBounds(out.positions);
  if (cloud.format) out.format = cloud.format;
  if (cloud.variant) out.variant = cloud.variant;
  if (cloud.metadata) out.metadata = cloud.metadata;
  return out;
}
