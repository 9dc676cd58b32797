import type { ParseContext } from './context.js';
import { computeBounds, pointCount, selectPoints } from './point-cloud.js';
import type { PointCloud, ReadResult } from './types.js';

/**
 * The last step of every reader: checks face indices, handles NaN/Inf coordinates (drop with a
 * warning, or throw), rejects empty clouds unless allowed, and fills `bounds`.
 */
export function finalizeCloud(cloud: PointCloud, ctx: ParseContext): ReadResult {
  const n = pointCount(cloud);
  const faces = cloud.faces;
  if (faces) {
    for (let i = 0; i < faces.length; i++) {
      if (faces[i] >= n) {
        throw ctx.error('bad-value', `face ${Math.floor(i / 3)} (after triangulation) refers to vertex ${faces[i]} but there are only ${n} vertices`, { element: 'face' });
      }
    }
  }
  let out = cloud;
  const p = cloud.positions;
  // One pass: x - x is NaN exactly when x is NaN or ±Infinity.
  let check = 0;
  for (let i = 0; i < 3 * n; i++) check += p[i] - p[i];
  let bad = 0;
  let first = -1;
  if (check !== 0) {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(p[3 * i]) || !Number.isFinite(p[3 * i + 1]) || !Number.isFinite(p[3 * i + 2])) {
        if (first < 0) first = i;
        bad++;
      }
    }
  }
  if (bad > 0) {
    const coords = `(${p[3 * first]}, ${p[3 * first + 1]}, ${p[3 * first + 2]})`;
    if (ctx.nonFinite === 'error') {
      throw ctx.error('non-finite', `point ${first} has a non-finite coordinate ${coords}; ${bad} of ${n} points are affected`, { element: 'vertex' });
    }
    out = dropPoints(cloud, n, bad);
    ctx.warn(`dropped ${bad} of ${n} points with NaN/Infinite coordinates (first: point ${first} ${coords})`);
  }
  if (pointCount(out) === 0 && !ctx.allowEmpty) {
    throw ctx.error('empty', `contains no ${bad > 0 ? 'finite ' : ''}points (pass allowEmpty: true to accept an empty cloud)`);
  }
  out.bounds = computeBounds(out.positions);
  return { cloud: out, warnings: ctx.warnings };
}

function dropPoints(cloud: PointCloud, n: number, bad: number): PointCloud {
  const p = cloud.positions;
  const keep = new Uint32Array(n - bad);
  const remap = new Int32Array(n).fill(-1);
  for (let i = 0, k = 0; i < n; i++) {
    if (Number.isFinite(p[3 * i]) && Number.isFinite(p[3 * i + 1]) && Number.isFinite(p[3 * i + 2])) {
      remap[i] = k;
      keep[k++] = i;
    }
  }
  const out = selectPoints(cloud, keep);
  if (cloud.faces) {
    const f = cloud.faces;
    const kept: number[] = [];
    for (let t = 0; t + 2 < f.length; t += 3) {
      const a = remap[f[t]], b = remap[f[t + 1]], c = remap[f[t + 2]];
      if (a >= 0 && b >= 0 && c >= 0) kept.push(a, b, c);
    }
    out.faces = Uint32Array.from(kept);
  }
  return out;
}
