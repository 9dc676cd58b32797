import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FarthestPointSample, KNearestNeighbours } from '@heed/attention';
import { inCI, seededRandom, tensorsLeakedBy } from '@heed/testing';
import {
  SUBGROUPS_FLAG, fusedKernelNames, initWebGPU, setPointKernelDispatchBudget, setStorageBindingLimit, DEFAULT_PAIRS_PER_DISPATCH, FarthestPointSampleProgram,
  FpsCentresProgram, KNearestNeighboursProgram, type WebGPUInit,
} from './index.js';
import { planSliceRanges } from './kernels/binding-view.js';
import { watchBindings } from './test/binding-spy.js';
import { farthestPointSampleJS as farthestPointSampleRef, kNearestNeighboursJS as kNearestNeighboursRef, squaredDistance32 } from '@heed/point-transformer';

let init: WebGPUInit;
beforeAll(async () => {
  init = await initWebGPU({ fallback: inCI ? null : 'cpu' });
});
afterEach(() => {
  setPointKernelDispatchBudget(DEFAULT_PAIRS_PER_DISPATCH);
  setStorageBindingLimit(null);
  vi.restoreAllMocks();
});

const skipUnlessGPU = (ctx: { skip: (note?: string) => never }) => {
  if (init.backend !== 'webgpu') ctx.skip(`no WebGPU adapter: ${init.reason}`);
};

/** The kernels run exactly as `@heed/point-transformer` dispatches them (engine().runKernel). */
async function fps(xyz: Float32Array, batch: number, n: number, numSamples: number): Promise<Int32Array> {
  const t = tf.tensor3d(xyz, [batch, n, 3]);
  const out = tf.engine().runKernel(FarthestPointSample, { xyz: t }, { numSamples }) as tf.Tensor;
  expect(out.shape).toEqual([batch, numSamples]);
  expect(out.dtype).toBe('int32');
  const data = (await out.data()) as Int32Array;
  tf.dispose([t, out]);
  return data;
}

async function knn(query: Float32Array, points: Float32Array, batch: number, s: number, n: number, k: number): Promise<Int32Array> {
  const [q, p] = [tf.tensor3d(query, [batch, s, 3]), tf.tensor3d(points, [batch, n, 3])];
  const out = tf.engine().runKernel(KNearestNeighbours, { query: q, points: p }, { k }) as tf.Tensor;
  expect(out.shape).toEqual([batch, s, k]);
  const data = (await out.data()) as Int32Array;
  tf.dispose([q, p, out]);
  return data;
}

function randomCloud(seed: number, count: number, spread = 1): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: count * 3 }, () => (rand() * 2 - 1) * spread);
}

/** An integer grid, every point twice: many exact distance ties (exact in float32). */
function gridWithDuplicates(n: number): Float32Array {
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / 2) % 250; // points 2j and 2j+1 coincide
    out.set([c % 5, Math.floor(c / 5) % 5, Math.floor(c / 25)], 3 * i);
  }
  return out;
}

/**
 * Twins (a, b, c) and (b, a, c) around the origin: equal float32 distances to it (the sum is
 * commutative), but a fused multiply-add fma(x, x, y·y) gives them different ones — a kernel whose
 * compiler contracted would order the twins by that difference instead of by index.
 */
function fmaTwins(pairs: number): Float32Array {
  const rand = seededRandom(77);
  const out: number[] = [0, 0, 0];
  for (let i = 0; i < pairs; i++) {
    const [a, b, c] = [rand() * 2 - 1, rand() * 2 - 1, rand() * 2 - 1].map(Math.fround) as [number, number, number];
    out.push(a, b, c, b, a, c);
  }
  return Float32Array.from(out);
}

const expectSame = (actual: Int32Array, expected: Int32Array, what: string) => {
  const first = actual.findIndex((v, i) => v !== expected[i]);
  expect(first, `${what}: first difference at ${first} (got ${actual[first]}, expected ${expected[first]})`).toBe(-1);
  expect(actual.length).toBe(expected.length);
};

describe('point kernels on WebGPU', () => {
  it('registers FarthestPointSample and KNearestNeighbours for webgpu', (ctx) => {
    skipUnlessGPU(ctx);
    expect(tf.getKernel(FarthestPointSample, 'webgpu')).toBeDefined();
    expect(tf.getKernel(KNearestNeighbours, 'webgpu')).toBeDefined();
    expect(fusedKernelNames).toEqual(expect.arrayContaining([FarthestPointSample, KNearestNeighbours]));
  });

  it("point-transformer's JS path, the reference, agrees with brute force (ties → lowest index)", () => {
    const xyz = gridWithDuplicates(60);
    const d = (i: number, j: number) => squaredDistance32(xyz, i, xyz, j);
    const chosen = [0];
    while (chosen.length < 20) {
      const score = Array.from({ length: 60 }, (_, i) => Math.min(...chosen.map((c) => d(i, c))));
      chosen.push(score.indexOf(Math.max(...score)));
    }
    expect(Array.from(farthestPointSampleRef(xyz, 1, 60, 20))).toEqual(chosen);
    const order = (q: number) => Array.from({ length: 60 }, (_, i) => i).sort((a, b) => d(q, a) - d(q, b) || a - b);
    const idx = kNearestNeighboursRef(xyz, xyz, 1, 60, 60, 9);
    for (let q = 0; q < 60; q++) expect(Array.from(idx.subarray(q * 9, q * 9 + 9))).toEqual(order(q).slice(0, 9));
  });

  it('the fma twins tie in float32 but not under contraction (so they would catch a fusing compiler)', () => {
    const twins = fmaTwins(200);
    const f = Math.fround;
    // What fma(x, x, y·y) then fma(z, z, ·) gives (emulated in float64, exact products).
    const contracted = (i: number) => {
      const [x, y, z] = [twins[3 * i]!, twins[3 * i + 1]!, twins[3 * i + 2]!];
      return f(z * z + f(x * x + f(y * y)));
    };
    let differ = 0;
    for (let p = 0; p < 200; p++) {
      const [a, b] = [1 + 2 * p, 2 + 2 * p];
      expect(squaredDistance32(twins, a, twins, 0)).toBe(squaredDistance32(twins, b, twins, 0));
      if (contracted(a) !== contracted(b)) differ++;
    }
    expect(differ).toBeGreaterThan(20);
  });

  it.for([1, 7, 128, 333])('FPS matches the JS path exactly: B=2, N=333, numSamples=%i', async (m, ctx) => {
    skipUnlessGPU(ctx);
    const xyz = randomCloud(m, 2 * 333);
    expectSame(await fps(xyz, 2, 333, m), farthestPointSampleRef(xyz, 2, 333, m), `m=${m}`);
  });

  it('FPS breaks ties by the lowest index: N=1000 with every point duplicated, all samples', async (ctx) => {
    skipUnlessGPU(ctx);
    const xyz = gridWithDuplicates(1000);
    expectSame(await fps(xyz, 1, 1000, 1000), farthestPointSampleRef(xyz, 1, 1000, 1000), 'duplicates');
    const twins = fmaTwins(200);
    expectSame(await fps(twins, 1, 401, 401), farthestPointSampleRef(twins, 1, 401, 401), 'fma twins');
  });

  it.for([true, false])('FPS with subgroup operations %s (flag HEED_SUBGROUPS) gives the same indices: ties, random clouds, split dispatches', async (subgroups, ctx) => {
    skipUnlessGPU(ctx);
    const gpu = tf.backend() as WebGPUBackend;
    // SwiftShader (CI) and the H100 have them; elsewhere the subgroup case has nothing to test.
    if (subgroups && !gpu.device.features.has('subgroups') && !inCI) ctx.skip('this adapter has no subgroups');
    const programs = vi.spyOn(gpu, 'runWebGPUProgram');
    tf.env().set(SUBGROUPS_FLAG, subgroups);
    try {
      const grid = gridWithDuplicates(1000);
      expectSame(await fps(grid, 1, 1000, 1000), farthestPointSampleRef(grid, 1, 1000, 1000), 'duplicates');
      const clouds = randomCloud(11, 3 * 777);
      expectSame(await fps(clouds, 3, 777, 200), farthestPointSampleRef(clouds, 3, 777, 200), 'random');
      setPointKernelDispatchBudget(5 * 777, 1); // 5 samples per dispatch: the slots' buffers restart
      expectSame(await fps(clouds, 3, 777, 64), farthestPointSampleRef(clouds, 3, 777, 64), 'split');
      const keys = programs.mock.calls.map(([program]) => program.shaderKey).filter((key) => key.startsWith('heedFarthestPointSample'));
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((key) => key.includes(subgroups ? '_subgroups' : '_tree'))).toBe(true);
    } finally {
      tf.env().set(SUBGROUPS_FLAG, true);
    }
  });

  it('FPS split across dispatches gives the same indices (N=5000, 300 samples, 7 per dispatch)', async (ctx) => {
    skipUnlessGPU(ctx);
    const xyz = randomCloud(5, 5000, 10);
    setPointKernelDispatchBudget(7 * 5000);
    expectSame(await fps(xyz, 1, 5000, 300), farthestPointSampleRef(xyz, 1, 5000, 300), 'split');
  });

  it('FPS over 2^20 points (one sample per dispatch)', async (ctx) => {
    skipUnlessGPU(ctx);
    const n = 2 ** 20;
    const xyz = randomCloud(9, n, 100);
    setPointKernelDispatchBudget(n);
    expectSame(await fps(xyz, 1, n, 5), farthestPointSampleRef(xyz, 1, n, 5), 'N=2^20');
  });

  it.for([1, 16, 32, 64])('kNN matches the JS path exactly: N=5000, k=%i, S=N and S≠N', async (k, ctx) => {
    skipUnlessGPU(ctx);
    const points = randomCloud(k, 5000);
    // S = N (each query is a point) on a part of the cloud's own points, S ≠ N on fresh queries.
    const s = k === 16 ? 5000 : 1000;
    const self = points.subarray(0, s * 3);
    expectSame(await knn(self, points, 1, s, 5000, k), kNearestNeighboursRef(self, points, 1, s, 5000, k), `self k=${k}`);
    const fresh = randomCloud(100 + k, 333);
    expectSame(await knn(fresh, points, 1, 333, 5000, k), kNearestNeighboursRef(fresh, points, 1, 333, 5000, k), `fresh k=${k}`);
  });

  it('kNN breaks ties by the lower index (duplicates, fma twins) and handles batches, k=N and splits', async (ctx) => {
    skipUnlessGPU(ctx);
    const dup = gridWithDuplicates(1000);
    expectSame(await knn(dup, dup, 1, 1000, 1000, 32), kNearestNeighboursRef(dup, dup, 1, 1000, 1000, 32), 'duplicates');
    const twins = fmaTwins(200);
    expectSame(await knn(twins, twins, 1, 401, 401, 401), kNearestNeighboursRef(twins, twins, 1, 401, 401, 401), 'fma twins, k=N');
    const two = randomCloud(3, 2 * 333);
    const q = randomCloud(4, 2 * 77);
    expectSame(await knn(q, two, 2, 77, 333, 20), kNearestNeighboursRef(q, two, 2, 77, 333, 20), 'B=2, S=77');
    setPointKernelDispatchBudget(333 * 64, 1); // one workgroup of queries per dispatch
    expectSame(await knn(two, two, 2, 333, 333, 9), kNearestNeighboursRef(two, two, 2, 333, 333, 9), 'split');
  });

  it('leaves no tensors or GPU buffers behind', async (ctx) => {
    skipUnlessGPU(ctx);
    const xyz = tf.tensor3d(randomCloud(1, 2 * 300), [2, 300, 3]);
    const backend = tf.backend();
    const dataIds = backend.numDataIds();
    const leaked = await tensorsLeakedBy(async () => {
      const a = tf.engine().runKernel(FarthestPointSample, { xyz }, { numSamples: 50 }) as tf.Tensor;
      const b = tf.engine().runKernel(KNearestNeighbours, { query: xyz, points: xyz }, { k: 8 }) as tf.Tensor;
      await Promise.all([a.data(), b.data()]);
      tf.dispose([a, b]);
    });
    expect(leaked).toBe(0);
    expect(backend.numDataIds()).toBe(dataIds);
    xyz.dispose();
  });
});

describe('planSliceRanges', () => {
  it('cuts the batch into ranges every tensor can bind, offsets rounded down to the alignment', () => {
    // FPS, B = 5, N = 37, M = 20: xyz 444 bytes per cloud, work 228, out 80 (whole: 400 ≤ 988).
    // Cloud 2 of xyz starts at 888, bound from 768: 120 + 444 + 444 > 988, so it goes alone.
    const fps = { xyz: 444, work: 228, out: 80 };
    expect(planSliceRanges(FarthestPointSample, 5, fps, 988, 256)).toEqual([{ first: 0, count: 2 }, { first: 2, count: 1 }, { first: 3, count: 2 }]);
    expect(planSliceRanges(FarthestPointSample, 5, fps, 2 ** 27, 256)).toEqual([{ first: 0, count: 5 }]);
    expect(planSliceRanges(FarthestPointSample, 5, fps, 2 ** 27, 256, 2).map((r) => r.count)).toEqual([2, 2, 1]);
    expect(planSliceRanges(FarthestPointSample, 0, fps, 988, 256)).toEqual([]);
  });

  it('names the kernel and the tensor whose one batch element is over the limit', () => {
    expect(() => planSliceRanges(KNearestNeighbours, 5, { query: 444, points: 444, out: 5476 }, 2000, 256)).toThrow(
      'HeedKNearestNeighbours: out: one slice is 5476 bytes, more than the storage binding limit of 2000 bytes',
    );
  });
});

describe('point kernels bound a few clouds at a time (storage binding limit)', () => {
  const alignment = () => (tf.backend() as WebGPUBackend).device.limits.minStorageBufferOffsetAlignment;

  it('FPS: B=5, N=37, 20 samples (7 per dispatch), xyz and work as views, out whole — the same indices', async (ctx) => {
    skipUnlessGPU(ctx);
    const [b, n, m, limit] = [5, 37, 20, 2 * 37 * 12 + 100];
    const xyz = randomCloud(21, b * n);
    const ranges = planSliceRanges(FarthestPointSample, b, { xyz: n * 12, work: (m + n) * 4, out: m * 4 }, limit, alignment());
    expect(ranges.length).toBeGreaterThanOrEqual(3);
    setPointKernelDispatchBudget(7 * n, 1);
    setStorageBindingLimit(limit);
    const seen = watchBindings();
    expectSame(await fps(xyz, b, n, m), farthestPointSampleRef(xyz, b, n, m), 'B=5 N=37 views');
    expect(seen.dispatches(FarthestPointSampleProgram)).toBe(3 * ranges.length);
    expect(seen.dispatches(FpsCentresProgram)).toBe(ranges.length);
    seen.expectBound(limit, n * 12);
  });

  it.for([
    // Every tensor a view (query = the cloud's own points); 592 bytes of output per cloud.
    { name: 'S=N=37, k=4, all views', s: 37, k: 4, limit: 1300, queryRanges: 1 },
    // Points whole (2220 bytes), query and output views of 1800 bytes per cloud, 64 queries per dispatch.
    { name: 'S=150, N=37, k=3, query ranges too', s: 150, k: 3, limit: 2 * 1800 + 100, queryRanges: 3 },
  ])('kNN: B=5, $name — the same indices', async ({ s, k, limit, queryRanges }, ctx) => {
    skipUnlessGPU(ctx);
    const [b, n] = [5, 37];
    const points = randomCloud(22, b * n);
    const query = s === n ? points : randomCloud(23, b * s);
    const ranges = planSliceRanges(KNearestNeighbours, b, { query: s * 12, points: n * 12, out: s * k * 4 }, limit, alignment());
    expect(ranges.length).toBeGreaterThanOrEqual(3);
    setPointKernelDispatchBudget(64 * n, 1); // one workgroup (64 queries) per dispatch
    setStorageBindingLimit(limit);
    const seen = watchBindings();
    expectSame(await knn(query, points, b, s, n, k), kNearestNeighboursRef(query, points, b, s, n, k), `B=5 S=${s} views`);
    expect(seen.dispatches(KNearestNeighboursProgram)).toBe(queryRanges * ranges.length);
    seen.expectBound(limit, s * 12);
  });

  it('throws, naming the kernel and the tensor, when one cloud is over the limit — leaving nothing behind', (ctx) => {
    skipUnlessGPU(ctx);
    const xyz = tf.tensor3d(randomCloud(24, 2 * 37), [2, 37, 3]);
    const [tensors, dataIds] = [tf.memory().numTensors, tf.backend().numDataIds()];
    setStorageBindingLimit(400);
    expect(() => tf.engine().runKernel(FarthestPointSample, { xyz }, { numSamples: 5 })).toThrow(
      'HeedFarthestPointSample: xyz: one slice is 444 bytes, more than the storage binding limit of 400 bytes',
    );
    // The output is planned too: 37 × 37 int32 = 5476 bytes per cloud, over 2000 though the inputs fit.
    setStorageBindingLimit(2000);
    expect(() => tf.engine().runKernel(KNearestNeighbours, { query: xyz, points: xyz }, { k: 37 })).toThrow(
      'HeedKNearestNeighbours: out: one slice is 5476 bytes, more than the storage binding limit of 2000 bytes',
    );
    expect([tf.memory().numTensors, tf.backend().numDataIds()]).toEqual([tensors, dataIds]);
    xyz.dispose();
  });

  it('leaks no tensors, views or GPU bytes, and leaves the inputs intact', async (ctx) => {
    skipUnlessGPU(ctx);
    const values = randomCloud(25, 5 * 37);
    const xyz = tf.tensor3d(values, [5, 37, 3]);
    setStorageBindingLimit(1300);
    const call = async () => {
      const a = tf.engine().runKernel(FarthestPointSample, { xyz }, { numSamples: 9 }) as tf.Tensor;
      const c = tf.engine().runKernel(KNearestNeighbours, { query: xyz, points: xyz }, { k: 4 }) as tf.Tensor;
      const data = await Promise.all([a.data(), c.data()]);
      tf.dispose([a, c]);
      return data;
    };
    await call(); // warm the buffer pool
    const gpu = tf.backend() as WebGPUBackend;
    const [dataIds, bytes] = [gpu.numDataIds(), gpu.memory().numBytesInGPU];
    expect(await tensorsLeakedBy(async () => { for (let i = 0; i < 3; i++) await call(); })).toBe(0);
    expect(gpu.numDataIds()).toBe(dataIds);
    expect(gpu.memory().numBytesInGPU).toBe(bytes);
    // The parent's buffer was never released by a view: it reads back as written.
    expect(await xyz.data()).toEqual(values);
    xyz.dispose();
  });
});
