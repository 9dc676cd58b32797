import { describe, expect, it } from 'vitest';
import { readOff } from '../off/read-off.js';
import { normalizeToUnitSphere } from '../prep/normalize.js';
import { fixture } from '../test/fixtures.js';
import { expectSameArray } from '../test/same-array.js';
import { sampleSurface } from './sample-surface.js';

// A 1×1 square (two triangles) and a 3×3 square (two triangles) side by side: area ratio 1:9.
const mesh = {
  positions: new Float32Array([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 2, 0, 0, 5, 0, 0, 5, 3, 0, 2, 3, 0]),
  colors: new Uint8Array(Array.from({ length: 8 }, (_, i) => (i < 4 ? [255, 0, 0] : [0, 0, 255])).flat()),
  faces: new Uint32Array([0, 1, 2, 0, 2, 3, 4, 5, 6, 4, 6, 7]),
};

describe('sampleSurface', () => {
  it('is deterministic for a seed', () => {
    const a = sampleSurface(mesh, 500, { seed: 3 });
    const b = sampleSurface(mesh, 500, { seed: 3 });
    expectSameArray(a.cloud.positions, b.cloud.positions);
    expect(Array.from(sampleSurface(mesh, 5, { seed: 4 }).cloud.positions)).not.toEqual(Array.from(a.cloud.positions.slice(0, 15)));
  });

  it('places points on their triangles, weighted by area, with unit face normals and interpolated colours', () => {
    const n = 20000;
    const { cloud, faceIndices } = sampleSurface(mesh, n, { seed: 1 });
    let big = 0;
    const bad: number[] = [];
    for (let s = 0; s < n; s++) {
      const [x, y, z] = cloud.positions.subarray(3 * s, 3 * s + 3);
      const onBig = faceIndices[s] >= 2;
      if (onBig) big++;
      const inside = onBig ? x >= 2 - 1e-6 && x <= 5 + 1e-6 && y <= 3 + 1e-6 : x <= 1 + 1e-6 && y <= 1 + 1e-6;
      const ok = z === 0 && inside && Math.abs(Math.abs(cloud.normals![3 * s + 2]) - 1) < 1e-6 && cloud.colors![3 * s] === (onBig ? 0 : 255);
      if (!ok) bad.push(s);
    }
    expect(bad).toEqual([]);
    expect(big / n).toBeGreaterThan(0.88);
    expect(big / n).toBeLessThan(0.92);
  });

  it('turns a ModelNet mesh into a normalised point cloud', () => {
    const off = readOff(fixture('bed_0001.off')).cloud;
    const { cloud } = sampleSurface(off, 1024, { seed: 0 });
    const { cloud: unit } = normalizeToUnitSphere(cloud);
    expect(unit.positions).toHaveLength(3 * 1024);
    expect(Math.max(...unit.bounds!.max.map(Math.abs), ...unit.bounds!.min.map(Math.abs))).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('needs faces with area', () => {
    expect(() => sampleSurface({ positions: new Float32Array(9) }, 4)).toThrow(/no faces/);
    expect(() => sampleSurface({ positions: new Float32Array(9), faces: new Uint32Array([0, 1, 2]) }, 4)).toThrow(/zero surface area/);
  });
});
