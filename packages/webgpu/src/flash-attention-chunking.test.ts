/**
 * Fused attention split across dispatches (a dispatch budget of query–key pairs, the workgroup
 * limit per dimension) and bound a range of slices at a time (tensors over the storage binding
 * limit): the plan itself, and the kernel against float64 with tiny budgets and limits.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { scaledDotProductAttention } from '@heed/attention';
import { inCI, maxRelativeError, tensorsLeakedBy } from '@heed/testing';
import { initWebGPU, FlashAttentionProgram, FlashAttentionTiledProgram, DEFAULT_PAIRS_PER_DISPATCH, pointKernelDispatchBudget, type WebGPUInit } from './index.js';
import { DEFAULT_DISPATCH_BUDGET, setDispatchBudget } from './kernels/dispatch-budget.js';
import { setStorageBindingLimit } from './kernels/binding-view.js';
import { FLASH_VARIANT_FLAG, planAttentionDispatches, type AttentionDispatch, type AttentionPlanInput } from './kernels/flash-attention.js';
import { run } from './test/attention-reference.js';

let init: WebGPUInit;
beforeAll(async () => {
  init = await initWebGPU({ fallback: inCI ? null : 'cpu' });
});
afterEach(() => {
  setDispatchBudget(DEFAULT_DISPATCH_BUDGET);
  tf.env().set(FLASH_VARIANT_FLAG, 'rows');
  setStorageBindingLimit(null);
  vi.restoreAllMocks();
});

const skipUnlessGPU = (ctx: { skip: (note?: string) => never }) => {
  if (init.backend !== 'webgpu') ctx.skip(`no WebGPU adapter: ${init.reason}`);
};

/** A plan input for [bh, tq, d] q and output and [bh, tk, d] k and v, with generous limits. */
function planInput(bh: number, tq: number, tk: number, d: number, over: Partial<AttentionPlanInput> = {}): AttentionPlanInput {
  return {
    bh, tq, tk, rowsPerWorkgroup: 64, budget: DEFAULT_DISPATCH_BUDGET, minWorkgroups: 1, maxWorkgroups: 65535, bindingLimit: 2 ** 27, alignment: 256,
    sliceBytes: { q: tq * d * 4, k: tk * d * 4, v: tk * d * 4, keyLengths: 4, output: tq * d * 4 },
    ...over,
  };
}

/** Every (slice, row) covered exactly once, within the budget and the workgroup limit. */
function expectCovers(plan: AttentionDispatch[], p: AttentionPlanInput) {
  const seen = new Uint8Array(p.bh * p.tq);
  for (const c of plan) {
    for (let s = c.sliceStart; s < c.sliceStart + c.slices; s++) for (let r = c.rowStart; r < c.rowStart + c.rows; r++) seen[s * p.tq + r]!++;
    expect(c.slices * c.rows * p.tk <= p.budget || (c.slices === 1 && c.rows <= p.rowsPerWorkgroup)).toBe(true);
    expect(Math.max(c.slices, Math.ceil(c.rows / p.rowsPerWorkgroup))).toBeLessThanOrEqual(p.maxWorkgroups);
  }
  expect(seen.every((n) => n === 1)).toBe(true);
}

describe('planAttentionDispatches', () => {
  it('is one dispatch within the budget', () => {
    expect(planAttentionDispatches(planInput(2, 333, 333, 64))).toEqual([{ sliceStart: 0, slices: 2, rowStart: 0, rows: 333 }]);
  });

  it('splits rows by whole workgroups, then packs slices, by the budget', () => {
    const byRows = planInput(3, 333, 333, 64, { budget: 64 * 333 });
    const rows = planAttentionDispatches(byRows);
    expect(rows).toHaveLength(18); // 6 row ranges of ≤ 64 × 3 slices
    expectCovers(rows, byRows);
    const bySlices = planInput(5, 37, 70, 16, { budget: 2 * 37 * 70 });
    expect(planAttentionDispatches(bySlices).map((c) => c.slices)).toEqual([2, 2, 1]);
    expectCovers(planAttentionDispatches(bySlices), bySlices);
  });

  it('keeps minWorkgroups per dispatch whatever the budget, so long sequences do not serialise', () => {
    // N = 262,144, 8 heads: by the budget alone, 4 workgroups of rows per dispatch.
    const p = planInput(8, 262_144, 262_144, 64, { budget: 2 ** 26, minWorkgroups: 1024 });
    const plan = planAttentionDispatches(p);
    expect(plan).toHaveLength(8 * 4); // 4096 workgroups of rows per slice, 1024 per dispatch
    expect(plan.every((c) => c.rows === 1024 * 64 && c.slices === 1)).toBe(true);
    expectCovers(plan, { ...p, budget: Infinity });
    // Short sequences: slices are packed up to the floor too (8 slices × 16 workgroups, one dispatch).
    expect(planAttentionDispatches(planInput(8, 1000, 1000, 64, { budget: 1, minWorkgroups: 1024 }))).toHaveLength(1);
    expect(planAttentionDispatches(planInput(8, 1000, 1000, 64, { budget: 1, minWorkgroups: 32 })).map((c) => c.slices)).toEqual([2, 2, 2, 2]);
  });

  it('never exceeds the workgroups per dimension', () => {
    const p = planInput(10, 1000, 8, 16, { maxWorkgroups: 4 });
    const plan = planAttentionDispatches(p);
    expect(plan.map((c) => c.rows)).toContain(256);
    expectCovers(plan, p);
  });

  it('binds slice ranges within the binding limit, offsets rounded down to the alignment', () => {
    // One slice of q is 2368 bytes (not a multiple of 256): slice 2 starts 128 bytes past an
    // aligned offset, so from there only one slice fits in 2 · 2368 + 100 bytes.
    const p = planInput(5, 37, 37, 16, { bindingLimit: 2 * 2368 + 100 });
    expect(planAttentionDispatches(p).map((c) => [c.sliceStart, c.slices])).toEqual([[0, 2], [2, 1], [3, 1], [4, 1]]);
    expectCovers(planAttentionDispatches(p), p);
  });

  it('names the tensor whose one slice exceeds the binding limit', () => {
    expect(() => planAttentionDispatches(planInput(5, 37, 74, 16, { bindingLimit: 4000 }))).toThrow(
      'HeedFusedScaledDotProductAttention: k: one slice is 4736 bytes, more than the storage binding limit of 4000 bytes',
    );
  });

  it('keeps the point kernels\' names for the one budget', () => {
    expect(DEFAULT_PAIRS_PER_DISPATCH).toBe(DEFAULT_DISPATCH_BUDGET);
    const previous = setDispatchBudget(1234);
    expect(pointKernelDispatchBudget()).toBe(1234);
    setDispatchBudget(previous);
  });
});

/** Counts the flash attention dispatches and records the storage bindings of every bind group. */
function watch() {
  const gpu = tf.backend() as WebGPUBackend;
  const runs = vi.spyOn(gpu, 'runWebGPUProgram');
  const groups = vi.spyOn(gpu.device, 'createBindGroup');
  return {
    dispatches: () => runs.mock.calls.filter(([program]) => program instanceof FlashAttentionProgram || program instanceof FlashAttentionTiledProgram).length,
    bindings: () => groups.mock.calls.flatMap(([{ entries }]) => [...entries].map((e) => e.resource as GPUBufferBinding))
      .filter((b) => b.buffer.usage & GPUBufferUsage.STORAGE),
    tiled: () => runs.mock.calls.filter(([program]) => program instanceof FlashAttentionTiledProgram).length,
    alignment: gpu.device.limits.minStorageBufferOffsetAlignment,
  };
}

describe('fused attention split across dispatches on WebGPU', () => {
  it.for([
    { name: 'plain', causal: false },
    { name: 'causal', causal: true },
  ])('matches float64 with a tiny budget, N=333, key lengths: $name', async ({ causal }, ctx) => {
    skipUnlessGPU(ctx);
    setDispatchBudget(64 * 333, 1); // one workgroup of rows of one slice per dispatch
    const seen = watch();
    const { output, expected, inputs } = run(3, 333, 333, 32, 32, { causal, validLens: [333, 200, 0] });
    expect(seen.dispatches()).toBe(6 * 3);
    expect(maxRelativeError(await output.data(), expected)).toBeLessThan(1e-4);
    tf.dispose([output, ...inputs]);
  });

  it.for([
    { name: 'all views', tq: 37, tk: 37, budget: DEFAULT_DISPATCH_BUDGET, dispatches: 4 },
    { name: 'q and output views, k and v whole', tq: 37, tk: 8, budget: DEFAULT_DISPATCH_BUDGET, dispatches: 4 },
    { name: 'k and v one slice each', tq: 37, tk: 70, budget: DEFAULT_DISPATCH_BUDGET, dispatches: 5 },
    { name: 'views and row ranges', tq: 150, tk: 37, budget: 64 * 37, dispatches: 5 * 3 },
    { name: 'views and row ranges, tiled kernel', tq: 150, tk: 37, budget: 64 * 37, dispatches: 5 * 3, variant: 'tiled' },
  ])('matches float64 binding a few slices at a time: $name', async ({ tq, tk, budget, dispatches, variant }, ctx) => {
    skipUnlessGPU(ctx);
    setDispatchBudget(budget, 1);
    // Both kernels take 64 query rows per workgroup here, so the plans agree.
    tf.env().set(FLASH_VARIANT_FLAG, variant ?? 'rows');
    // Two slices of q, or one where the first starts off the alignment: slices of 37 · 16 floats
    // are 2368 bytes (slice 2 starts at 4736, bound from 4608), of 150 · 16 floats 9600.
    const sliceBytes = tq * 16 * 4;
    const limit = 2 * sliceBytes + 100;
    setStorageBindingLimit(limit);
    const seen = watch();
    const { output, expected, inputs } = run(5, tq, tk, 16, 16, { causal: true, validLens: [tk, 20, 0, tk, 5] });
    expect(seen.dispatches()).toBe(dispatches);
    expect(seen.tiled()).toBe(variant === 'tiled' ? dispatches : 0);
    expect(maxRelativeError(await output.data(), expected)).toBeLessThan(1e-4);
    const bound = seen.bindings();
    for (const b of bound) {
      expect(b.size ?? b.buffer.size).toBeLessThanOrEqual(limit);
      expect((b.offset ?? 0) % seen.alignment).toBe(0);
    }
    expect(bound.some((b) => (b.offset ?? 0) % sliceBytes !== 0)).toBe(true);
    tf.dispose([output, ...inputs]);
  });

  it('throws, naming the tensor, when one slice exceeds the binding limit — leaving nothing behind', (ctx) => {
    skipUnlessGPU(ctx);
    const [q, k, v] = [tf.ones([2, 37, 16]), tf.ones([2, 37, 16]), tf.ones([2, 37, 16])];
    const [tensors, dataIds] = [tf.memory().numTensors, tf.backend().numDataIds()];
    setStorageBindingLimit(1024);
    expect(() => scaledDotProductAttention(q!, k!, v!, { returnWeights: false })).toThrow(
      /q: one slice is 2368 bytes, more than the storage binding limit of 1024 bytes/,
    );
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(dataIds);
    tf.dispose([q!, k!, v!]);
  });

  it('leaks no tensors, views or GPU bytes, and leaves the inputs intact', async (ctx) => {
    skipUnlessGPU(ctx);
    setStorageBindingLimit(2 * 37 * 16 * 4 + 100);
    setDispatchBudget(64 * 37, 1);
    const { output, inputs, values } = run(5, 37, 37, 16, 16, { causal: true });
    const first = await output.data();
    output.dispose();
    const gpu = tf.backend() as WebGPUBackend;
    const dataIds = gpu.numDataIds();
    const bytes = gpu.memory().numBytesInGPU;
    const call = async () => {
      const { output } = scaledDotProductAttention(...inputs, { causal: true, returnWeights: false });
      expect(await output.data()).toEqual(first);
      output.dispose();
    };
    expect(await tensorsLeakedBy(call)).toBe(0);
    expect(gpu.numDataIds()).toBe(dataIds);
    expect(gpu.memory().numBytesInGPU).toBe(bytes);
    // The parents' buffers were never released: the inputs read back as they were written.
    for (const [i, t] of inputs.entries()) expect(maxRelativeError(await t.data(), values[i]!)).toBeLessThan(1e-7);
    tf.dispose([...inputs]);
  });
});
