import { describe, expect, it } from 'vitest';
import { seededRandom } from '@heed/testing';
import { farthestPointSampleJS } from '../sampling/farthest-point-sample.js';
import { nearestPoint, transferNearest } from './nearest-point.js';
import { prepareCloud } from './prepare-cloud.js';
import { toNormalised, toOriginal, unitSphereTransform } from './unit-sphere.js';

const randomCloud = (n: number, seed = 1, scale = 5, shift = 3) => {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: 3 * n }, () => (rand() * 2 - 1) * scale + shift);
};
const radiusAndCentroid = (p: Float32Array) => {
  const n = p.length / 3;
  const c = [0, 0, 0];
  for (let i = 0; i < 3 * n; i++) c[i % 3]! += p[i]! / n;
  let r = 0;
  for (let i = 0; i < n; i++) r = Math.max(r, Math.hypot(p[3 * i]! - c[0]!, p[3 * i + 1]! - c[1]!, p[3 * i + 2]! - c[2]!));
  return { r, c };
};

describe('prepareCloud', () => {
  it('keeps a cloud of exactly numPoints in order and only normalises it', () => {
    const p = randomCloud(64);
    const prep = prepareCloud(p, { numPoints: 64 });
    expect(prep.resampled).toBe(false);
    expect(prep.replaced).toBe(false);
    expect(Array.from(prep.sourceIndices)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    const { r, c } = radiusAndCentroid(prep.points);
    expect(Math.abs(r - 1)).toBeLessThan(1e-6);
    expect(Math.hypot(...c)).toBeLessThan(1e-6);
    // The same numbers the transform gives, point for point (no reordering).
    expect(prep.points).toEqual(toNormalised(p, prep.transform));
  });

  it('feeds the coordinates bit for bit without normalisation, and normalisation is idempotent', () => {
    const p = randomCloud(64, 2);
    const raw = prepareCloud(p, { numPoints: 64, normalize: false });
    expect(raw.points).toEqual(p);
    expect(raw.points).not.toBe(p);
    expect(raw.transform).toEqual({ center: [0, 0, 0], scale: 1 });
    const once = prepareCloud(p, { numPoints: 64 }).points;
    const twice = prepareCloud(once, { numPoints: 64 });
    expect(twice.transform).toEqual({ center: [0, 0, 0], scale: 1 });
    expect(twice.points).toEqual(once);
  });

  it('resamples a larger cloud by FPS from index 0 (the network’s own FPS), then normalises the sample', () => {
    const p = randomCloud(300, 3);
    const prep = prepareCloud(p, { numPoints: 64 });
    expect(prep.resampled).toBe(true);
    expect(prep.replaced).toBe(false);
    expect(prep.inputCount).toBe(300);
    expect(Array.from(prep.sourceIndices)).toEqual(Array.from(farthestPointSampleJS(p, 1, 300, 64)));
    const sample = Float32Array.from(Array.from(prep.sourceIndices).flatMap((i) => [p[3 * i]!, p[3 * i + 1]!, p[3 * i + 2]!]));
    expect(prep.points).toEqual(toNormalised(sample, unitSphereTransform(sample)));
    expect(Math.abs(radiusAndCentroid(prep.points).r - 1)).toBeLessThan(1e-6);
  });

  it('repeats points cyclically (and says so) when the cloud is smaller than numPoints', () => {
    const p = randomCloud(5, 4);
    const prep = prepareCloud(p, { numPoints: 12 });
    expect(prep.replaced).toBe(true);
    expect(prep.points.length).toBe(36);
    const order = Array.from(farthestPointSampleJS(p, 1, 5, 5));
    expect(Array.from(prep.sourceIndices)).toEqual(Array.from({ length: 12 }, (_, i) => order[i % 5]));
  });

  it('rejects empty or malformed input', () => {
    expect(() => prepareCloud(new Float32Array(0))).toThrow(/no points/);
    expect(() => prepareCloud(new Float32Array(4))).toThrow(/flat xyz/);
    expect(() => prepareCloud(new Float32Array(3), { numPoints: 0 })).toThrow(/positive integer/);
    expect(() => unitSphereTransform([Number.NaN, 0, 0])).toThrow(/NaN/);
  });
});

describe('unit-sphere transform', () => {
  it('round-trips between the original and the normalised frame', () => {
    const p = randomCloud(50, 5, 100, -40);
    const t = unitSphereTransform(p);
    const back = toOriginal(toNormalised(p, t), t);
    back.forEach((v, i) => expect(Math.abs(v - p[i]!)).toBeLessThan(1e-4));
    expect(unitSphereTransform([2, 2, 2, 2, 2, 2])).toEqual({ center: [2, 2, 2], scale: 1 });
  });
});

describe('nearest points', () => {
  it('finds the nearest point (ties → lowest index) and carries values over', () => {
    const src = new Float32Array([0, 0, 0, 1, 0, 0, 1, 0, 0]);
    expect(nearestPoint(src, 0.9, 0, 0)).toBe(1);
    expect(nearestPoint(src, 0.5, 0, 0)).toBe(0);
    expect(Array.from(transferNearest([0.1, 0, 0, 2, 0, 0], src, [5, 6, 7]))).toEqual([5, 6]);
    expect(() => transferNearest([0, 0, 0], src, [1])).toThrow(/3 source points/);
    expect(() => nearestPoint([], 0, 0, 0)).toThrow(/no points/);
  });
});
