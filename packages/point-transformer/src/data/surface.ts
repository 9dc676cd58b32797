import { type Mat3, type Vec3, rotationFromUp } from './mat3.js';
import type { Random } from './random.js';

/**
 * A piece of surface that knows its area and draws points uniformly by area on itself. Shapes are
 * lists of patches; {@link sampleSurface} picks a patch per point with probability ∝ area, so a
 * whole shape is sampled uniformly by area too.
 *
 * Curved primitives are built around the +y axis through the origin; {@link placed} moves them.
 *
 * @example
 * ```ts
 * const side = frustum(1, 1, -1, 1);                 // cylinder side, radius 1, height 2
 * const out = new Float64Array(6);
 * side.sample(new Random(1), out);                   // out = [x, y, z, nx, ny, nz]
 * ```
 */
export interface SurfacePatch {
  readonly area: number;
  /** Writes a point (out[0..2]) drawn uniformly by area and the unit surface normal there (out[3..5]). */
  sample(rng: Random, out: Float64Array): void;
}

const TAU = 2 * Math.PI;

/**
 * The zone of a sphere centred at the origin between heights `yMin` and `yMax` (the whole sphere
 * by default; `sphereZone(r, 0, r)` is the upper hemisphere). By Archimedes' hat-box theorem the
 * area between two heights is 2πr·Δy, so height and longitude are both uniform, with no clustering
 * at the poles.
 *
 * @example
 * ```ts
 * const upperHemisphere = sphereZone(1, 0, 1); // area 2π
 * ```
 */
export function sphereZone(radius: number, yMin = -radius, yMax = radius): SurfacePatch {
  checkPositive('sphereZone', 'radius', radius);
  if (!(yMin >= -radius && yMax <= radius && yMax > yMin)) {
    throw new Error(`sphereZone: need −r ≤ yMin < yMax ≤ r, got ${yMin}, ${yMax} (r = ${radius})`);
  }
  return {
    area: TAU * radius * (yMax - yMin),
    sample(rng, out) {
      const y = rng.uniform(yMin, yMax);
      const ring = Math.sqrt(Math.max(0, radius * radius - y * y));
      const phi = rng.uniform(0, TAU);
      writePointNormal(out, ring * Math.cos(phi), y, ring * Math.sin(phi), 1 / radius);
    },
  };
}

/**
 * The lateral surface of a frustum around +y: radius `rBottom` at height `yBottom` to `rTop` at
 * `yTop` (a cylinder when they are equal, a cone when one is 0). Area density grows with the
 * radius, so the height is drawn by inverting its CDF: ρ = √(r₀² + u(r₁² − r₀²)).
 *
 * @example
 * ```ts
 * const coneSide = frustum(1, 0, 0, 2); // base radius 1, apex at y = 2
 * ```
 */
export function frustum(rBottom: number, rTop: number, yBottom: number, yTop: number): SurfacePatch {
  if (!(rBottom >= 0 && rTop >= 0 && rBottom + rTop > 0 && yTop > yBottom)) {
    throw new Error(`frustum: need radii ≥ 0 (not both 0) and yTop > yBottom, got ${rBottom}, ${rTop}, ${yBottom}, ${yTop}`);
  }
  const dy = yTop - yBottom, dr = rTop - rBottom;
  const slant = Math.hypot(dr, dy);
  const nRadial = dy / slant, nY = -dr / slant;
  return {
    area: Math.PI * (rBottom + rTop) * slant,
    sample(rng, out) {
      const u = rng.next();
      const rho = Math.sqrt(rBottom * rBottom + u * (rTop * rTop - rBottom * rBottom));
      // t = (ρ − r₀)/(r₁ − r₀), rewritten so it stays exact as r₁ → r₀ (t → u).
      const t = rho + rBottom > 0 ? (u * (rTop + rBottom)) / (rho + rBottom) : 0;
      const phi = rng.uniform(0, TAU);
      const c = Math.cos(phi), s = Math.sin(phi);
      out[0] = rho * c; out[1] = yBottom + t * dy; out[2] = rho * s;
      out[3] = nRadial * c; out[4] = nY; out[5] = nRadial * s;
    },
  };
}

/**
 * A flat ring (a disc when `rInner` is 0) in the plane y = `y`, facing +y or −y.
 *
 * @example
 * ```ts
 * const bottomCap = annulus(0, 1, -1, -1); // unit disc at y = −1 facing down
 * ```
 */
export function annulus(rInner: number, rOuter: number, y = 0, facing: 1 | -1 = 1): SurfacePatch {
  if (!(rInner >= 0 && rOuter > rInner)) throw new Error(`annulus: need 0 ≤ rInner < rOuter, got ${rInner}, ${rOuter}`);
  return {
    area: Math.PI * (rOuter * rOuter - rInner * rInner),
    sample(rng, out) {
      const rho = Math.sqrt(rInner * rInner + rng.next() * (rOuter * rOuter - rInner * rInner));
      const phi = rng.uniform(0, TAU);
      out[0] = rho * Math.cos(phi); out[1] = y; out[2] = rho * Math.sin(phi);
      out[3] = 0; out[4] = facing; out[5] = 0;
    },
  };
}

/**
 * A torus around +y (major radius `major` in the xz-plane, tube radius `minor`), or the part of it
 * with longitude φ ∈ [`phiStart`, `phiEnd`) (φ = 0 at +x, φ = π/2 at +z). The area element is
 * r(R + r cos θ) dθ dφ, so the tube angle θ is drawn by rejection (outer side denser).
 *
 * @example
 * ```ts
 * const ring = torus(1, 0.25);                    // area 4π²Rr
 * const half = torus(1, 0.25, -Math.PI / 2, Math.PI / 2); // the x ≥ 0 half
 * ```
 */
export function torus(major: number, minor: number, phiStart = 0, phiEnd = TAU): SurfacePatch {
  if (!(minor > 0 && major > minor && phiEnd > phiStart)) {
    throw new Error(`torus: need 0 < minor < major and phiEnd > phiStart, got ${major}, ${minor}, ${phiStart}, ${phiEnd}`);
  }
  return {
    area: (phiEnd - phiStart) * major * TAU * minor,
    sample(rng, out) {
      let theta: number;
      do theta = rng.uniform(0, TAU);
      while (rng.next() * (major + minor) > major + minor * Math.cos(theta));
      const phi = rng.uniform(phiStart, phiEnd);
      const ct = Math.cos(theta), st = Math.sin(theta), cp = Math.cos(phi), sp = Math.sin(phi);
      const ring = major + minor * ct;
      out[0] = ring * cp; out[1] = minor * st; out[2] = ring * sp;
      out[3] = ct * cp; out[4] = st; out[5] = ct * sp;
    },
  };
}

/**
 * The parallelogram `origin + a·u + b·v`, a, b ∈ [0, 1] (a rectangle when u ⊥ v), one-sided.
 *
 * @example
 * ```ts
 * const floor = parallelogram([-1, 0, -1], [2, 0, 0], [0, 0, 2]); // 2×2 square in y = 0
 * ```
 */
export function parallelogram(origin: Vec3, u: Vec3, v: Vec3): SurfacePatch {
  const [nx, ny, nz, area] = crossWithLength(u, v);
  if (!(area > 0)) throw new Error('parallelogram: u and v are parallel');
  return {
    area,
    sample(rng, out) {
      const a = rng.next(), b = rng.next();
      out[0] = origin[0] + a * u[0] + b * v[0];
      out[1] = origin[1] + a * u[1] + b * v[1];
      out[2] = origin[2] + a * u[2] + b * v[2];
      out[3] = nx; out[4] = ny; out[5] = nz;
    },
  };
}

/**
 * The triangle abc, sampled uniformly with the square-root trick (√u along a→(bc), v across).
 *
 * @example
 * ```ts
 * const face = triangle([0, 0, 0], [1, 0, 0], [0, 1, 0]); // area 0.5
 * ```
 */
export function triangle(a: Vec3, b: Vec3, c: Vec3): SurfacePatch {
  const ab: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const ac: Vec3 = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
  const [nx, ny, nz, doubleArea] = crossWithLength(ab, ac);
  if (!(doubleArea > 0)) throw new Error('triangle: the corners are collinear');
  return {
    area: doubleArea / 2,
    sample(rng, out) {
      const s = Math.sqrt(rng.next()), t = rng.next();
      const wb = s * (1 - t), wc = s * t;
      out[0] = a[0] + wb * ab[0] + wc * ac[0];
      out[1] = a[1] + wb * ab[1] + wc * ac[1];
      out[2] = a[2] + wb * ab[2] + wc * ac[2];
      out[3] = nx; out[4] = ny; out[5] = nz;
    },
  };
}

/**
 * The tube of radius `tube` around the helix (R cos t, c·t, R sin t), c = pitch/2π, over `turns`
 * turns, centred on y = 0 (open ends; add caps with {@link helixEndCaps}). On a tube around a curve
 * of curvature κ the area element is ρ(1 − κρ cos θ) dθ ds with θ measured from the principal normal
 * (toward the helix axis), so arc length is uniform and θ is drawn by rejection.
 *
 * @example
 * ```ts
 * const spring = helixTube(1, 0.8, 2.5, 0.15); // radius 1, 0.8 rise per turn, 2.5 turns
 * ```
 */
export function helixTube(radius: number, pitch: number, turns: number, tube: number): SurfacePatch {
  const h = helixGeometry(radius, pitch, turns, tube);
  const kappaRho = h.curvature * tube;
  return {
    area: TAU * tube * h.length,
    sample(rng, out) {
      let theta: number;
      do theta = rng.uniform(0, TAU);
      while (rng.next() * (1 + kappaRho) > 1 - kappaRho * Math.cos(theta));
      const t = rng.uniform(0, h.tMax);
      const [cx, cy, cz, bx, by, bz] = h.frame(t);
      const ct = Math.cos(theta), st = Math.sin(theta);
      // principal normal N = (−cos t, 0, −sin t) points at the helix axis
      const nx = -Math.cos(t) * ct + bx * st, ny = by * st, nz = -Math.sin(t) * ct + bz * st;
      out[0] = cx + tube * nx; out[1] = cy + tube * ny; out[2] = cz + tube * nz;
      out[3] = nx; out[4] = ny; out[5] = nz;
    },
  };
}

/**
 * The two discs closing the ends of a {@link helixTube} with the same arguments.
 *
 * @example
 * ```ts
 * const closedSpring = [helixTube(1, 0.8, 2.5, 0.15), ...helixEndCaps(1, 0.8, 2.5, 0.15)];
 * ```
 */
export function helixEndCaps(radius: number, pitch: number, turns: number, tube: number): SurfacePatch[] {
  const h = helixGeometry(radius, pitch, turns, tube);
  return [0, h.tMax].map((t) => {
    const [cx, cy, cz] = h.frame(t);
    const w = h.speed;
    const tangent: Vec3 = [(-radius * Math.sin(t)) / w, h.rise / w, (radius * Math.cos(t)) / w];
    return placed(annulus(0, tube), { rotation: rotationFromUp(tangent), offset: [cx, cy, cz] });
  });
}

interface HelixGeometry {
  rise: number; speed: number; tMax: number; length: number; curvature: number;
  /** Centre-line point and binormal at parameter t. */
  frame(t: number): [number, number, number, number, number, number];
}

function helixGeometry(radius: number, pitch: number, turns: number, tube: number): HelixGeometry {
  if (!(radius > 0 && pitch > 0 && turns > 0 && tube > 0)) {
    throw new Error(`helixTube: need positive radius, pitch, turns and tube, got ${radius}, ${pitch}, ${turns}, ${tube}`);
  }
  const rise = pitch / TAU, speed = Math.hypot(radius, rise), tMax = TAU * turns;
  const curvature = radius / (speed * speed);
  if (curvature * tube >= 1) throw new Error('helixTube: tube radius must be below the radius of curvature');
  const y0 = -rise * tMax / 2;
  return {
    rise, speed, tMax, curvature, length: speed * tMax,
    frame(t) {
      const c = Math.cos(t), s = Math.sin(t);
      // binormal B = T × N = (−c·sin t, −R, c·cos t)/|γ'|
      return [radius * c, y0 + rise * t, radius * s, (-rise * s) / speed, -radius / speed, (rise * c) / speed];
    },
  };
}

/**
 * Where {@link placed} puts a patch: rotate about the origin first, then move by `offset`.
 *
 * @example
 * ```ts
 * const onItsSide: Placement = { rotation: rotationFromUp([1, 0, 0]), offset: [0, 0.5, 0] };
 * ```
 */
export interface Placement {
  rotation?: Mat3;
  offset?: Vec3;
}

/**
 * `patch` rotated and then moved (normals rotate with it). Rotations keep areas, so the result is
 * still sampled uniformly.
 *
 * @example
 * ```ts
 * const leg = placed(frustum(0.03, 0.03, 0, 0.7), { offset: [0.4, 0, 0.3] });
 * const nose = placed(sphereZone(0.1, 0, 0.1), { rotation: rotationFromUp([1, 0, 0]) });
 * ```
 */
export function placed(patch: SurfacePatch, { rotation, offset = ZERO }: Placement): SurfacePatch {
  const m = rotation ?? IDENTITY;
  return {
    area: patch.area,
    sample(rng, out) {
      patch.sample(rng, out);
      for (let k = 0; k < 6; k += 3) {
        const x = out[k]!, y = out[k + 1]!, z = out[k + 2]!;
        const t = k === 0 ? offset : ZERO;
        out[k] = m[0]! * x + m[1]! * y + m[2]! * z + t[0];
        out[k + 1] = m[3]! * x + m[4]! * y + m[5]! * z + t[1];
        out[k + 2] = m[6]! * x + m[7]! * y + m[8]! * z + t[2];
      }
    },
  };
}

const IDENTITY: Mat3 = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
const ZERO: Vec3 = [0, 0, 0];

/**
 * Faces of an axis-aligned box, by outward normal.
 *
 * @example
 * ```ts
 * const hidden: BoxFace[] = ['+y']; // a leg's top, under the table top
 * ```
 */
export type BoxFace = '+x' | '-x' | '+y' | '-y' | '+z' | '-z';

/**
 * The six faces of the axis-aligned box [min, max] (rectangles), less any named in `omit` (say
 * the top of a table leg hidden under the table top).
 *
 * @example
 * ```ts
 * const cube = box([-1, -1, -1], [1, 1, 1]);              // 6 faces, area 24
 * const leg = box([0, 0, 0], [0.05, 0.7, 0.05], ['+y']);   // 5 faces
 * ```
 */
export function box(min: Vec3, max: Vec3, omit: readonly BoxFace[] = []): SurfacePatch[] {
  const [x0, y0, z0] = min, [x1, y1, z1] = max;
  const dx = x1 - x0, dy = y1 - y0, dz = z1 - z0;
  if (!(dx > 0 && dy > 0 && dz > 0)) throw new Error(`box: need max > min on every axis, got [${min}] [${max}]`);
  // each face's (u, v) is ordered so that u × v points outward
  const faces: [BoxFace, Vec3, Vec3, Vec3][] = [
    ['+x', [x1, y0, z0], [0, dy, 0], [0, 0, dz]],
    ['-x', [x0, y0, z0], [0, 0, dz], [0, dy, 0]],
    ['+y', [x0, y1, z0], [0, 0, dz], [dx, 0, 0]],
    ['-y', [x0, y0, z0], [dx, 0, 0], [0, 0, dz]],
    ['+z', [x0, y0, z1], [dx, 0, 0], [0, dy, 0]],
    ['-z', [x0, y0, z0], [0, dy, 0], [dx, 0, 0]],
  ];
  return faces.filter(([name]) => !omit.includes(name)).map(([, o, u, v]) => parallelogram(o, u, v));
}

/**
 * The planar quadrilateral abcd (corners in order) as two triangles; a tapered wing, say.
 *
 * @example
 * ```ts
 * const wing = quad([0, 0, 0], [0.4, 0, 0], [0.3, 0, 1], [0.15, 0, 1]);
 * ```
 */
export function quad(a: Vec3, b: Vec3, c: Vec3, d: Vec3): SurfacePatch[] {
  return [triangle(a, b, c), triangle(a, c, d)];
}

function writePointNormal(out: Float64Array, x: number, y: number, z: number, inverseLength: number): void {
  out[0] = x; out[1] = y; out[2] = z;
  out[3] = x * inverseLength; out[4] = y * inverseLength; out[5] = z * inverseLength;
}

/** u × v normalised, and |u × v|. */
function crossWithLength(u: Vec3, v: Vec3): [number, number, number, number] {
  const x = u[1] * v[2] - u[2] * v[1], y = u[2] * v[0] - u[0] * v[2], z = u[0] * v[1] - u[1] * v[0];
  const length = Math.hypot(x, y, z);
  return [x / length, y / length, z / length, length];
}

function checkPositive(where: string, name: string, value: number): void {
  if (!(value > 0)) throw new Error(`${where}: ${name} must be positive, got ${value}`);
}
