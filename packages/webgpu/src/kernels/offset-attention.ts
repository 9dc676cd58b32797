import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { OffsetAttention, type OffsetAttentionAttrs, type OffsetAttentionInputs } from '@heed/attention';
import {
  OffsetAttentionColumnsProgram, OffsetAttentionRowStatsProgram, chooseOffsetAttentionTiles,
} from './offset-attention-program.js';
import { bindSlices, planSliceRanges, storageBindingLimit } from './binding-view.js';

const offsetAttention: KernelFunc = ({ inputs, backend, attrs }) => {
  const { query, key, value } = inputs as OffsetAttentionInputs;
  const { epsilon } = attrs as unknown as OffsetAttentionAttrs;
  const gpu = backend as WebGPUBackend;
  const [b, n, dq] = query.shape as [number, number, number];
  const c = value.shape[2]!;
  const ok = query.shape.length === 3 && key.shape.length === 3 && value.shape.length === 3
    && key.shape[0] === b && value.shape[0] === b && key.shape[1] === n && value.shape[1] === n && key.shape[2] === dq;
  if (!ok) {
    throw new Error(`OffsetAttention: expected query [B, N, d], key [B, N, d], value [B, N, C]; got [${query.shape}], [${key.shape}], [${value.shape}]`);
  }
  if (b === 0 || n === 0 || c === 0) return gpu.makeTensorInfo([b, n, c], 'float32', new Float32Array(0));
  const limits = gpu.device.limits;
  const tiles = chooseOffsetAttentionTiles(dq, c, limits);
  const [bindingLimit, alignment] = [storageBindingLimit(limits), limits.minStorageBufferOffsetAlignment];
  // Ranges of batch elements (dispatch y) that every tensor can bind, planned before the
  // intermediate and the output exist so that one too large to bind throws leaving nothing behind.
  const ranges = planSliceRanges(OffsetAttention, b, { query: n * dq * 4, key: n * dq * 4, value: n * c * 4, stats: n * 2 * 4, out: n * c * 4 },
    bindingLimit, alignment, limits.maxComputeWorkgroupsPerDimension);
  // Pass 1: (max, sum of exp) of each softmax row, [B, N, 2]. Pass 2: column sums and Âᵀ·V.
  const stats = gpu.makeTensorInfo([b, n, 2], 'float32');
  const out = gpu.makeTensorInfo([b, n, c], 'float32');
  for (const { first, count } of ranges) {
    bindSlices(gpu, [query, key, value, stats, out] as TensorInfo[], first, count, bindingLimit, alignment, (bound) => {
      const [bq, bk, bv, bs, bo] = bound.map((x) => ({ info: x.info, base: { type: 'int32', data: [x.base] } }));
      gpu.runWebGPUProgram(new OffsetAttentionRowStatsProgram(count, n, dq, tiles), [bq!.info, bk!.info], 'float32', [bq!.base, bk!.base, bs!.base], bs!.info);
      gpu.runWebGPUProgram(new OffsetAttentionColumnsProgram(count, n, dq, c, tiles), [bq!.info, bk!.info, bv!.info, bs!.info], 'float32',
        [{ type: 'float32', data: [epsilon] }, bq!.base, bk!.base, bv!.base, bs!.base, bo!.base], bo!.info);
    });
  }
  gpu.disposeData(stats.dataId);
  return out;
};

/**
 * PCT's offset-attention (x_r = Âᵀ·V with Â the column-l1-normalised row softmax of q·kᵀ) for the
 * `webgpu` backend under {@link OffsetAttention}, in two streaming passes with O(N·(dq + C))
 * memory (see {@link OffsetAttentionRowStatsProgram} and {@link OffsetAttentionColumnsProgram}).
 * Run a range of batch elements at a time that every tensor can bind ({@link planSliceRanges},
 * {@link bindSlices}; one range when all fit). Forward only: `@heed/point-transformer` registers
 * the gradient by name.
 *
 * @example
 * ```ts
 * tf.registerKernel(offsetAttentionConfig); // registerFusedKernels() does this
 * const out = tf.engine().runKernel(OffsetAttention, { query: qk, key: qk, value: v }, { epsilon: 1e-9 });
 * ```
 */
export const offsetAttentionConfig: KernelConfig = {
  kernelName: OffsetAttention,
  backendName: 'webgpu',
  kernelFunc: offsetAttention,
};
