import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FarthestPointSample, KNearestNeighbours } from '@heed/attention';
import { inCI } from '@heed/testing';
import { kNearestNeighbours, kNearestNeighboursJS } from '@heed/point-transformer';
import { SUBGROUPS_FLAG, checkFusedKernels, fusedKernelNames, initWebGPU, registerFusedKernels, type WebGPUInit } from './index.js';

let init: WebGPUInit;
beforeAll(async () => {
  init = await initWebGPU({ fallback: inCI ? null : 'cpu' });
});

const skipUnlessGPU = (ctx: { skip: (note?: string) => never }) => {
  if (init.backend !== 'webgpu') ctx.skip(`no WebGPU adapter: ${init.reason}`);
};

/** Makes the device reject the WGSL of programs `spoil` picks, as a driver without a feature would. */
function spoilShaders(spoil: (label: string, code: string) => boolean): () => void {
  const gpu = tf.backend() as WebGPUBackend;
  const device = gpu.device;
  const create = device.createShaderModule;
  device.createShaderModule = (d) => create.call(device, spoil(d.label ?? '', d.code) ? { ...d, code: `${d.code}\n this is not WGSL` } : d);
  // tfjs keeps compiled pipelines by shader key: forget them so the kernels compile again.
  const internals = gpu as unknown as { pipelineCache: Record<string, unknown> };
  internals.pipelineCache = {};
  return () => {
    device.createShaderModule = create;
    internals.pipelineCache = {};
  };
}

afterEach(() => {
  registerFusedKernels();
  tf.env().set(SUBGROUPS_FLAG, true);
});

describe('checkFusedKernels', () => {
  it('finds every kernel running on a healthy device (initWebGPU reported none unavailable)', async (ctx) => {
    skipUnlessGPU(ctx);
    expect(init.unavailableKernels).toBeUndefined();
    expect(await checkFusedKernels()).toEqual({ unavailable: {} });
    for (const name of fusedKernelNames) expect(tf.getKernel(name, 'webgpu')).toBeDefined();
  });

  it('unregisters a kernel whose WGSL the device rejects, and the model code falls back to its JS path', async (ctx) => {
    skipUnlessGPU(ctx);
    const restore = spoilShaders((label) => label === 'KNearestNeighboursProgram');
    try {
      const { unavailable } = await checkFusedKernels();
      expect(Object.keys(unavailable)).toEqual([KNearestNeighbours]);
      expect(unavailable[KNearestNeighbours]).toMatch(/\S/);
      expect(tf.getKernel(KNearestNeighbours, 'webgpu')).toBeUndefined();
      expect(tf.getKernel(FarthestPointSample, 'webgpu')).toBeDefined();
    } finally {
      restore();
    }
    const cloud = tf.randomUniform([1, 50, 3], -1, 1, 'float32', 5) as tf.Tensor3D;
    const neighbours = kNearestNeighbours(cloud, cloud, 4);
    const expected = kNearestNeighboursJS(await cloud.data() as Float32Array, await cloud.data() as Float32Array, 1, 50, 50, 4);
    expect(Array.from(await neighbours.data())).toEqual(Array.from(expected));
    tf.dispose([cloud, neighbours]);
  });

  it('turns subgroup operations off when only they fail, keeping the kernel', async (ctx) => {
    skipUnlessGPU(ctx);
    if (!(tf.backend() as WebGPUBackend).device.features.has('subgroups') && !inCI) ctx.skip('this adapter has no subgroups');
    const restore = spoilShaders((_, code) => code.includes('enable subgroups;'));
    try {
      const check = await checkFusedKernels();
      expect(check.unavailable).toEqual({});
      expect(check.subgroupsOff).toMatch(new RegExp(`^${FarthestPointSample} failed with subgroup operations`));
      expect(tf.env().getBool(SUBGROUPS_FLAG)).toBe(false);
      expect(tf.getKernel(FarthestPointSample, 'webgpu')).toBeDefined();
    } finally {
      restore();
    }
  });
});
