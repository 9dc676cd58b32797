import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { scaledDotProductAttention } from '@heed/attention';
import { inCI, maxRelativeError } from '@heed/testing';
import { FLASH_VARIANT_FLAG, fusedKernelNames, initWebGPU, type WebGPUInit } from './index.js';
import { reference, run } from './test/attention-reference.js';

let init: WebGPUInit;
beforeAll(async () => {
  init = await initWebGPU({ fallback: inCI ? null : 'cpu' });
});

const skipUnlessGPU = (ctx: { skip: (note?: string) => never }) => {
  if (init.backend !== 'webgpu') ctx.skip(`no WebGPU adapter: ${init.reason}`);
};

describe('flash attention on WebGPU', () => {
  it('registers its kernels for webgpu', (ctx) => {
    skipUnlessGPU(ctx);
    expect(fusedKernelNames.length).toBeGreaterThan(0);
    for (const name of fusedKernelNames) expect(tf.getKernel(name, 'webgpu')).toBeDefined();
    expect(tf.getBackend()).toBe('webgpu');
  });

  it.for([
    { name: 'N=333 plain', causal: false },
    { name: 'N=333 causal', causal: true },
  ])('matches float64 to 1e-4: $name', async ({ causal }, ctx) => {
    skipUnlessGPU(ctx);
    const { output, expected } = run(2, 333, 333, 64, 64, { causal });
    expect(maxRelativeError(await output.data(), expected)).toBeLessThan(1e-4);
  });

  // The kernels HEED_FLASH_VARIANT chooses among, each against float64, each proven to have run.
  const variantKeys = { 'rows-scalar': /^heedFlashAttention_\d+_\d+_\d+_\d+_1_/, tiled: /^heedFlashAttentionTiled_/ };
  it.for([
    { variant: 'rows-scalar', bh: 2, tq: 333, tk: 333, d: 64, dv: 64, causal: true },
    { variant: 'tiled', bh: 2, tq: 333, tk: 333, d: 64, dv: 64, causal: false },
    { variant: 'tiled', bh: 2, tq: 333, tk: 333, d: 64, dv: 64, causal: true },
    { variant: 'tiled', bh: 3, tq: 37, tk: 70, d: 18, dv: 32, causal: false, validLens: [70, 13, 0] },
    { variant: 'tiled', bh: 3, tq: 70, tk: 37, d: 128, dv: 128, causal: true, validLens: [37, 5, 0] },
    { variant: 'tiled', bh: 1, tq: 65, tk: 300, d: 16, dv: 16, causal: false, spread: 6 },
  ] as const)('variant $variant matches float64: bh=$bh tq=$tq tk=$tk d=$d dv=$dv causal=$causal', async (c, ctx) => {
    skipUnlessGPU(ctx);
    const programs = vi.spyOn(tf.backend() as WebGPUBackend, 'runWebGPUProgram');
    tf.env().set(FLASH_VARIANT_FLAG, c.variant);
    try {
      const options = c as { causal: boolean; validLens?: readonly number[]; spread?: number };
      const { output, expected } = run(c.bh, c.tq, c.tk, c.d, c.dv, {
        causal: options.causal, ...(options.validLens ? { validLens: [...options.validLens] } : {}), ...(options.spread ? { spread: options.spread } : {}),
      });
      const data = await output.data();
      expect(data.every(Number.isFinite)).toBe(true);
      expect(maxRelativeError(data, expected)).toBeLessThan(1e-4);
      const keys = programs.mock.calls.map(([program]) => program.shaderKey).filter((key) => key.startsWith('heedFlashAttention'));
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((key) => variantKeys[c.variant].test(key))).toBe(true);
    } finally {
      tf.env().set(FLASH_VARIANT_FLAG, 'rows');
      programs.mockRestore();
    }
  });

  it('the tiled variant falls back to the rows kernel where dv is not a multiple of 16', async (ctx) => {
    skipUnlessGPU(ctx);
    tf.env().set(FLASH_VARIANT_FLAG, 'tiled');
    try {
      const { output, expected } = run(2, 40, 40, 16, 24, {});
      expect(maxRelativeError(await output.data(), expected)).toBeLessThan(1e-4);
    } finally {
      tf.env().set(FLASH_VARIANT_FLAG, 'rows');
    }
  });

  it.for([16, 18, 32, 48, 80, 128])('handles head dim %i (18: the scalar path, others four channels per load) with odd lengths, padding and a fully masked slice', async (d, ctx) => {
    skipUnlessGPU(ctx);
    const { output, expected } = run(3, 37, 70, d, d === 80 ? 24 : d, { validLens: [70, 13, 0], causal: d === 48 });
    const data = await output.data();
    expect(data.every(Number.isFinite)).toBe(true);
    expect(maxRelativeError(data, expected)).toBeLessThan(1e-4);
  });

  it('is exact for ±1e4 logits', async (ctx) => {
    skipUnlessGPU(ctx);
    const { output, expected } = run(1, 20, 45, 16, 8, { scale: 1e3, spread: 3 });
    expect(maxRelativeError(await output.data(), expected)).toBeLessThan(1e-4);
  });

  it('never allocates an N×N buffer: N=4096, d=64 peaks under a quarter of one', async (ctx) => {
    skipUnlessGPU(ctx);
    const n = 4096, d = 64;
    const [q, k, v] = [1, 2, 3].map((seed) => tf.randomUniform([1, n, d], -1, 1, 'float32', seed));
    let rows: Float32Array | undefined;
    const profile = await tf.profile(async () => {
      const { output } = scaledDotProductAttention(q!, k!, v!, { returnWeights: false });
      const data = await output.data();
      rows = Float32Array.from([...data.subarray(0, d), ...data.subarray((n - 1) * d)]);
      output.dispose();
    });
    expect(profile.kernelNames).toContain('HeedFusedScaledDotProductAttention');
    expect(profile.peakBytes - 3 * n * d * 4).toBeLessThan((n * n * 4) / 4);
    // And the result is right: the first and last query rows against float64.
    const [qa, ka, va] = await Promise.all([q!, k!, v!].map(async (t) => Array.from(await t.data())));
    const matrix = (a: number[], r: number[]) => r.map((i) => a.slice(i * d, (i + 1) * d));
    const all = Array.from({ length: n }, (_, i) => i);
    const expected = reference([matrix(qa!, [0, n - 1])], [matrix(ka!, all)], [matrix(va!, all)], 1 / Math.sqrt(d), () => true);
    expect(maxRelativeError(rows!, expected)).toBeLessThan(1e-4);
  });
});
