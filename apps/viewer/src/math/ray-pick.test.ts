import fc from 'fast-check';
import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { pickOnRay } from './ray-pick.js';

const coordinate = fc.float({ min: -2, max: 2, noNaN: true });
const vector = fc.tuple(coordinate, coordinate, coordinate);

describe('pickOnRay', () => {
  it("picks what three.js's Raycaster picks (nearest to the ray within the threshold)", () => {
    fc.assert(fc.property(fc.array(vector, { minLength: 1, maxLength: 200 }), vector, vector.filter((d) => Math.hypot(...d) > 0.1), fc.float({ min: Math.fround(0.01), max: 1, noNaN: true }), (points, origin, direction, threshold) => {
      const positions = new Float32Array(points.flat());
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
      const raycaster = new THREE.Raycaster(new THREE.Vector3(...origin), new THREE.Vector3(...direction).normalize());
      raycaster.params.Points = { threshold };
      const hits = raycaster.intersectObject(new THREE.Points(geometry));
      const ours = pickOnRay(positions, origin, direction, threshold);
      if (hits.length === 0) {
        // three.js also rejects points by the bounding sphere first; when it finds none, neither
        // may we — except for points it drops for float rounding exactly at the threshold.
        if (ours >= 0) {
          const p = new THREE.Vector3().fromArray(positions, 3 * ours);
          expect(raycaster.ray.distanceSqToPoint(p)).toBeGreaterThan(threshold * threshold * 0.999);
        }
        return;
      }
      const best = Math.min(...hits.map((h) => h.distanceToRay!));
      expect(ours).toBeGreaterThanOrEqual(0);
      const mine = raycaster.ray.distanceToPoint(new THREE.Vector3().fromArray(positions, 3 * ours));
      expect(mine).toBeCloseTo(best, 5);
    }), { numRuns: 300 });
  });

  it('ignores points behind the origin (beyond the threshold from it) and refuses a zero direction', () => {
    const positions = new Float32Array([0, 0, -1, 0, 0, 1]);
    expect(pickOnRay(positions, [0, 0, 0], [0, 0, 1], 0.1)).toBe(1);
    expect(pickOnRay(positions, [0, 0, 0], [0, 0, -1], 0.1)).toBe(0);
    expect(pickOnRay(positions, [0, 0, -0.95], [1, 0, 0], 0.1)).toBe(0);
    expect(pickOnRay(positions, [5, 5, 5], [0, 0, 1], 0.1)).toBe(-1);
    expect(() => pickOnRay(positions, [0, 0, 0], [0, 0, 0], 0.1)).toThrow(/must not be zero/);
  });
});
