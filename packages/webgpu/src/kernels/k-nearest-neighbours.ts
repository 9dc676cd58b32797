import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { KNearestNeighbours, type KNearestNeighboursAttrs, type KNearestNeighboursInputs } from '@heed/attention';
import { KNN_ROWS, KNearestNeighboursProgram } from './k-nearest-neighbours-program.js';
import { dispatchBudget, minDispatchWorkgroups } from './dispatch-budget.js';

const kNearestNeighbours: KernelFunc = ({ inputs, backend, attrs }) => {
  const { query, points } = inputs as KNearestNeighboursInputs;
  const { k } = attrs as unknown as KNearestNeighboursAttrs;
  const gpu = backend as WebGPUBackend;
  const [batch, s] = query.shape as [number, number, number];
  const n = points.shape[1]!;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new Error(`KNearestNeighbours: k must be an integer in [1, ${n}], got ${k}`);
  }
  const limits = gpu.device.limits;
  if (batch > limits.maxComputeWorkgroupsPerDimension) {
    throw new Error(`KNearestNeighbours: batch ${batch} exceeds the device's ${limits.maxComputeWorkgroupsPerDimension} workgroups per dimension`);
  }
  // Split long jobs by queries: each dispatch covers about the dispatch budget of point pairs
  // (whole workgroups, at least minDispatchWorkgroups of them, and no more workgroups than one
  // dimension allows).
  const maxRows = KNN_ROWS * limits.maxComputeWorkgroupsPerDimension;
  const perDispatch = Math.min(maxRows, KNN_ROWS * Math.max(1, minDispatchWorkgroups(), Math.floor(dispatchBudget() / (n * KNN_ROWS))));
  const out = gpu.makeTensorInfo([batch, s, k], 'int32');
  for (let start = 0; start < s; start += perDispatch) {
    const end = Math.min(s, start + perDispatch);
    const program = new KNearestNeighboursProgram(batch, s, k, start, end);
    const uniforms = [{ type: 'int32', data: [start] }, { type: 'int32', data: [end] }, { type: 'int32', data: [0] }];
    gpu.runWebGPUProgram(program, [query, points] as TensorInfo[], 'int32', uniforms, out);
  }
  return out;
};

/**
 * k nearest neighbours for the `webgpu` backend under {@link KNearestNeighbours} (see
 * {@link KNearestNeighboursProgram}); index-exact with `kNearestNeighboursJS` of
 * `@heed/point-transformer`.
 *
 * @example
 * ```ts
 * tf.registerKernel(kNearestNeighboursConfig); // registerFusedKernels() does this
 * ```
 */
export const kNearestNeighboursConfig: KernelConfig = {
  kernelName: KNearestNeighbours,
  backendName: 'webgpu',
  kernelFunc: kNearestNeighbours,
};
