import { describe, expect, it } from 'vitest';
import { seededRandom } from '@heed/testing';
import { Random, mixSeed, toRandom } from './random.js';
import { multiply, rotationAboutAxis, rotationFromUp, transformPoints } from './mat3.js';
import { expectShare } from './test/geometry.js';

const draws = (rng: Random, count: number, f: (r: Random) => number) => Array.from({ length: count }, () => f(rng));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function expectOrthonormal(m: Float64Array): void {
  const mt = Float64Array.of(m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!);
  const product = multiply(m, mt);
  product.forEach((v, k) => expect(v).toBeCloseTo(k % 4 === 0 ? 1 : 0, 12));
  const det = m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
  expect(det).toBeCloseTo(1, 12);
}

describe('Random', () => {
  it('is mulberry32: the same stream as @heed/testing seededRandom, reproducible per seed', () => {
    const reference = seededRandom(1234);
    const a = new Random(1234), b = new Random(1234), c = new Random(1235);
    const xs = draws(a, 100, (r) => r.next());
    expect(xs).toEqual(Array.from({ length: 100 }, () => reference()));
    expect(draws(b, 100, (r) => r.next())).toEqual(xs);
    expect(draws(c, 100, (r) => r.next())).not.toEqual(xs);
  });

  it('uniform and int cover their ranges evenly', () => {
    const rng = new Random(1);
    const u = draws(rng, 20000, (r) => r.uniform(-2, 3));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(mean(u)).toBeCloseTo(0.5, 1);
    const ints = draws(rng, 60000, (r) => r.int(1, 7));
    for (let k = 1; k <= 6; k++) expectShare(ints.filter((x) => x === k).length, ints.length, 1 / 6, 5, `int ${k}`);
    expect(ints.every((x) => Number.isInteger(x) && x >= 1 && x < 7)).toBe(true);
    expect(() => rng.int(0)).toThrow(/empty range/);
  });

  it('normal has mean 0, variance 1 and Gaussian tails (Box–Muller)', () => {
    const z = draws(new Random(2), 100000, (r) => r.normal());
    expect(Math.abs(mean(z))).toBeLessThan(0.02);
    expect(mean(z.map((x) => x * x))).toBeCloseTo(1, 1);
    expect(mean(z.map((x) => x ** 4))).toBeCloseTo(3, 0); // kurtosis
    expectShare(z.filter((x) => Math.abs(x) < 1).length, z.length, 0.682689, 5, '|z| < 1');
    expectShare(z.filter((x) => Math.abs(x) < 2).length, z.length, 0.954500, 5, '|z| < 2');
    const scaled = draws(new Random(2), 4, (r) => r.normal(5, 2));
    expect(scaled).toEqual(z.slice(0, 4).map((x) => 5 + 2 * x));
  });

  it('shuffle permutes, each item equally likely in each place', () => {
    const rng = new Random(3);
    const firstPlace = [0, 0, 0, 0];
    let permutations = 0;
    for (let trial = 0; trial < 20000; trial++) {
      const order = rng.shuffle([0, 1, 2, 3]);
      if ([...order].sort().join() === '0,1,2,3') permutations++;
      firstPlace[order[0]!]!++;
    }
    expect(permutations).toBe(20000);
    firstPlace.forEach((hits, k) => expectShare(hits, 20000, 0.25, 5, `item ${k} first`));
    const typed = rng.shuffle(Int32Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(typed).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('unitVector is uniform on the sphere', () => {
    const rng = new Random(4);
    const v = Array.from({ length: 30000 }, () => rng.unitVector());
    expect(v.every(([x, y, z]) => Math.abs(Math.hypot(x, y, z) - 1) < 1e-12)).toBe(true);
    for (let k = 0; k < 3; k++) {
      expectShare(v.filter((p) => p[k]! > 0).length, v.length, 0.5, 5, `axis ${k} > 0`);
      // Archimedes: each coordinate is uniform in [−1, 1], so |x| < 0.5 has probability 1/2
      expectShare(v.filter((p) => Math.abs(p[k]!) < 0.5).length, v.length, 0.5, 5, `|axis ${k}| < 0.5`);
    }
  });

  it('rotation is a proper rotation drawn from the Haar measure', () => {
    const rng = new Random(5);
    const traces: number[] = [], images: number[][] = [];
    for (let i = 0; i < 20000; i++) {
      const m = rng.rotation();
      if (i < 50) expectOrthonormal(m);
      traces.push(m[0]! + m[4]! + m[8]!);
      images.push([m[1]!, m[4]!, m[7]!]); // image of +y
    }
    // Haar: rotation angle density (1 − cos θ)/π gives E[trace] = 1 + 2E[cos θ] = 0, E[trace²] = 1
    expect(Math.abs(mean(traces))).toBeLessThan(0.03);
    expect(mean(traces.map((t) => t * t))).toBeCloseTo(1, 1);
    expectShare(images.filter((p) => Math.abs(p[1]!) < 0.5).length, images.length, 0.5, 5, 'image of +y');
  });

  it('rotationAboutUp keeps y and turns by a uniform angle', () => {
    const rng = new Random(6);
    const cosines: number[] = [];
    let keepsY = 0;
    for (let i = 0; i < 20000; i++) {
      const m = rng.rotationAboutUp();
      if (i < 20) expectOrthonormal(m);
      if ([m[1], m[3], m[4], m[5], m[7]].join() === '0,0,1,0,0') keepsY++;
      cosines.push(m[0]!);
    }
    expect(keepsY).toBe(20000);
    expect(Math.abs(mean(cosines))).toBeLessThan(0.02);
    expectShare(cosines.filter((c) => c > Math.SQRT1_2).length, cosines.length, 0.25, 5, '|angle| < 45°');
  });

  it('fork gives an independent, reproducible child stream', () => {
    const parent = new Random(7), twin = new Random(7);
    const child = parent.fork(), twinChild = twin.fork();
    expect(draws(child, 10, (r) => r.next())).toEqual(draws(twinChild, 10, (r) => r.next()));
    expect(draws(parent, 10, (r) => r.next())).not.toEqual(draws(new Random(7).fork(), 10, (r) => r.next()));
  });

  it('mixSeed separates nearby inputs and rejects non-integers; toRandom accepts both kinds', () => {
    const seeds = new Set<number>();
    for (let a = 0; a < 30; a++) for (let b = -5; b < 30; b++) seeds.add(mixSeed(a, b));
    expect(seeds.size).toBe(30 * 35);
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    expect(mixSeed(1)).not.toBe(mixSeed(1 + 2 ** 32));
    expect(() => mixSeed(0.5)).toThrow(/safe integers/);
    const rng = new Random(9);
    expect(toRandom(rng)).toBe(rng);
    expect(toRandom(3).next()).toBe(toRandom(3).next());
  });
});

describe('mat3', () => {
  it('rotationAboutAxis is right-handed and rotationFromUp takes +y to the axis', () => {
    const close = (a: ArrayLike<number>, b: number[]) => Array.from(a).forEach((v, k) => expect(v).toBeCloseTo(b[k]!, 12));
    close(transformPoints(Float64Array.of(0, 0, 1), rotationAboutAxis('y', Math.PI / 2)), [1, 0, 0]);
    close(transformPoints(Float64Array.of(0, 1, 0), rotationAboutAxis('x', Math.PI / 2)), [0, 0, 1]);
    close(transformPoints(Float64Array.of(1, 0, 0), rotationAboutAxis('z', Math.PI / 2)), [0, 1, 0]);
    const rng = new Random(8);
    for (const axis of [[1, 0, 0], [0, -1, 0], [0, 1, 0], rng.unitVector(), rng.unitVector()] as [number, number, number][]) {
      const m = rotationFromUp(axis);
      expectOrthonormal(m);
      close(transformPoints(Float64Array.of(0, 1, 0), m), axis);
    }
    close(transformPoints(new Float32Array([1, 2, 3]), rotationAboutAxis('z', 0), [1, 1, 1]), [2, 3, 4]);
  });
});
