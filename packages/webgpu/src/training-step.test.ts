/**
 * Training works on webgpu: one PCT training step — train-mode forward through the fused kernels
 * (FPS, kNN, offset-attention), backward through the gradients registered by kernel name — equals
 * PyTorch's float64 step within the tolerance the wasm and cpu backends meet (the check and its
 * fixtures are @heed/point-transformer's). Classification only: it runs every fused kernel; the
 * segmentation step (54 s on SwiftShader, 2026-12-01: worst 0.03 of the tolerance) adds no kernel
 * of this package and would add a minute to CI.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FarthestPointSample, KNearestNeighbours, OffsetAttention } from '@heed/attention';
import { inCI } from '@heed/testing';
import { trainingStepVersusPyTorch } from '@heed/point-transformer/test/pytorch-training-step';
import { initWebGPU, type WebGPUInit } from './index.js';

let init: WebGPUInit;
beforeAll(async () => {
  init = await initWebGPU({ fallback: inCI ? null : 'cpu' });
});

describe('a PCT training step on webgpu', () => {
  // 26 s alone on SwiftShader; CI runs other packages' tests beside it on two cores.
  it.for(['classification'] as const)('%s equals PyTorch: loss, every gradient, running statistics', { timeout: 600_000 }, async (name, ctx) => {
    if (init.backend !== 'webgpu') ctx.skip(`no WebGPU adapter: ${init.reason}`);
    let report: Awaited<ReturnType<typeof trainingStepVersusPyTorch>> | undefined;
    const { kernelNames } = await tf.profile(async () => { report = await trainingStepVersusPyTorch(name); });
    console.log(report!.summary);
    expect(report!.failures).toEqual([]);
    // The step ran the fused kernels, not composed fallbacks.
    expect(kernelNames).toEqual(expect.arrayContaining([OffsetAttention, FarthestPointSample, KNearestNeighbours]));
  });
});
