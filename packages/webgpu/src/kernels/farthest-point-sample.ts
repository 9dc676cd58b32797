import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FarthestPointSample, type FarthestPointSampleAttrs, type FarthestPointSampleInputs } from '@heed/attention';
import { FarthestPointSampleProgram, FpsCentresProgram } from './farthest-point-sample-program.js';
import { dispatchBudget } from './dispatch-budget.js';
import { useSubgroups } from './subgroups.js';
import { floorPow2 } from './point-kernel-common.js';
import { bindSlices, planSliceRanges, storageBindingLimit, type SliceBinding } from './binding-view.js';

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
  if (batch === 0) return gpu.makeTensorInfo([0, numSamples], 'int32', new Int32Array(0));
  const limits = gpu.device.limits;
  const threads = fpsThreads(limits);
  const subgroups = useSubgroups(gpu);
  const [bindingLimit, alignment] = [storageBindingLimit(limits), limits.minStorageBufferOffsetAlignment];
  // Ranges of clouds (one workgroup each) that every tensor can bind; planned before anything is
  // allocated, so that a cloud too large to bind throws leaving nothing behind.
  const ranges = planSliceRanges(FarthestPointSample, batch, { xyz: n * 3 * 4, work: (numSamples + n) * 4, out: numSamples * 4 },
    bindingLimit, alignment, limits.maxComputeWorkgroupsPerDimension);
  // State (centres + running distances) lives in the work tensor, so samples can be split
  // across dispatches, each covering at most the dispatch budget of point pairs.
  const work = gpu.makeTensorInfo([batch, numSamples + n], 'int32');
  const out = gpu.makeTensorInfo([batch, numSamples], 'int32');
  const perDispatch = Math.max(1, Math.floor(dispatchBudget() / n));
  const base = (b: SliceBinding) => ({ type: 'int32', data: [b.base] });
  for (const { first, count } of ranges) {
    bindSlices(gpu, [xyz, work, out] as TensorInfo[], first, count, bindingLimit, alignment, ([x, w, o]) => {
      for (let start = 0; start < numSamples; start += perDispatch) {
        const end = Math.min(numSamples, start + perDispatch);
        const uniforms = [{ type: 'int32', data: [start] }, { type: 'int32', data: [end] }, { type: 'int32', data: [0] }, base(x!), base(w!)];
        gpu.runWebGPUProgram(new FarthestPointSampleProgram(count, n, numSamples, threads, subgroups), [x!.info], 'int32', uniforms, w!.info);
      }
      gpu.runWebGPUProgram(new FpsCentresProgram(count, numSamples), [w!.info], 'int32', [base(w!), base(o!)], o!.info);
    });
  }
  gpu.disposeData(work.dataId);
  return out;
};

/**
 * Farthest point sampling for the `webgpu` backend under {@link FarthestPointSample} (see
 * {@link FarthestPointSampleProgram}); index-exact with `farthestPointSampleJS` of
 * `@heed/point-transformer`. Long jobs are split by samples across dispatches
 * ({@link dispatchBudget}); inputs larger than one storage binding, and batches larger than one
 * dispatch dimension, are run a range of clouds at a time ({@link planSliceRanges}, {@link bindSlices}).
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
