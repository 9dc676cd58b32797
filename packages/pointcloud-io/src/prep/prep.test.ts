import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PointCloudError } from '../errors.js';
import { readPly } from '../ply/read-ply.js';
import { pointCount } from '../point-cloud.js';
import { fixture } from '../test/fixtures.js';
import { expectSameArray } from '../test/same-array.js';
import { farthestPointSample } from './farthest-point-sample.js';
import { normalizeToUnitSphere } from './normalize.js';
import { randomSample } from './random-sample.js';

/** Brute-force FPS: each step recomputes, for every point, its distance to the nearest chosen point. */
function fpsReference(p: Float32Array, k: number, start = 0): number[] {
  const n = p.length / 3;
  const chosen = [start];
  while (chosen.length < k) {
    let best = 0;
    let bestD = -1;
    for (let i = 0; i < n; i++) {
      let m = Infinity;
      for (const s of chosen) {
        const dx = p[3 * i] - p[3 * s], dy = p[3 * i + 1] - p[3 * s + 1], dz = p[3 * i + 2] - p[3 * s + 2];
        m = Math.min(m, dx * dx + dy * dy + dz * dz);
      }
      if (m > bestD) {
        bestD = m;
        best = i;
      }
    }
    chosen.push(best);
  }
  return chosen;
}

const arbPositions = fc.integer({ min: 1, max: 60 }).chain((n) =>
  fc.float32Array({ minLength: 3 * n, maxLength: 3 * n, noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }),
);
// Few distinct values: many exact ties and duplicate points.
const arbGridPositions = fc.integer({ min: 1, max: 40 }).chain((n) => fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 3 * n, maxLength: 3 * n }).map((a) => Float32Array.from(a)));

describe('farthestPointSample', () => {
  it('matches a brute-force reference index for index (start 0), ties included', () => {
    fc.assert(
      fc.property(fc.oneof(arbPositions, arbGridPositions), fc.integer({ min: 1, max: 60 }), (p, k) => {
        const n = p.length / 3;
        const { indices, replaced, cloud } = farthestPointSample(p, Math.min(k, n));
        expect(Array.from(indices)).toEqual(fpsReference(p, Math.min(k, n)));
        expect(replaced).toBe(false);
        expect(pointCount(cloud)).toBe(Math.min(k, n));
      }),
      { numRuns: 200 },
    );
  });

  it('matches the reference on a real scan (sphere.ply, 64 of 2929 points)', () => {
    const { cloud } = readPly(fixture('sphere.ply'));
    const { indices } = farthestPointSample(cloud, 64, { start: 0 });
    expect(Array.from(indices)).toEqual(fpsReference(cloud.positions, 64));
  });

  it('pads cyclically and reports replacement when asked for more points than there are', () => {
    const p = new Float32Array([0, 0, 0, 1, 0, 0, 5, 0, 0]);
    const r = farthestPointSample({ positions: p, labels: new Int32Array([7, 8, 9]) }, 7);
    expect(Array.from(r.indices)).toEqual([0, 2, 1, 0, 2, 1, 0]);
    expect(r.replaced).toBe(true);
    expect(Array.from(r.cloud.labels!)).toEqual([7, 9, 8, 7, 9, 8, 7]);
  });

  it('rejects bad arguments with PointCloudError', () => {
    expect(() => farthestPointSample(new Float32Array(0), 4)).toThrow(PointCloudError);
    expect(() => farthestPointSample(new Float32Array(3), 0)).toThrow(/positive integer/);
    expect(() => farthestPointSample(new Float32Array(3), 1, { start: 1 })).toThrow(/not a point index/);
  });
});

describe('randomSample', () => {
  it('is deterministic for a seed and samples without replacement when it can', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 }), fc.integer(), (n, k, seed) => {
        const p = new Float32Array(3 * n).map((_, i) => i);
        const a = randomSample(p, k, { seed });
        const b = randomSample(p, k, { seed });
        expectSameArray(a.indices, b.indices);
        expect(a.replaced).toBe(k > n);
        const distinct = new Set(a.indices);
        expect(distinct.size).toBe(Math.min(k, n));
        expect(Math.max(...a.indices)).toBeLessThan(n);
        expect(a.cloud.positions[0]).toBe(3 * a.indices[0]);
      }),
      { numRuns: 200 },
    );
  });

  it('gives different samples for different seeds', () => {
    const p = new Float32Array(3000);
    expect(Array.from(randomSample(p, 10, { seed: 1 }).indices)).not.toEqual(Array.from(randomSample(p, 10, { seed: 2 }).indices));
  });
});

describe('normalizeToUnitSphere', () => {
  it('centres on the mean, puts the farthest point at radius 1, and is idempotent', () => {
    fc.assert(
      fc.property(arbPositions, (p) => {
        const once = normalizeToUnitSphere(p);
        const q = once.cloud.positions;
        const n = q.length / 3;
        let cx = 0, cy = 0, cz = 0, r = 0;
        for (let i = 0; i < n; i++) {
          cx += q[3 * i] / n;
          cy += q[3 * i + 1] / n;
          cz += q[3 * i + 2] / n;
        }
        for (let i = 0; i < n; i++) r = Math.max(r, Math.hypot(q[3 * i] - cx, q[3 * i + 1] - cy, q[3 * i + 2] - cz));
        expect(Math.hypot(cx, cy, cz)).toBeLessThan(1e-6);
        if (once.scale !== 1 || r > 0) expect(Math.abs(r - 1)).toBeLessThan(1e-6);
        const twice = normalizeToUnitSphere(once.cloud);
        expectSameArray(twice.cloud.positions, q, 'normalise twice');
        // The transform undoes the normalisation.
        for (let i = 0; i < p.length; i++) expect(Math.abs(q[i] * once.scale + once.center[i % 3] - p[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, once.scale));
      }),
      { numRuns: 300 },
    );
  });

  it('returns already-normalised input unchanged', () => {
    const p = new Float32Array([1, 0, 0, -1, 0, 0]);
    const r = normalizeToUnitSphere({ positions: p });
    expect(r.cloud.positions).toBe(p);
    expect(r.scale).toBe(1);
  });
});
