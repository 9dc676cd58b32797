import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FarthestPointSample, type FarthestPointSampleAttrs, type FarthestPointSampleInputs } from '@heed/attention';
import { FarthestPointSampleProgram, FpsCentresProgram } from './farthest-point-sample-program.js';
import { dispatchBudget } from './dispatch-budget.js';
import { floorPow2 } from './point-kernel-common.js';

/**
 * Invocations per FPS workgroup: as many as the device allows (a power of two), up to 1024 as
 * pointnet2_ops uses.
 *
 * @example
 * ```ts
 * fpsThreads({ maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256 }); // 256 (SwiftShader)
 * ```
 */
export function fpsThreads(limits: { maxComputeInvocationsPerWorkgroup: number; maxComputeWorkgroupSizeX: number }): number {
  return floorPow2(Math.min(1024, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX));
}

const farthestPointSample: KernelFunc = ({ inputs, backend, attrs }) => {
  const { xyz } = inputs as FarthestPointSampleInputs;
  const { numSamples } = attrs as unknown as FarthestPointSampleAttrs;
  const gpu = backend as WebGPUBackend;
  const [batch, n] = xyz.shape as [number, number, number];
  if (!Number.isInteger(numSamples) || numSamples < 1 || numSamples > n) {
    throw new Error(`FarthestPointSample: numSamples must be an integer in [1, ${n}], got ${numSamples}`);
  }
  const limits = gpu.device.limits;
  if (batch > limits.maxComputeWorkgroupsPerDimension) {
    throw new Error(`FarthestPointSample: batch ${batch} exceeds the device's ${limits.maxComputeWorkgroupsPerDimension} workgroups per dimension`);
  }
  const threads = fpsThreads(limits);
  // State (centres + running distances) lives in the work tensor, so samples can be split
  // across dispatches, each covering at most the dispatch budget of point pairs.
  const work = gpu.makeTensorInfo([batch, numSamples + n], 'int32');
  const perDispatch = Math.max(1, Math.floor(dispatchBudget() / n));
  for (let start = 0; start < numSamples; start += perDispatch) {
    const end = Math.min(numSamples, start + perDispatch);
    const uniforms = [{ type: 'int32', data: [start] }, { type: 'int32', data: [end] }, { type: 'int32', data: [0] }];
    gpu.runWebGPUProgram(new FarthestPointSampleProgram(batch, n, numSamples, threads), [xyz] as TensorInfo[], 'int32', uniforms, work);
  }
  const centres = gpu.runWebGPUProgram(new FpsCentresProgram(batch, numSamples), [work], 'int32');
  gpu.disposeData(work.dataId);
  return centres;
};

/**
 * Farthest point sampling for the `webgpu` backend under {@link FarthestPointSample} (see
 * {@link FarthestPointSampleProgram}); index-exact with `farthestPointSampleJS` of
 * `@heed/point-transformer`.
 *
 * @example
 * ```ts
 * tf.registerKernel(farthestPointSampleConfig); // registerFusedKernels() does this
 * ```
 */
export const farthestPointSampleConfig: KernelConfig = {
  kernelName: FarthestPointSample,
  backendName: 'webgpu',
  kernelFunc: farthestPointSample,
};
