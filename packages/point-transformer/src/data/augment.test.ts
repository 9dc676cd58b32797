import { describe, expect, it } from 'vitest';
import { augmentPointClouds } from './augment.js';
import { Random } from './random.js';
import { pointAt } from './test/geometry.js';

/** B clouds of N points at (1, 1, 1), so a cloud's scale and shift can be read off any point. */
const ones = (b: number, n: number) => new Float32Array(b * n * 3).fill(1);
const only = { scale: false, translate: false, jitter: false } as const;

describe('augmentPointClouds', () => {
  it('scales each axis of each cloud by a factor uniform in [2/3, 3/2]', () => {
    const b = 3000, n = 4, xyz = augmentPointClouds(ones(b, n), 1, { ...only, points: n, scale: undefined });
    const factors: number[] = [];
    for (let c = 0; c < b; c++) {
      const first = pointAt(xyz, c * n);
      for (let i = 1; i < n; i++) expect(pointAt(xyz, c * n + i)).toEqual(first); // one factor per cloud
      factors.push(...first);
    }
    expect(Math.min(...factors)).toBeGreaterThanOrEqual(Math.fround(2 / 3));
    expect(Math.max(...factors)).toBeLessThan(1.5);
    expect(Math.min(...factors)).toBeLessThan(2 / 3 + 0.01);
    expect(Math.max(...factors)).toBeGreaterThan(1.5 - 0.01);
    const mean = factors.reduce((a, f) => a + f, 0) / factors.length;
    expect(Math.abs(mean - 13 / 12)).toBeLessThan(0.01); // uniform mean (2/3 + 3/2)/2
    // anisotropic: the three axes of a cloud differ
    expect(factors[0]).not.toBe(factors[1]);
  });

  it('translates each cloud by a vector uniform in [−0.2, 0.2]³', () => {
    const b = 3000, xyz = augmentPointClouds(ones(b, 2), 2, { ...only, points: 2, translate: undefined });
    const shifts = Array.from({ length: b * 2 * 3 }, (_, k) => xyz[k]! - 1);
    expect(Math.max(...shifts.map(Math.abs))).toBeLessThanOrEqual(0.2 + 1e-6);
    expect(Math.max(...shifts.map(Math.abs))).toBeGreaterThan(0.19);
    const sd = Math.sqrt(shifts.reduce((a, s) => a + s * s, 0) / shifts.length);
    expect(Math.abs(sd - 0.4 / Math.sqrt(12))).toBeLessThan(0.005);
  });

  it('jitters every coordinate with σ = 0.01, clipped at 0.05', () => {
    const xyz = augmentPointClouds(new Float32Array(30000), 3, { ...only, points: 1000, jitter: undefined });
    const abs = Array.from(xyz, Math.abs);
    expect(Math.max(...abs)).toBeLessThanOrEqual(0.05);
    const sd = Math.sqrt(xyz.reduce((a, v) => a + v * v, 0) / xyz.length);
    expect(Math.abs(sd - 0.01)).toBeLessThan(0.0003);
    // with σ equal to the clip, about 31.7 % of values sit exactly on the clip
    const clipped = augmentPointClouds(new Float32Array(30000), 3, { ...only, points: 1000, jitter: { sigma: 0.05, clip: 0.05 } });
    const onClip = Array.from(clipped).filter((v) => Math.abs(v) === Math.fround(0.05)).length / clipped.length;
    expect(Math.abs(onClip - 0.3173)).toBeLessThan(0.015);
  });

  it('rotates about the up axis (+y) only', () => {
    const rng = new Random(4), n = 50, b = 400;
    const original = Float32Array.from({ length: b * n * 3 }, () => rng.uniform(-1, 1));
    const xyz = augmentPointClouds(original.slice(), 5, { ...only, points: n, rotateUp: true });
    const cosines: number[] = [];
    let heightChanged = 0, worstRadial = 0;
    for (let i = 0; i < b * n; i++) {
      const p = pointAt(original, i), q = pointAt(xyz, i);
      if (q[1] !== p[1]) heightChanged++;
      worstRadial = Math.max(worstRadial, Math.abs(Math.hypot(q[0], q[2]) - Math.hypot(p[0], p[2])));
      if (i % n === 0) cosines.push((p[0] * q[0] + p[2] * q[2]) / (Math.hypot(p[0], p[2]) * Math.hypot(q[0], q[2])));
    }
    expect(heightChanged).toBe(0);
    expect(worstRadial).toBeLessThan(1e-6);
    expect(Math.abs(cosines.reduce((a, c) => a + c, 0) / b)).toBeLessThan(0.1); // uniform angle
  });

  it('shuffles points within each cloud, carrying point labels along', () => {
    const n = 64, b = 3;
    const xyz = Float32Array.from({ length: b * n * 3 }, (_, k) => Math.floor(k / 3)); // every coordinate = its point index
    const labels = Int32Array.from({ length: b * n }, (_, i) => i);
    augmentPointClouds(xyz, 6, { ...only, points: n, shuffle: true, pointLabels: labels });
    for (let c = 0; c < b; c++) {
      const ids = Array.from(labels.subarray(c * n, (c + 1) * n));
      expect([...ids].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => c * n + i));
      expect(ids).not.toEqual([...ids].sort((x, y) => x - y));
      ids.forEach((id, i) => expect(pointAt(xyz, c * n + i)).toEqual([id, id, id]));
    }
  });

  it('defaults to scale, translate and jitter; is deterministic per seed; works in place', () => {
    const rng = new Random(7), n = 256, b = 8;
    const base = Float32Array.from({ length: b * n * 3 }, () => rng.uniform(-0.5, 0.5));
    const a = base.slice(), same = base.slice(), other = base.slice();
    expect(augmentPointClouds(a, 11, { points: n })).toBe(a);
    augmentPointClouds(same, 11, { points: n });
    augmentPointClouds(other, 12, { points: n });
    expect(new Uint8Array(a.buffer)).toEqual(new Uint8Array(same.buffer));
    expect(a).not.toEqual(other);
    expect(a).not.toEqual(base);
    // |x| ≤ 0.5 · 3/2 + 0.2 + 0.05
    expect(Math.max(...Array.from(a, Math.abs))).toBeLessThanOrEqual(1);
    const generator = new Random(11);
    expect(augmentPointClouds(base.slice(), generator, { points: n })).not.toEqual(a); // a Random is used as is, not re-hashed
  });

  it('validates shapes', () => {
    expect(() => augmentPointClouds(new Float32Array(10), 1, { points: 4 })).toThrow(/whole number of clouds/);
    expect(() => augmentPointClouds(new Float32Array(12), 1, { points: 4, pointLabels: new Int32Array(3) })).toThrow(/pointLabels/);
  });
});
