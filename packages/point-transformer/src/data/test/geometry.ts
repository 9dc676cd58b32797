/**
 * Independent geometry for the data tests: mesh areas of parametric surfaces, distances to a helix,
 * and binomial tolerances. Written without the library's formulas so a wrong one cannot hide.
 */
import { expect } from 'vitest';

export type P3 = [number, number, number];

/** Area of the parametric surface f(u, v), u, v ∈ [0, 1], as a fine triangle mesh. */
export function meshArea(f: (u: number, v: number) => P3, nu = 400, nv = 400): number {
  const grid: P3[][] = [];
  for (let i = 0; i <= nu; i++) grid.push(Array.from({ length: nv + 1 }, (_, j) => f(i / nu, j / nv)));
  let area = 0;
  for (let i = 0; i < nu; i++) {
    for (let j = 0; j < nv; j++) {
      const a = grid[i]![j]!, b = grid[i + 1]![j]!, c = grid[i + 1]![j + 1]!, d = grid[i]![j + 1]!;
      area += triangleArea(a, b, c) + triangleArea(a, c, d);
    }
  }
  return area;
}

function triangleArea(a: P3, b: P3, c: P3): number {
  const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]], v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
  return Math.hypot(u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!) / 2;
}

/** The i-th point of a flat xyz array. */
export const pointAt = (xyz: ArrayLike<number>, i: number): P3 => [xyz[3 * i]!, xyz[3 * i + 1]!, xyz[3 * i + 2]!];

/** Expects `hits` of `n` independent trials to match probability p within `sigmas` binomial σ. */
export function expectShare(hits: number, n: number, p: number, sigmas = 5, label = ''): void {
  const sd = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(hits / n - p), `${label}: share ${hits / n} vs ${p} (σ ${sd.toExponential(2)})`).toBeLessThan(sigmas * sd + 1e-12);
}

/** Number of points (of n) satisfying `predicate`. */
export function countPoints(xyz: ArrayLike<number>, n: number, predicate: (p: P3, i: number) => boolean): number {
  let hits = 0;
  for (let i = 0; i < n; i++) if (predicate(pointAt(xyz, i), i)) hits++;
  return hits;
}

/** The helix (R cos t, c t + y0, R sin t), t ∈ [0, 2π·turns], centred on y = 0, c = pitch/2π. */
export function helixPoint(radius: number, pitch: number, turns: number, t: number): P3 {
  const c = pitch / (2 * Math.PI), y0 = -c * Math.PI * turns;
  return [radius * Math.cos(t), y0 + c * t, radius * Math.sin(t)];
}

/** Distance from p to the helix centre line (grid search, then golden-section refinement), and the foot's t. */
export function distanceToHelix(p: P3, radius: number, pitch: number, turns: number): { distance: number; t: number } {
  const tMax = 2 * Math.PI * turns, steps = Math.ceil(100 * turns); // ~3.6° apart: coils stay apart
  const d = (t: number) => {
    const q = helixPoint(radius, pitch, turns, Math.min(tMax, Math.max(0, t)));
    return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
  };
  let best = 0;
  for (let k = 1; k <= steps; k++) if (d((k * tMax) / steps) < d((best * tMax) / steps)) best = k;
  let lo = ((best - 1) * tMax) / steps, hi = ((best + 1) * tMax) / steps;
  for (let it = 0; it < 80; it++) {
    const m1 = lo + (hi - lo) * 0.382, m2 = lo + (hi - lo) * 0.618;
    if (d(m1) < d(m2)) hi = m2;
    else lo = m1;
  }
  const t = Math.min(tMax, Math.max(0, (lo + hi) / 2));
  return { distance: d(t), t };
}
