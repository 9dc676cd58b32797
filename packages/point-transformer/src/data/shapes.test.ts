import { describe, expect, it } from 'vitest';
import { Random } from './random.js';
import { midParams } from './params.js';
import { sampleSurface } from './sample-surface.js';
import { SHAPE_CLASSES, type ShapeClassName, generateClassificationSet, sampleShape, shapeClass } from './shapes.js';
import { type P3, countPoints, distanceToHelix, expectShare, pointAt } from './test/geometry.js';

/** Points of a class's surface at its mid parameters, before stretch, pose, noise and normalisation. */
function rawPoints(name: ShapeClassName, n: number, params: Record<string, number> = {}) {
  const cls = shapeClass(name);
  const p = { ...midParams(cls.ranges), ...params };
  const built = cls.build(p);
  return { p, ...sampleSurface(built.patches, n, new Random(11), { stretch: built.stretch }) };
}

const worst = (xyz: Float64Array, n: number, f: (p: P3) => number) => {
  let w = 0;
  for (let i = 0; i < n; i++) w = Math.max(w, Math.abs(f(pointAt(xyz, i))));
  return w;
};
const radial = (p: P3) => Math.hypot(p[0], p[2]);

describe('shape classes: points lie on their surfaces', () => {
  const n = 3000;
  // Each solid written as max(constraints) ≤ 0, so its surface is where the max is 0.
  const surfaces: [ShapeClassName, (p: P3, q: Record<string, number>) => number][] = [
    ['sphere', (p) => Math.hypot(...p) - 1],
    ['cube', (p) => Math.max(...p.map(Math.abs)) - 1],
    ['cylinder', (p, q) => Math.max(radial(p) - 1, Math.abs(p[1]) - q.heightOverDiameter!)],
    ['disc', (p, q) => Math.max(radial(p) - 1, Math.abs(p[1]) - q.thicknessOverDiameter!)],
    ['cone', (p, q) => Math.max(-p[1], radial(p) - (1 - p[1] / q.heightOverRadius!))],
    ['torus', (p, q) => (radial(p) - 1) ** 2 + p[1] ** 2 - q.tubeOverRadius! ** 2],
    ['capsule', (p, q) => {
      const half = q.lengthOverRadius! / 2, y = Math.max(-half, Math.min(half, p[1]));
      return Math.hypot(p[0], p[1] - y, p[2]) - 1;
    }],
    ['pyramid', (p, q) => {
      const width = 1 - p[1] / (2 * q.heightOverBase!);
      return Math.max(-p[1], Math.abs(p[0]) - width, Math.abs(p[2]) - width);
    }],
    ['ellipsoid', (p, q) => p[0] ** 2 + (p[1] / q.axisB!) ** 2 + (p[2] / q.axisC!) ** 2 - 1],
  ];
  it.each(surfaces)('%s', (name, surface) => {
    const { p, xyz } = rawPoints(name, n);
    expect(worst(xyz, n, (x) => surface(x, p))).toBeLessThan(1e-12);
  });

  it('helix: on the tube or on its end caps', () => {
    const m = 400, { p, xyz } = rawPoints('helix', m);
    const args = [1, p.pitchOverRadius!, p.turns!] as const, tube = p.tubeOverRadius!;
    const distances = Array.from({ length: m }, (_, i) => distanceToHelix(pointAt(xyz, i), ...args).distance);
    expect(Math.max(...distances)).toBeLessThan(tube + 1e-6);
    // the caps are 2πρ² of 2πρ² + 2πρL: all but a few points are on the tube itself
    expect(distances.filter((d) => Math.abs(d - tube) < 1e-6).length).toBeGreaterThan(0.95 * m);
  });
});

describe('shape classes: sampling is uniform by area', () => {
  const n = 40000;
  it('sphere: hemispheres and equal-area polar/equatorial bands split evenly', () => {
    const { xyz } = rawPoints('sphere', n);
    expectShare(countPoints(xyz, n, (p) => p[1] > 0), n, 0.5, 5, 'upper hemisphere');
    expectShare(countPoints(xyz, n, (p) => p[2] > 0), n, 0.5, 5, 'z hemisphere');
    expectShare(countPoints(xyz, n, (p) => Math.abs(p[1]) > 0.5), n, 0.5, 5, 'polar bands');
  });

  it('cylinder, cone and capsule: caps vs sides in proportion to area', () => {
    const cyl = rawPoints('cylinder', n, { heightOverDiameter: 1.5 });
    // caps 2πr², side 2πr·h with r = 1, h = 3
    expectShare(countPoints(cyl.xyz, n, (p) => Math.abs(Math.abs(p[1]) - 1.5) < 1e-12), n, 1 / (1 + 3), 5, 'cylinder caps');
    const cone = rawPoints('cone', n, { heightOverRadius: 2 });
    expectShare(countPoints(cone.xyz, n, (p) => p[1] === 0), n, 1 / (1 + Math.hypot(1, 2)), 5, 'cone base');
    // on the side, half the slant from the apex holds a quarter of the side's area
    const side = countPoints(cone.xyz, n, (p) => p[1] > 0);
    expectShare(countPoints(cone.xyz, n, (p) => p[1] > 1), side, 0.25, 5, 'cone upper slant');
    const cap = rawPoints('capsule', n, { lengthOverRadius: 2 });
    expectShare(countPoints(cap.xyz, n, (p) => Math.abs(p[1]) > 1), n, (4 * Math.PI) / (4 * Math.PI + 2 * Math.PI * 2), 5, 'capsule ends');
  });

  it('cube: every face gets a sixth, spread evenly over it', () => {
    const { xyz } = rawPoints('cube', n);
    for (let k = 0; k < 3; k++) {
      expectShare(countPoints(xyz, n, (p) => p[k] === 1), n, 1 / 6, 5, `face +${k}`);
      expectShare(countPoints(xyz, n, (p) => p[k] === -1), n, 1 / 6, 5, `face −${k}`);
    }
    const top = countPoints(xyz, n, (p) => p[1] === 1);
    expectShare(countPoints(xyz, n, (p) => p[1] === 1 && Math.abs(p[0]) < 0.5 && Math.abs(p[2]) < 0.5), top, 0.25, 5, 'centre of top');
  });

  it('torus: the outer half holds 1/2 + r/(πR)', () => {
    const { p, xyz } = rawPoints('torus', n);
    expectShare(countPoints(xyz, n, (q) => radial(q) > 1), n, 0.5 + p.tubeOverRadius! / Math.PI, 5, 'outer half');
  });
});

describe('shape classes: ranges keep classes apart', () => {
  const worstRatio = (name: ShapeClassName, key: string, pick: 'lo' | 'hi') => {
    const cls = shapeClass(name), [lo, hi] = cls.ranges[key]!, a = cls.anisotropy;
    // the worst anisotropy shrinks or stretches the ratio by (1 ± a)/(1 ∓ a)
    return pick === 'lo' ? (lo * (1 - a)) / (1 + a) : (hi * (1 + a)) / (1 - a);
  };

  it('discs stay thin, cylinders tall, capsules long, ellipsoids non-spherical, helices open', () => {
    expect(worstRatio('disc', 'thicknessOverDiameter', 'hi')).toBeLessThan(0.1);
    expect(worstRatio('cylinder', 'heightOverDiameter', 'lo')).toBeGreaterThan(0.45);
    expect(worstRatio('capsule', 'lengthOverRadius', 'lo')).toBeGreaterThanOrEqual(1);
    expect(shapeClass('sphere').anisotropy).toBe(0);
    const e = shapeClass('ellipsoid');
    expect(e.anisotropy).toBe(0);
    expect(1 / e.ranges.axisC![1]).toBeGreaterThanOrEqual(1.3); // axis 1 vs the largest c
    expect(e.ranges.axisB![0]).toBeGreaterThan(0.3); // no ellipsoid is disc-thin
    const h = shapeClass('helix').ranges;
    expect(2 * h.tubeOverRadius![1] * (1 + 0.1)).toBeLessThan(h.pitchOverRadius![0] * (1 - 0.1));
  });

  it('there are ten distinct classes', () => {
    const names = SHAPE_CLASSES.map((c) => c.name);
    expect(names).toEqual(['sphere', 'cube', 'cylinder', 'cone', 'torus', 'capsule', 'pyramid', 'ellipsoid', 'disc', 'helix']);
    expect(() => shapeClass('blob' as ShapeClassName)).toThrow(/unknown shape class 'blob'/);
  });
});

describe('sampleShape', () => {
  it('normalises every class to the unit sphere (centroid 0, max radius 1)', () => {
    const rng = new Random(1);
    for (const cls of SHAPE_CLASSES) {
      for (const occlusion of [0, 0.3]) {
        const cloud = sampleShape(cls, rng, { occlusion });
        expect(cloud.length).toBe(1024 * 3);
        let cx = 0, cy = 0, cz = 0, r = 0;
        for (let i = 0; i < 1024; i++) {
          const [x, y, z] = pointAt(cloud, i);
          cx += x; cy += y; cz += z;
          r = Math.max(r, Math.hypot(x, y, z));
        }
        expect(Math.hypot(cx, cy, cz) / 1024, cls.name).toBeLessThan(1e-6);
        expect(Math.abs(r - 1), cls.name).toBeLessThan(1e-6);
      }
    }
  });

  it("'up' rotation keeps heights and distances from the up axis; 'so3' does not", () => {
    const options = { points: 256, noise: 0, occlusion: 0 } as const;
    const none = sampleShape('cone', new Random(2), { ...options, rotation: 'none' });
    const up = sampleShape('cone', new Random(2), { ...options, rotation: 'up' });
    const so3 = sampleShape('cone', new Random(2), { ...options, rotation: 'so3' });
    for (let i = 0; i < 256; i++) {
      const a = pointAt(none, i), b = pointAt(up, i);
      expect(b[1]).toBe(a[1]);
      expect(radial(b)).toBeCloseTo(radial(a), 6);
    }
    expect(Array.from(so3.filter((_, k) => k % 3 === 1))).not.toEqual(Array.from(none.filter((_, k) => k % 3 === 1)));
    // unrotated, the cone's axis is +y: its base (the lowest points) is a disc of radius ≈ max radial
    expect(Math.min(...Array.from(none.filter((_, k) => k % 3 === 1)))).toBeLessThan(-0.3);
  });

  it('noise moves points off the surface by about σ', () => {
    // same seed, so the same surface points; renormalising the noisy cloud rescales it by s ≈ 1/(1 + 3σ)
    const options = { occlusion: 0, rotation: 'none' } as const;
    const clean = sampleShape('sphere', new Random(3), { ...options, noise: 0 });
    const noisy = sampleShape('sphere', new Random(3), { ...options, noise: 0.02 });
    const s = noisy.reduce((a, v, k) => a + v * clean[k]!, 0) / clean.reduce((a, v) => a + v * v, 0);
    const sd = Math.sqrt(clean.reduce((a, v, k) => a + (noisy[k]! - s * v) ** 2, 0) / clean.length) / s;
    expect(s).toBeLessThan(1);
    expect(sd).toBeGreaterThan(0.019);
    expect(sd).toBeLessThan(0.021);
  });
});

describe('generateClassificationSet', () => {
  it('is deterministic per seed, different across seeds, balanced and shuffled', () => {
    const a = generateClassificationSet({ count: 25, points: 128, seed: 7 });
    const b = generateClassificationSet({ count: 25, points: 128, seed: 7 });
    const c = generateClassificationSet({ count: 25, points: 128, seed: 8 });
    expect(a.points.length).toBe(25 * 128 * 3);
    expect(new Uint8Array(a.points.buffer)).toEqual(new Uint8Array(b.points.buffer));
    expect(a.labels).toEqual(b.labels);
    expect(a.points).not.toEqual(c.points);
    expect(a.classNames).toEqual(SHAPE_CLASSES.map((cls) => cls.name));
    const counts = a.classNames.map((_, k) => a.labels.filter((l) => l === k).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(25);
    expect(Array.from(a.labels)).not.toEqual([...a.labels].sort((x, y) => x - y));
  });

  it('takes a subset of classes, in the order given', () => {
    const set = generateClassificationSet({ count: 9, points: 64, seed: 1, classes: ['torus', 'cube', 'helix'] });
    expect(set.classNames).toEqual(['torus', 'cube', 'helix']);
    expect([0, 1, 2].map((k) => set.labels.filter((l) => l === k).length)).toEqual([3, 3, 3]);
    expect(() => generateClassificationSet({ count: -1, seed: 1 })).toThrow(/count/);
    expect(() => generateClassificationSet({ count: 1, seed: 0.5 })).toThrow(/seed/);
  });

  it('is separable by a trivial rotation-invariant feature (sanity check)', () => {
    // histograms of radii and of random-pair distances; 1-nearest-neighbour on a held-out seed
    const n = 512, bins = 12;
    const features = (points: Float32Array, i: number) => {
      const f = new Array<number>(2 * bins).fill(0);
      for (let j = 0; j < n; j++) {
        const p = pointAt(points, i * n + j);
        f[Math.min(bins - 1, Math.floor(Math.hypot(...p) * bins))]! += 1;
        for (const offset of [n / 2, n / 4, n / 8 + 1]) {
          const q = pointAt(points, i * n + ((j + offset) % n));
          f[bins + Math.min(bins - 1, Math.floor((Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) / 2) * bins))]! += 1 / 3;
        }
      }
      return f;
    };
    const train = generateClassificationSet({ count: 200, points: n, seed: 1 });
    const test = generateClassificationSet({ count: 100, points: n, seed: 2 });
    const trainFeatures = Array.from(train.labels, (_, i) => features(train.points, i));
    let correct = 0;
    test.labels.forEach((label, i) => {
      const f = features(test.points, i);
      const d = trainFeatures.map((g) => g.reduce((a, v, k) => a + Math.abs(v - f[k]!), 0));
      if (train.labels[d.indexOf(Math.min(...d))] === label) correct++;
    });
    expect(correct / 100).toBeGreaterThan(0.5); // chance is 0.1; 0.7 at the time of writing
  });
});
