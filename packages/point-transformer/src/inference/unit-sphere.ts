/**
 * A similarity transform between a cloud's own coordinates and the model's normalised frame:
 * `normalised = (original − center) / scale`, `original = normalised · scale + center`.
 *
 * @example
 * ```ts
 * const { center, scale } = unitSphereTransform(positions);
 * const x0 = (positions[0] - center[0]) / scale;
 * ```
 */
export interface UnitSphereTransform {
  center: [number, number, number];
  scale: number;
}

/**
 * The identity transform (center 0, scale 1).
 *
 * @example
 * ```ts
 * toNormalised(positions, IDENTITY_TRANSFORM); // a float32 copy, unchanged
 * ```
 */
export const IDENTITY_TRANSFORM: UnitSphereTransform = Object.freeze({ center: [0, 0, 0], scale: 1 }) as UnitSphereTransform;

/**
 * The transform that mean-centres `positions` (flat xyz) and scales them so the farthest point is
 * at distance 1 — the same arithmetic, float64 and tolerance as @heed/pointcloud-io's
 * `normalizeToUnitSphere`, so both give bit-identical points. A cloud already normalised (centroid
 * within `tolerance` of 0 and radius within `tolerance` of 1) gets the identity, which makes
 * normalisation idempotent. A cloud of one repeated point is only centred.
 *
 * @example
 * ```ts
 * const t = unitSphereTransform(new Float32Array([1, 0, 0, 3, 0, 0])); // { center: [2, 0, 0], scale: 1 }
 * ```
 */
export function unitSphereTransform(positions: ArrayLike<number>, tolerance = 1e-6): UnitSphereTransform {
  const n = Math.floor(positions.length / 3);
  if (n === 0) throw new Error('unitSphereTransform: the cloud has no points');
  let cx = 0, cy = 0, cz = 0;
  for (let i = 0; i < 3 * n; i += 3) {
    cx += positions[i]!;
    cy += positions[i + 1]!;
    cz += positions[i + 2]!;
  }
  cx /= n;
  cy /= n;
  cz /= n;
  if (!Number.isFinite(cx + cy + cz)) throw new Error('unitSphereTransform: positions contain NaN or Infinity');
  let r2 = 0;
  for (let i = 0; i < 3 * n; i += 3) {
    const dx = positions[i]! - cx, dy = positions[i + 1]! - cy, dz = positions[i + 2]! - cz;
    const d = dx * dx + dy * dy + dz * dz;
    if (d > r2) r2 = d;
  }
  const radius = Math.sqrt(r2);
  if (Math.hypot(cx, cy, cz) <= tolerance && Math.abs(radius - 1) <= tolerance) return { center: [0, 0, 0], scale: 1 };
  return { center: [cx, cy, cz], scale: radius > 0 ? radius : 1 };
}

/**
 * `positions` (flat xyz) in the transform's normalised frame, as float32. The identity returns a
 * copy.
 *
 * @example
 * ```ts
 * toNormalised(new Float32Array([3, 0, 0]), { center: [2, 0, 0], scale: 2 }); // Float32Array [0.5, 0, 0]
 * ```
 */
export function toNormalised(positions: ArrayLike<number>, t: UnitSphereTransform): Float32Array {
  const out = new Float32Array(positions.length);
  const [cx, cy, cz] = t.center;
  for (let i = 0; i + 2 < positions.length; i += 3) {
    out[i] = (positions[i]! - cx) / t.scale;
    out[i + 1] = (positions[i + 1]! - cy) / t.scale;
    out[i + 2] = (positions[i + 2]! - cz) / t.scale;
  }
  return out;
}

/**
 * Normalised-frame points (flat xyz) back in the cloud's original coordinates, as float64 (so the
 * identity gives the float32 values exactly).
 *
 * @example
 * ```ts
 * toOriginal(new Float32Array([0.5, 0, 0]), { center: [2, 0, 0], scale: 2 }); // Float64Array [3, 0, 0]
 * ```
 */
export function toOriginal(points: ArrayLike<number>, t: UnitSphereTransform): Float64Array {
  const out = new Float64Array(points.length);
  const [cx, cy, cz] = t.center;
  for (let i = 0; i + 2 < points.length; i += 3) {
    out[i] = points[i]! * t.scale + cx;
    out[i + 1] = points[i + 1]! * t.scale + cy;
    out[i + 2] = points[i + 2]! * t.scale + cz;
  }
  return out;
}
