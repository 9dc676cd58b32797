import type { Vec3 } from './mat3.js';
import type { Random } from './random.js';
import type { SurfacePatch } from './surface.js';

/**
 * Options of {@link sampleSurface}.
 *
 * @example
 * ```ts
 * const options: SampleSurfaceOptions = { stretch: [1, 0.5, 0.5], occlusion: 0.2 };
 * ```
 */
export interface SampleSurfaceOptions {
  /**
   * Scale x, y and z by these factors, keeping the sampling uniform by area on the stretched
   * surface (a stretched sphere is an ellipsoid, sampled correctly). Default [1, 1, 1].
   */
  stretch?: Vec3;
  /**
   * Fraction of the surface's points, in [0, 0.9], hidden behind a plane with a random normal:
   * the points beyond the plane are dropped and fresh points from the visible side replace them,
   * so the cloud still has `n` distinct points, uniform by area on what remains. Default 0.
   */
  occlusion?: number;
}

/**
 * Points drawn by {@link sampleSurface}.
 *
 * @example
 * ```ts
 * const { xyz, patch }: SurfaceSample = sampleSurface(box([-1, -1, -1], [1, 1, 1]), 512, rng);
 * ```
 */
export interface SurfaceSample {
  /** [n·3] coordinates. */
  xyz: Float64Array;
  /** [n] index of the patch each point lies on. */
  patch: Int32Array;
}

/**
 * Draws `n` points independently and uniformly by area on the union of `patches`: each point picks
 * a patch with probability ∝ its area, then a uniform point on it. A `stretch` S is applied exactly
 * by rejection: a point with normal n keeps with probability ∝ |S⁻¹n| (the factor by which S scales
 * the area element there, over its largest value min(S)⁻¹), so at least min(S)/max(S) of the tries
 * are kept.
 *
 * @example
 * ```ts
 * const rng = new Random(3);
 * const { xyz } = sampleSurface([sphereZone(1)], 1024, rng, { stretch: [1, 0.6, 0.4] }); // ellipsoid
 * ```
 */
export function sampleSurface(
  patches: readonly SurfacePatch[],
  n: number,
  rng: Random,
  options: SampleSurfaceOptions = {},
): SurfaceSample {
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`sampleSurface: n must be a positive integer, got ${n}`);
  const occlusion = options.occlusion ?? 0;
  if (!(occlusion >= 0 && occlusion <= 0.9)) throw new Error(`sampleSurface: occlusion must be in [0, 0.9], got ${occlusion}`);
  const draw = pointDrawer(patches, rng, options.stretch ?? [1, 1, 1]);
  const xyz = new Float64Array(3 * n);
  const patch = new Int32Array(n);
  for (let i = 0; i < n; i++) patch[i] = draw(xyz, i);
  const dropCount = Math.floor(occlusion * n);
  if (dropCount === 0) return { xyz, patch };

  // The plane is placed at the quantile that hides `dropCount` of these points.
  const [dx, dy, dz] = rng.unitVector();
  const depth = (j: number) => xyz[3 * j]! * dx + xyz[3 * j + 1]! * dy + xyz[3 * j + 2]! * dz;
  const depths = new Float64Array(n);
  for (let j = 0; j < n; j++) depths[j] = depth(j);
  const limit = Float64Array.from(depths).sort()[n - dropCount - 1]!;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (depths[i]! > limit) continue;
    xyz.copyWithin(3 * kept, 3 * i, 3 * i + 3);
    patch[kept++] = patch[i]!;
  }
  while (kept < n) {
    const p = draw(xyz, kept);
    if (depth(kept) <= limit) patch[kept++] = p;
  }
  return { xyz, patch };
}

/** A function writing one accepted point at index i of xyz and returning its patch index. */
function pointDrawer(patches: readonly SurfacePatch[], rng: Random, stretch: Vec3): (xyz: Float64Array, i: number) => number {
  if (patches.length === 0) throw new Error('sampleSurface: no patches');
  const cumulative = new Float64Array(patches.length);
  let total = 0;
  patches.forEach((p, k) => {
    if (!(p.area >= 0 && Number.isFinite(p.area))) throw new Error(`sampleSurface: patch ${k} has area ${p.area}`);
    cumulative[k] = total += p.area;
  });
  if (!(total > 0)) throw new Error('sampleSurface: the patches have no area');
  const [sx, sy, sz] = stretch;
  if (!(sx > 0 && sy > 0 && sz > 0)) throw new Error(`sampleSurface: stretch must be positive, got [${stretch}]`);
  const stretched = sx !== 1 || sy !== 1 || sz !== 1;
  const minScale = Math.min(sx, sy, sz);
  const out = new Float64Array(6);
  return (xyz, i) => {
    for (;;) {
      const k = pickByArea(cumulative, rng.next() * total);
      patches[k]!.sample(rng, out);
      if (stretched) {
        const nx = out[3]! / sx, ny = out[4]! / sy, nz = out[5]! / sz;
        const keep = minScale * Math.sqrt(nx * nx + ny * ny + nz * nz);
        if (rng.next() >= keep) continue;
      }
      xyz[3 * i] = out[0]! * sx;
      xyz[3 * i + 1] = out[1]! * sy;
      xyz[3 * i + 2] = out[2]! * sz;
      return k;
    }
  };
}

/** The first index whose cumulative area exceeds `target` (binary search). */
function pickByArea(cumulative: Float64Array, target: number): number {
  let lo = 0, hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
