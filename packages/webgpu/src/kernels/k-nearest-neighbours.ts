import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { KNearestNeighbours, type KNearestNeighboursAttrs, type KNearestNeighboursInputs } from '@heed/attention';
import { KNN_ROWS, KNearestNeighboursProgram } from './k-nearest-neighbours-program.js';
import { dispatchBudget, minDispatchWorkgroups } from './dispatch-budget.js';
import { bindSlices, planSliceRanges, storageBindingLimit } from './binding-view.js';

const kNearestNeighbours: KernelFunc = ({ inputs, backend, attrs }) => {
  const { query, points } = inputs as KNearestNeighboursInputs;
  const { k } = attrs as unknown as KNearestNeighboursAttrs;
  const gpu = backend as WebGPUBackend;
  const [batch, s] = query.shape as [number, number, number];
  const n = points.shape[1]!;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new Error(`KNearestNeighbours: k must be an integer in [1, ${n}], got ${k}`);
  }
  if (batch * s === 0) return gpu.makeTensorInfo([batch, s, k], 'int32', new Int32Array(0));
  const limits = gpu.device.limits;
  const [bindingLimit, alignment] = [storageBindingLimit(limits), limits.minStorageBufferOffsetAlignment];
  // Ranges of clouds (dispatch y) that every tensor can bind, planned before the output exists so
  // that a cloud too large to bind throws leaving nothing behind.
  const ranges = planSliceRanges(KNearestNeighbours, batch, { query: s * 3 * 4, points: n * 3 * 4, out: s * k * 4 },
    bindingLimit, alignment, limits.maxComputeWorkgroupsPerDimension);
  // Within a range, split long jobs by queries: each dispatch covers about the dispatch budget of
  // point pairs per cloud (whole workgroups, at least minDispatchWorkgroups of them, and no more
  // workgroups than one dimension allows).
  const maxRows = KNN_ROWS * limits.maxComputeWorkgroupsPerDimension;
  const perDispatch = Math.min(maxRows, KNN_ROWS * Math.max(1, minDispatchWorkgroups(), Math.floor(dispatchBudget() / (n * KNN_ROWS))));
  const out = gpu.makeTensorInfo([batch, s, k], 'int32');
  for (const { first, count } of ranges) {
    bindSlices(gpu, [query, points, out] as TensorInfo[], first, count, bindingLimit, alignment, (bound) => {
      const bases = bound.map((b) => ({ type: 'int32', data: [b.base] }));
      for (let start = 0; start < s; start += perDispatch) {
        const end = Math.min(s, start + perDispatch);
        const program = new KNearestNeighboursProgram(count, s, k, start, end);
        const uniforms = [{ type: 'int32', data: [start] }, { type: 'int32', data: [end] }, { type: 'int32', data: [0] }, ...bases];
        gpu.runWebGPUProgram(program, [bound[0]!.info, bound[1]!.info], 'int32', uniforms, bound[2]!.info);
      }
    });
  }
  return out;
};

/**
 * k nearest neighbours for the `webgpu` backend under {@link KNearestNeighbours} (see
 * {@link KNearestNeighboursProgram}); index-exact with `kNearestNeighboursJS` of
 * `@heed/point-transformer`. Run a range of clouds at a time that every tensor can bind
 * ({@link planSliceRanges}, {@link bindSlices}), and within it a range of queries per dispatch
 * ({@link dispatchBudget}).
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
