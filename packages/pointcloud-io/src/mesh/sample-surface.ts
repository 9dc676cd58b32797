import { PointCloudError } from '../errors.js';
import { colorChannels, computeBounds, pointCount } from '../point-cloud.js';
import { createRng } from '../prep/rng.js';
import { checkSampleSize } from '../prep/sample-result.js';
import type { PointCloud } from '../types.js';

/**
 * Options for {@link sampleSurface}.
 *
 * @example
 * ```ts
 * sampleSurface(mesh, 2048, { seed: 7 });
 * ```
 */
export interface SurfaceSampleOptions {
  /** PRNG seed (default 0). */
  seed?: number;
}

/**
 * Uniform samples on a triangle mesh's surface, the ModelNet practice for turning meshes into
 * point clouds: triangles are picked with probability proportional to their area, points placed
 * uniformly inside them (√u barycentrics). Normals are the unit face normals; colours are
 * interpolated from the vertices. Deterministic for a seed. Returns the cloud and the triangle of
 * each sample.
 *
 * @example
 * ```ts
 * import { readOff, sampleSurface, normalizeToUnitSphere } from '@heed/pointcloud-io';
 * const mesh = readOff(bytes).cloud;
 * const points = normalizeToUnitSphere(sampleSurface(mesh, 1024, { seed: 1 }).cloud).cloud;
 * ```
 */
export function sampleSurface(mesh: PointCloud, n: number, options: SurfaceSampleOptions = {}): { cloud: PointCloud; faceIndices: Uint32Array } {
  checkSampleSize(n, 'sampleSurface');
  const f = mesh.faces;
  const p = mesh.positions;
  const nv = pointCount(mesh);
  const fail = (detail: string): never => {
    throw new PointCloudError('invalid-argument', `sampleSurface: ${detail}`, { fileName: '<argument>' });
  };
  if (!f || f.length < 3) fail('the cloud has no faces');
  const nt = Math.floor(f!.length / 3);
  const cum = new Float64Array(nt);
  let total = 0;
  for (let t = 0; t < nt; t++) {
    const a = 3 * f![3 * t], b = 3 * f![3 * t + 1], c = 3 * f![3 * t + 2];
    if (a >= 3 * nv || b >= 3 * nv || c >= 3 * nv) fail(`face ${t} refers to a vertex out of range`);
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    const area = 0.5 * Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx);
    total += Number.isFinite(area) ? area : 0;
    cum[t] = total;
  }
  if (!(total > 0)) fail('the mesh has zero surface area');
  const rng = createRng(options.seed ?? 0);
  const positions = new Float32Array(3 * n);
  const normals = new Float32Array(3 * n);
  const ch = colorChannels(mesh);
  const src = mesh.colors;
  const colors = src && ch ? (src instanceof Uint8Array ? new Uint8Array(ch * n) : new Float32Array(ch * n)) : undefined;
  const faceIndices = new Uint32Array(n);
  for (let s = 0; s < n; s++) {
    const r = rng() * total;
    let lo = 0, hi = nt - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    faceIndices[s] = lo;
    const ia = f![3 * lo], ib = f![3 * lo + 1], ic = f![3 * lo + 2];
    const su = Math.sqrt(rng());
    const v = rng();
    const wa = 1 - su, wb = su * (1 - v), wc = su * v;
    for (let k = 0; k < 3; k++) positions[3 * s + k] = wa * p[3 * ia + k] + wb * p[3 * ib + k] + wc * p[3 * ic + k];
    const ux = p[3 * ib] - p[3 * ia], uy = p[3 * ib + 1] - p[3 * ia + 1], uz = p[3 * ib + 2] - p[3 * ia + 2];
    const vx = p[3 * ic] - p[3 * ia], vy = p[3 * ic + 1] - p[3 * ia + 1], vz = p[3 * ic + 2] - p[3 * ia + 2];
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const len = Math.hypot(nx, ny, nz) || 1;
    normals[3 * s] = nx / len;
    normals[3 * s + 1] = ny / len;
    normals[3 * s + 2] = nz / len;
    if (colors && src) {
      for (let k = 0; k < ch; k++) {
        const val = wa * src[ch * ia + k] + wb * src[ch * ib + k] + wc * src[ch * ic + k];
        colors[ch * s + k] = colors instanceof Uint8Array ? Math.round(val) : val;
      }
    }
  }
  const cloud: PointCloud = { positions, normals, bounds: computeBounds(positions) };
  if (colors) cloud.colors = colors;
  return { cloud, faceIndices };
}
