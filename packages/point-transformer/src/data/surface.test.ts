import { describe, expect, it } from 'vitest';
import { Random } from './random.js';
import { rotationAboutAxis, rotationFromUp } from './mat3.js';
import {
  type SurfacePatch, annulus, box, frustum, helixEndCaps, helixTube, parallelogram, placed, quad, sphereZone, torus, triangle,
} from './surface.js';
import { sampleSurface } from './sample-surface.js';
import { type P3, countPoints, distanceToHelix, expectShare, helixPoint, meshArea, pointAt } from './test/geometry.js';

const TAU = 2 * Math.PI;

/** Draws n points (and normals) from one patch. */
function drawFrom(patch: SurfacePatch, n: number, seed = 1): { xyz: Float64Array; normals: Float64Array } {
  const rng = new Random(seed), out = new Float64Array(6);
  const xyz = new Float64Array(3 * n), normals = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    patch.sample(rng, out);
    xyz.set(out.subarray(0, 3), 3 * i);
    normals.set(out.subarray(3, 6), 3 * i);
  }
  return { xyz, normals };
}

const maxOver = (n: number, f: (i: number) => number) => {
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, f(i));
  return worst;
};

/** Helix frame independent of the library's Frenet frame: e1 = ŷ × T, e2 = T × e1. */
function helixTubeParam(radius: number, pitch: number, turns: number, tube: number) {
  return (u: number, v: number): P3 => {
    const t = u * TAU * turns, h = 1e-6;
    const a = helixPoint(radius, pitch, turns, t), b = helixPoint(radius, pitch, turns, t + h);
    const tl = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    const T = [(b[0] - a[0]) / tl, (b[1] - a[1]) / tl, (b[2] - a[2]) / tl];
    const e1raw = [T[2]!, 0, -T[0]!], l1 = Math.hypot(...e1raw);
    const e1 = e1raw.map((x) => x / l1);
    const e2 = [T[1]! * e1[2]! - T[2]! * e1[1]!, T[2]! * e1[0]! - T[0]! * e1[2]!, T[0]! * e1[1]! - T[1]! * e1[0]!];
    const c = Math.cos(TAU * v), s = Math.sin(TAU * v);
    return [0, 1, 2].map((k) => a[k]! + tube * (c * e1[k]! + s * e2[k]!)) as P3;
  };
}

describe('surface patches: areas match independent mesh areas', () => {
  const cases: [string, SurfacePatch, (u: number, v: number) => P3][] = [
    ['sphere zone', sphereZone(1.5, -0.4, 1.1), (u, v) => {
      const a0 = Math.acos(1.1 / 1.5), a1 = Math.acos(-0.4 / 1.5), polar = a0 + u * (a1 - a0);
      return [1.5 * Math.sin(polar) * Math.cos(TAU * v), 1.5 * Math.cos(polar), 1.5 * Math.sin(polar) * Math.sin(TAU * v)];
    }],
    ['frustum', frustum(0.7, 0.2, -0.3, 1.2), (u, v) => {
      const r = 0.7 + u * (0.2 - 0.7);
      return [r * Math.cos(TAU * v), -0.3 + 1.5 * u, r * Math.sin(TAU * v)];
    }],
    ['cone', frustum(1, 0, 0, 2), (u, v) => [(1 - u) * Math.cos(TAU * v), 2 * u, (1 - u) * Math.sin(TAU * v)]],
    ['annulus', annulus(0.3, 0.9, 0.5), (u, v) => {
      const r = 0.3 + 0.6 * u;
      return [r * Math.cos(TAU * v), 0.5, r * Math.sin(TAU * v)];
    }],
    ['torus arc', torus(1, 0.3, -1, 2), (u, v) => {
      const phi = -1 + 3 * u, theta = TAU * v, ring = 1 + 0.3 * Math.cos(theta);
      return [ring * Math.cos(phi), 0.3 * Math.sin(theta), ring * Math.sin(phi)];
    }],
    ['helix tube', helixTube(1, 0.8, 2.5, 0.15), helixTubeParam(1, 0.8, 2.5, 0.15)],
    ['triangle', triangle([0, 0, 0], [2, 1, 0], [0.5, 0, 3]), (u, v) => [2 * u * (1 - v) + 0.5 * u * v, u * (1 - v), 3 * u * v]],
    ['parallelogram', parallelogram([1, 1, 1], [1, 2, 0], [0, 1, 3]), (u, v) => [1 + u, 1 + 2 * u + v, 1 + 3 * v]],
    ['placed', placed(frustum(1, 1, 0, 2), { rotation: rotationFromUp([1, 0, 0]), offset: [5, 5, 5] }),
      (u, v) => [5 + 2 * u, 5 + Math.cos(TAU * v), 5 + Math.sin(TAU * v)]],
  ];
  it.each(cases)('%s', (_, patch, param) => {
    const mesh = meshArea(param, 800, 200);
    expect(Math.abs(patch.area - mesh) / mesh).toBeLessThan(2e-4);
  });

  it('box, quad and helix caps add up', () => {
    expect(box([0, 0, 0], [1, 2, 3]).reduce((a, p) => a + p.area, 0)).toBeCloseTo(22, 12);
    expect(box([0, 0, 0], [1, 2, 3], ['+y', '-z']).reduce((a, p) => a + p.area, 0)).toBeCloseTo(22 - 3 - 2, 12);
    expect(quad([0, 0, 0], [2, 0, 0], [1.5, 0, 1], [0.5, 0, 1]).reduce((a, p) => a + p.area, 0)).toBeCloseTo(1.5, 12);
    helixEndCaps(1, 0.8, 2.5, 0.15).forEach((cap) => expect(cap.area).toBeCloseTo(Math.PI * 0.15 ** 2, 12));
  });
});

describe('surface patches: points lie on the surface, normals are unit and normal', () => {
  const n = 2000;
  it('sphere zone, frustum, annulus, torus', () => {
    const zone = drawFrom(sphereZone(2, -1, 0.5), n);
    expect(maxOver(n, (i) => Math.abs(Math.hypot(...pointAt(zone.xyz, i)) - 2))).toBeLessThan(1e-12);
    expect(maxOver(n, (i) => Math.max(0, pointAt(zone.xyz, i)[1] - 0.5, -1 - pointAt(zone.xyz, i)[1]))).toBe(0);

    const fr = drawFrom(frustum(0.8, 0.4, 0, 2), n);
    expect(maxOver(n, (i) => {
      const [x, y, z] = pointAt(fr.xyz, i);
      return Math.abs(Math.hypot(x, z) - (0.8 - 0.2 * y));
    })).toBeLessThan(1e-12);
    // normal ⟂ the slant direction (−0.4 radially, +2 up)
    expect(maxOver(n, (i) => {
      const [x, , z] = pointAt(fr.xyz, i), [nx, ny, nz] = pointAt(fr.normals, i), r = Math.hypot(x, z);
      return Math.abs(((nx * x + nz * z) / r) * -0.4 + ny * 2);
    })).toBeLessThan(1e-12);

    const ring = drawFrom(annulus(0.5, 1, 3, -1), n);
    expect(maxOver(n, (i) => {
      const [x, y, z] = pointAt(ring.xyz, i), r = Math.hypot(x, z);
      return Math.abs(y - 3) + Math.max(0, 0.5 - r, r - 1);
    })).toBeLessThan(1e-12);
    expect(Array.from(ring.normals.subarray(0, 3))).toEqual([0, -1, 0]);

    const tor = drawFrom(torus(1, 0.25), n);
    expect(maxOver(n, (i) => {
      const [x, y, z] = pointAt(tor.xyz, i);
      return Math.abs((Math.hypot(x, z) - 1) ** 2 + y * y - 0.0625);
    })).toBeLessThan(1e-12);
    for (const { normals } of [zone, fr, tor]) {
      expect(maxOver(n, (i) => Math.abs(Math.hypot(...pointAt(normals, i)) - 1))).toBeLessThan(1e-12);
    }
  });

  it('helix tube points are at the tube radius from the helix', () => {
    const m = 300;
    const { xyz, normals } = drawFrom(helixTube(1, 0.8, 2.5, 0.15), m);
    expect(maxOver(m, (i) => Math.abs(distanceToHelix(pointAt(xyz, i), 1, 0.8, 2.5).distance - 0.15))).toBeLessThan(1e-6);
    // the normal points from the centre line to the point
    expect(maxOver(m, (i) => {
      const p = pointAt(xyz, i), q = helixPoint(1, 0.8, 2.5, distanceToHelix(p, 1, 0.8, 2.5).t), nrm = pointAt(normals, i);
      return Math.hypot(...([0, 1, 2].map((k) => (p[k]! - q[k]!) / 0.15 - nrm[k]!) as P3));
    })).toBeLessThan(1e-5);
  });

  it('placed rotates points and normals, then moves points', () => {
    const m = rotationAboutAxis('z', Math.PI / 2);
    const { xyz, normals } = drawFrom(placed(annulus(0, 1, 0), { rotation: m, offset: [3, 0, 0] }), 100);
    expect(maxOver(100, (i) => Math.abs(pointAt(xyz, i)[0] - 3))).toBeLessThan(1e-12);
    const [nx, ny, nz] = pointAt(normals, 0);
    expect([nx, ny, nz].map((v) => Math.round(v * 1e12) / 1e12)).toEqual([-1, 0, 0]);
  });
});

describe('surface patches: sampling is uniform by area', () => {
  const n = 40000;
  it('sphere: equal-area hemispheres and polar/equatorial bands', () => {
    const { xyz } = drawFrom(sphereZone(1), n);
    for (let k = 0; k < 3; k++) expectShare(countPoints(xyz, n, (p) => p[k]! > 0), n, 0.5, 5, `hemisphere ${k}`);
    // two polar caps above |y| = 0.5 have the area of the band between them
    expectShare(countPoints(xyz, n, (p) => Math.abs(p[1]) > 0.5), n, 0.5, 5, 'polar caps');
    expectShare(countPoints(xyz, n, (p) => Math.abs(p[0]) > 0.5), n, 0.5, 5, 'x caps');
    // the cap within 10° of the pole: area fraction (1 − cos 10°)/2
    expectShare(countPoints(xyz, n, (p) => p[1] > Math.cos(Math.PI / 18)), n, (1 - Math.cos(Math.PI / 18)) / 2, 5, 'pole cap');
  });

  it('cone: a quarter of the lateral area lies within half the slant of the apex', () => {
    const { xyz } = drawFrom(frustum(1, 0, 0, 2), n);
    expectShare(countPoints(xyz, n, (p) => p[1] > 1), n, 0.25, 5, 'top half of slant');
  });

  it('annulus and triangle: area fractions of sub-regions', () => {
    const ring = drawFrom(annulus(0.5, 1), n).xyz;
    const rMid = Math.sqrt((0.25 + 1) / 2); // splits the annulus into equal areas
    expectShare(countPoints(ring, n, (p) => Math.hypot(p[0], p[2]) < rMid), n, 0.5, 5, 'inner half');
    const tri = drawFrom(triangle([0, 0, 0], [1, 0, 0], [0, 1, 0]), n).xyz;
    expectShare(countPoints(tri, n, (p) => p[0] + p[1] < 0.5), n, 0.25, 5, 'corner triangle');
    expectShare(countPoints(tri, n, (p) => p[0] > 0.5), n, 0.25, 5, 'x corner');
  });

  it('torus: the outer half holds 1/2 + r/(πR) of the area', () => {
    const { xyz } = drawFrom(torus(1, 0.4), n);
    expectShare(countPoints(xyz, n, (p) => Math.hypot(p[0], p[2]) > 1), n, 0.5 + 0.4 / Math.PI, 5, 'outer half');
    expectShare(countPoints(xyz, n, (p) => p[0] > 0), n, 0.5, 5, 'x > 0');
  });

  it('helix tube: the side facing the axis holds 1/2 − κρ/π of the area', () => {
    const m = 3000, [radius, pitch, turns, tube] = [1, 0.8, 2, 0.3];
    const { xyz } = drawFrom(helixTube(radius, pitch, turns, tube), m);
    const rise = pitch / TAU, kappa = radius / (radius * radius + rise * rise);
    const inner = countPoints(xyz, m, (p) => {
      const q = helixPoint(radius, pitch, turns, distanceToHelix(p, radius, pitch, turns).t);
      // the principal normal points horizontally from the centre line to the axis
      return (p[0] - q[0]) * -q[0] + (p[2] - q[2]) * -q[2] > 0;
    });
    expectShare(inner, m, 0.5 - (kappa * tube) / Math.PI, 5, 'inner side');
  });
});

describe('sampleSurface', () => {
  it('picks patches in proportion to their areas', () => {
    const faces = box([0, 0, 0], [1, 2, 4]);
    const n = 30000, { patch } = sampleSurface(faces, n, new Random(1));
    const total = faces.reduce((a, f) => a + f.area, 0);
    faces.forEach((f, k) => expectShare(patch.filter((p) => p === k).length, n, f.area / total, 5, `face ${k}`));
  });

  it('stretches exactly: box faces keep area shares of the stretched box', () => {
    const faces = box([-1, -1, -1], [1, 1, 1]);
    const n = 30000, { xyz, patch } = sampleSurface(faces, n, new Random(2), { stretch: [2, 0.5, 1] });
    // stretched box 4 × 1 × 2: faces ±x 1·2, ±y 4·2, ±z 4·1 → total 28
    const expected = [2, 2, 8, 8, 4, 4].map((a) => a / 28);
    expected.forEach((p, k) => expectShare(patch.filter((q) => q === k).length, n, p, 5, `face ${k}`));
    expect(maxOver(n, (i) => Math.abs(pointAt(xyz, i)[0]))).toBeCloseTo(2, 12);
  });

  it('stretches exactly: a spheroid matches its surface-of-revolution area', () => {
    // spheroid x, z semi-axes 0.5, y semi-axis 2: area between heights by quadrature of 2πρ√(1 + ρ'²) dy
    const n = 40000, { xyz } = sampleSurface([sphereZone(1)], n, new Random(3), { stretch: [0.5, 2, 0.5] });
    expect(maxOver(n, (i) => {
      const [x, y, z] = pointAt(xyz, i);
      return Math.abs((x / 0.5) ** 2 + (y / 2) ** 2 + (z / 0.5) ** 2 - 1);
    })).toBeLessThan(1e-12);
    const zone = (y0: number, y1: number) => {
      let sum = 0;
      const steps = 20000;
      for (let k = 0; k < steps; k++) {
        const y = y0 + ((k + 0.5) * (y1 - y0)) / steps;
        const rho = 0.5 * Math.sqrt(1 - (y / 2) ** 2), slope = (-0.25 * y) / (4 * rho);
        sum += TAU * rho * Math.sqrt(1 + slope * slope) * ((y1 - y0) / steps);
      }
      return sum;
    };
    const p = zone(-1, 1) / zone(-2, 2);
    expectShare(countPoints(xyz, n, (q) => Math.abs(q[1]) < 1), n, p, 5, '|y| < 1');
    expect(p).toBeGreaterThan(0.55); // the elongated middle holds more than the sphere's 1/2
  });

  it('occlusion hides a cap behind a plane and refills with distinct visible points', () => {
    const n = 4000;
    for (const fraction of [0.1, 0.3]) {
      const { xyz } = sampleSurface([sphereZone(1)], n, new Random(4), { occlusion: fraction });
      // the plane's normal d minimises the reach max(p·d), which is then 1 − 2f (a cap of area
      // fraction f has height 2f); search for it from the direction opposite the centroid
      const reach = (d: number[]) => maxOver(n, (i) => xyz[3 * i]! * d[0]! + xyz[3 * i + 1]! * d[1]! + xyz[3 * i + 2]! * d[2]!);
      let best = [0, 1, 2].map((k) => -Array.from({ length: n }, (_, i) => xyz[3 * i + k]!).reduce((a, b) => a + b, 0));
      let bestReach = reach(best.map((v) => v / Math.hypot(...best)));
      const rng = new Random(9);
      for (const step of [0.1, 0.03, 0.01, 0.003, 0.001]) {
        for (let trial = 0; trial < 40; trial++) {
          const c = best.map((v) => v / Math.hypot(...best) + step * rng.normal());
          const r = reach(c.map((v) => v / Math.hypot(...c)));
          if (r < bestReach) [best, bestReach] = [c, r];
        }
      }
      expect(Math.abs(bestReach - (1 - 2 * fraction))).toBeLessThan(0.01);
      const distinct = new Set(Array.from({ length: n }, (_, i) => pointAt(xyz, i).join()));
      expect(distinct.size).toBe(n);
    }
  });

  it('validates its arguments', () => {
    expect(() => sampleSurface([], 10, new Random(1))).toThrow(/no patches/);
    expect(() => sampleSurface([sphereZone(1)], 0, new Random(1))).toThrow(/positive integer/);
    expect(() => sampleSurface([sphereZone(1)], 10, new Random(1), { occlusion: 0.95 })).toThrow(/occlusion/);
    expect(() => sampleSurface([sphereZone(1)], 10, new Random(1), { stretch: [1, 0, 1] })).toThrow(/stretch/);
    expect(() => torus(1, 2)).toThrow(/minor < major/);
    expect(() => helixTube(1, 0.1, 2, 2)).toThrow(/curvature/);
  });
});
