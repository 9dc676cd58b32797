import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, seededRandom, tensorsLeakedBy } from '@heed/testing';
import { farthestPointSample, farthestPointSampleJS, farthestPointSampleOps } from './farthest-point-sample.js';
import { kNearestNeighbours, kNearestNeighboursJS, kNearestNeighboursOps } from './k-nearest-neighbours.js';
import { ballQuery, ballQueryJS } from './ball-query.js';

/** Brute-force references in float64, written independently of the implementations. */
const dist2 = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number) =>
  (a[3 * i]! - b[3 * j]!) ** 2 + (a[3 * i + 1]! - b[3 * j + 1]!) ** 2 + (a[3 * i + 2]! - b[3 * j + 2]!) ** 2;

function bruteFps(xyz: Float32Array, n: number, m: number): number[] {
  const chosen = [0];
  while (chosen.length < m) {
    const score = Array.from({ length: n }, (_, i) => Math.min(...chosen.map((c) => dist2(xyz, i, xyz, c))));
    const best = Math.max(...score);
    chosen.push(score.indexOf(best)); // first index attaining the maximum
  }
  return chosen;
}

function bruteKnn(query: Float32Array, qi: number, pts: Float32Array, n: number, k: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => dist2(query, qi, pts, a) - dist2(query, qi, pts, b) || a - b)
    .slice(0, k);
}

function bruteBall(query: Float32Array, qi: number, pts: Float32Array, n: number, r: number, k: number): number[] {
  const inside = Array.from({ length: n }, (_, i) => i).filter((i) => dist2(query, qi, pts, i) < r * r).slice(0, k);
  if (inside.length === 0) return new Array<number>(k).fill(0);
  return [...inside, ...new Array<number>(k - inside.length).fill(inside[0]!)];
}

/** Random clouds plus an integer grid (many exact distance ties; exact in float32 and float64). */
function clouds(): { name: string; xyz: Float32Array; n: number }[] {
  const rand = seededRandom(11);
  const random = Float32Array.from({ length: 200 * 3 }, () => rand() * 2 - 1);
  const grid: number[] = [];
  for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) for (let z = 0; z < 3; z++) grid.push(x, y, z);
  const dupes = Float32Array.from([...grid.slice(0, 30), ...grid.slice(0, 30)]);
  return [
    { name: 'random', xyz: random, n: 200 },
    { name: 'grid', xyz: Float32Array.from(grid), n: 75 },
    { name: 'duplicates', xyz: dupes, n: 20 },
  ];
}

describe('sampling in plain JS, index-exact vs brute force', () => {
  it('farthest point sampling starts at 0 and matches brute force, ties → lowest index', () => {
    for (const { name, xyz, n } of clouds()) {
      const m = Math.min(n, 40);
      expect(Array.from(farthestPointSampleJS(xyz, 1, n, m)), name).toEqual(bruteFps(xyz, n, m));
    }
    // 4 collinear points: 0, then the farthest (2 at x=5), then 3 (x=2, closer to 0 than 1 is? no: min dist 4 vs 1)
    expect(Array.from(farthestPointSampleJS(new Float32Array([0, 0, 0, 1, 0, 0, 5, 0, 0, 2, 0, 0]), 1, 4, 3))).toEqual([0, 2, 3]);
  });

  it('farthest point sampling handles batches independently', () => {
    const [a, b] = clouds();
    const both = new Float32Array(2 * 75 * 3);
    both.set(a!.xyz.subarray(0, 75 * 3), 0);
    both.set(b!.xyz, 75 * 3);
    const out = farthestPointSampleJS(both, 2, 75, 30);
    expect(Array.from(out.subarray(0, 30))).toEqual(bruteFps(a!.xyz.subarray(0, 75 * 3), 75, 30));
    expect(Array.from(out.subarray(30))).toEqual(bruteFps(b!.xyz, 75, 30));
  });

  it('kNN matches brute force: ascending distance, self first, ties → lower index', () => {
    for (const { name, xyz, n } of clouds()) {
      for (const k of [1, 7, n]) {
        const idx = kNearestNeighboursJS(xyz, xyz, 1, n, n, k);
        for (let q = 0; q < n; q++) {
          expect(Array.from(idx.subarray(q * k, (q + 1) * k)), `${name} k=${k} q=${q}`).toEqual(bruteKnn(xyz, q, xyz, n, k));
        }
      }
    }
  });

  it('ball query matches pointnet2 semantics: first k in index order, padded with the first', () => {
    for (const { name, xyz, n } of clouds()) {
      for (const [r, k] of [[0.3, 8], [1.01, 5], [1.5, 40]] as const) {
        const idx = ballQueryJS(xyz, xyz, 1, n, n, r, k);
        for (let q = 0; q < n; q++) {
          expect(Array.from(idx.subarray(q * k, (q + 1) * k)), `${name} r=${r} q=${q}`).toEqual(bruteBall(xyz, q, xyz, n, r, k));
        }
      }
    }
    const far = new Float32Array([9, 9, 9]);
    expect(Array.from(ballQueryJS(far, new Float32Array([0, 0, 0, 1, 1, 1]), 1, 1, 2, 0.5, 3))).toEqual([0, 0, 0]);
  });

  it('rejects bad counts with clear errors', () => {
    const xyz = new Float32Array(12);
    expect(() => farthestPointSampleJS(xyz, 1, 4, 5)).toThrow(/numSamples must be an integer in \[1, 4\]/);
    expect(() => kNearestNeighboursJS(xyz, xyz, 1, 4, 4, 0)).toThrow(/k must be an integer/);
    expect(() => farthestPointSampleJS(xyz, 1, 5, 2)).toThrow(/expected 1×5×3/);
  });
});

describe.each(BACKENDS)('sampling tensors on %s', (backend) => {
  const n = backend === 'webgpu' ? 48 : 160;
  const rand = seededRandom(5);
  const data = Float32Array.from({ length: 2 * n * 3 }, () => rand() * 2 - 1);

  it('dispatching wrappers and the tfjs-op versions give the JS indices', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const xyz = tf.tensor3d(data, [2, n, 3]);
    const fps = farthestPointSample(xyz, 24);
    expect(fps.dtype).toBe('int32');
    expect(Array.from(await fps.data())).toEqual(Array.from(farthestPointSampleJS(data, 2, n, 24)));
    const knnExpected = Array.from(kNearestNeighboursJS(data, data, 2, n, n, 9));
    expect(Array.from(await kNearestNeighbours(xyz, xyz, 9).data())).toEqual(knnExpected);
    if (backend !== 'webgpu') {
      // Tie-breaking of argMax/topk is only guaranteed (first / lower index) on cpu and wasm.
      expect(Array.from(await farthestPointSampleOps(xyz, 24).data())).toEqual(Array.from(fps.dataSync()));
      expect(Array.from(await kNearestNeighboursOps(xyz, xyz, 9).data())).toEqual(knnExpected);
    }
    const ball = ballQuery(xyz, xyz, 0.4, 6);
    expect(Array.from(await ball.data())).toEqual(Array.from(ballQueryJS(data, data, 2, n, n, 0.4, 6)));
    tf.dispose([xyz, fps, ball]);
  });

  it('does not leak tensors', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const xyz = tf.tensor3d(data, [2, n, 3]);
    const leaked = await tensorsLeakedBy(() => {
      tf.dispose([farthestPointSample(xyz, 8), kNearestNeighbours(xyz, xyz, 4), farthestPointSampleOps(xyz, 4), kNearestNeighboursOps(xyz, xyz, 4)]);
    });
    expect(leaked).toBe(0);
    xyz.dispose();
  });
});
