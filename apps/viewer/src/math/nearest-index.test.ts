import fc from 'fast-check';
import { nearestPoint } from '@heed/point-transformer';
import { describe, expect, it } from 'vitest';
import { nearestIndex } from './nearest-index.js';

const coordinate = fc.oneof(fc.integer({ min: -4, max: 4 }).map((v) => v / 2), fc.float({ min: -3, max: 3, noNaN: true }));
const cloud = (min: number, max: number) => fc.array(fc.tuple(coordinate, coordinate, coordinate), { minLength: min, maxLength: max }).map((p) => new Float32Array(p.flat()));

describe('nearestIndex', () => {
  it('agrees with the brute-force nearestPoint, ties to the lowest index included', () => {
    // Coordinates on a half-unit grid make exact ties common.
    fc.assert(fc.property(cloud(1, 60), cloud(0, 80), (sources, targets) => {
      const got = nearestIndex(targets, sources);
      for (let i = 0; i < targets.length / 3; i++) {
        expect(got[i]).toBe(nearestPoint(sources, targets[3 * i]!, targets[3 * i + 1]!, targets[3 * i + 2]!));
      }
    }), { numRuns: 300 });
  });

  it('refuses an empty source set', () => {
    expect(() => nearestIndex(new Float32Array(3), new Float32Array(0))).toThrow(/no source points/);
  });
});
