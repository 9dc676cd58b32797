import { describe, expect, it } from 'vitest';
import { Random } from './random.js';
import { drawParams, midParams } from './params.js';
import { sampleSurface } from './sample-surface.js';
import {
  PART_CATEGORIES, type PartCategoryName, generateSegmentationSet, partCategory, partIds, samplePartCloud,
} from './parts.js';
import { expectShare, pointAt } from './test/geometry.js';

/** Per-part [min, max] of one coordinate over the points labelled with each part. */
function extents(points: Float32Array, labels: Int32Array, axis: number): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  labels.forEach((part, i) => {
    const v = points[3 * i + axis]!, e = out.get(part) ?? [Infinity, -Infinity];
    out.set(part, [Math.min(e[0], v), Math.max(e[1], v)]);
  });
  return out;
}

const meanOf = (points: Float32Array, labels: Int32Array, part: number, axis: number) => {
  let sum = 0, count = 0;
  labels.forEach((p, i) => { if (p === part) { sum += points[3 * i + axis]!; count++; } });
  return sum / count;
};

describe('part categories', () => {
  it('have at least two parts each, with global ids numbered category by category', () => {
    expect(PART_CATEGORIES.map((c) => c.name)).toEqual(['airplane', 'chair', 'lamp', 'mug', 'table']);
    let next = 0;
    for (const c of PART_CATEGORIES) {
      expect(c.parts.length).toBeGreaterThanOrEqual(2);
      expect(partIds(c)).toEqual(c.parts.map((_, k) => next + k));
      next += c.parts.length;
    }
    expect(partIds(partCategory('mug'))).toEqual([9, 10]);
    expect(() => partCategory('sofa' as PartCategoryName)).toThrow(/unknown part category/);
  });

  it.each(PART_CATEGORIES.map((c) => [c.name, c] as const))('%s: each part gets points in proportion to its area', (_, category) => {
    const rng = new Random(5);
    for (const params of [midParams(category.ranges), drawParams(category.ranges, rng), drawParams(category.ranges, rng)]) {
      const built = category.build(params);
      expect(built.partOfPatch.length).toBe(built.patches.length);
      const areas = category.parts.map((_, k) => built.patches.reduce((a, p, j) => a + (built.partOfPatch[j] === k ? p.area : 0), 0));
      const total = areas.reduce((a, b) => a + b, 0);
      const n = 20000, { patch } = sampleSurface(built.patches, n, rng);
      areas.forEach((area, k) => {
        const hits = patch.filter((j) => built.partOfPatch[j] === k).length;
        expectShare(hits, n, area / total, 5, `${category.name}/${category.parts[k]}`);
      });
    }
  });
});

describe('samplePartCloud', () => {
  it('lays parts out as named (upright, before rotation)', () => {
    const options = { rotation: 'none', noise: 0 } as const;
    const rng = new Random(9);
    for (let trial = 0; trial < 5; trial++) {
      const table = samplePartCloud('table', rng, options), [top, legs] = partIds(partCategory('table'));
      const ty = extents(table.points, table.partLabels, 1);
      expect(ty.get(legs!)![1]).toBeLessThanOrEqual(ty.get(top!)![0] + 1e-6); // legs end under the top
      const lamp = samplePartCloud('lamp', rng, options), [shade, pole, base] = partIds(partCategory('lamp'));
      expect(meanOf(lamp.points, lamp.partLabels, base!, 1)).toBeLessThan(meanOf(lamp.points, lamp.partLabels, pole!, 1));
      expect(meanOf(lamp.points, lamp.partLabels, pole!, 1)).toBeLessThan(meanOf(lamp.points, lamp.partLabels, shade!, 1));
      const mug = samplePartCloud('mug', rng, options), [body, handle] = partIds(partCategory('mug'));
      expect(extents(mug.points, mug.partLabels, 0).get(handle!)![1]).toBeGreaterThan(extents(mug.points, mug.partLabels, 0).get(body!)![1]);
      const chair = samplePartCloud('chair', rng, options), [seat, back, chairLegs] = partIds(partCategory('chair'));
      expect(meanOf(chair.points, chair.partLabels, back!, 2)).toBeLessThan(meanOf(chair.points, chair.partLabels, seat!, 2));
      expect(meanOf(chair.points, chair.partLabels, chairLegs!, 1)).toBeLessThan(meanOf(chair.points, chair.partLabels, seat!, 1));
      const plane = samplePartCloud('airplane', rng, options), [fuselage, wings, tail] = partIds(partCategory('airplane'));
      const pz = extents(plane.points, plane.partLabels, 2);
      expect(pz.get(wings!)![1] - pz.get(wings!)![0]).toBeGreaterThan(3 * (pz.get(fuselage!)![1] - pz.get(fuselage!)![0]));
      expect(meanOf(plane.points, plane.partLabels, tail!, 0)).toBeLessThan(meanOf(plane.points, plane.partLabels, wings!, 0));
    }
  });

  it('normalises to the unit sphere', () => {
    const { points } = samplePartCloud('airplane', new Random(1), { rotation: 'so3' });
    let cx = 0, cy = 0, cz = 0, r = 0;
    for (let i = 0; i < 1024; i++) {
      const [x, y, z] = pointAt(points, i);
      cx += x; cy += y; cz += z;
      r = Math.max(r, Math.hypot(x, y, z));
    }
    expect(Math.hypot(cx, cy, cz) / 1024).toBeLessThan(1e-6);
    expect(Math.abs(r - 1)).toBeLessThan(1e-6);
  });
});

describe('generateSegmentationSet', () => {
  it('every cloud has every part of its category, and only those', () => {
    const set = generateSegmentationSet({ count: 60, seed: 3 });
    const n = 1024;
    expect(set.points.length).toBe(60 * n * 3);
    expect(set.partLabels.length).toBe(60 * n);
    expect(set.partNames).toEqual(PART_CATEGORIES.flatMap((c) => c.parts.map((p) => `${c.name}/${p}`)));
    expect(new Set(set.partNames).size).toBe(set.partNames.length);
    for (let i = 0; i < 60; i++) {
      const own = set.partsOfCategory[set.categories[i]!]!;
      const counts = new Map<number, number>();
      for (const p of set.partLabels.subarray(i * n, (i + 1) * n)) counts.set(p, (counts.get(p) ?? 0) + 1);
      expect([...counts.keys()].sort((a, b) => a - b)).toEqual(own);
      // smallest part in the worst case of the ranges (a thin mug handle) still has ~2 % of the points
      expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(10);
    }
    const perCategory = set.categoryNames.map((_, k) => set.categories.filter((c) => c === k).length);
    expect(perCategory).toEqual([12, 12, 12, 12, 12]);
  });

  it('is deterministic per seed and different across seeds', () => {
    const a = generateSegmentationSet({ count: 10, points: 128, seed: 1 });
    const b = generateSegmentationSet({ count: 10, points: 128, seed: 1 });
    const c = generateSegmentationSet({ count: 10, points: 128, seed: 2 });
    expect(new Uint8Array(a.points.buffer)).toEqual(new Uint8Array(b.points.buffer));
    expect(a.partLabels).toEqual(b.partLabels);
    expect(a.categories).toEqual(b.categories);
    expect(a.points).not.toEqual(c.points);
  });

  it('takes a subset of categories; part ids stay global', () => {
    const set = generateSegmentationSet({ count: 4, points: 64, seed: 1, categories: ['table', 'mug'] });
    expect(set.categoryNames).toEqual(['table', 'mug']);
    expect(set.partsOfCategory).toEqual([partIds(partCategory('table')), partIds(partCategory('mug'))]);
    expect(set.partLabels.every((p) => set.partsOfCategory.flat().includes(p))).toBe(true);
  });
});
