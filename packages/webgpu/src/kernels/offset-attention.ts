import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { OffsetAttention, type OffsetAttentionAttrs, type OffsetAttentionInputs } from '@heed/attention';
import {
  OffsetAttentionColumnsProgram, OffsetAttentionRowStatsProgram, chooseOffsetAttentionTiles,
} from './offset-attention-program.js';

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
  if (b === 0 || n === 0 || c === 0) return gpu.makeTensorInfo([b, n, c], 'float32');
  const tiles = chooseOffsetAttentionTiles(dq, c, gpu.device.limits);
  // Pass 1: (max, sum of exp) of each softmax row, [B, N, 2]. Pass 2: column sums and Âᵀ·V.
  const stats = gpu.runWebGPUProgram(new OffsetAttentionRowStatsProgram(b, n, dq, tiles), [query, key] as TensorInfo[], 'float32');
  const program = new OffsetAttentionColumnsProgram(b, n, dq, c, tiles);
  const out = gpu.runWebGPUProgram(program, [query, key, value, stats] as TensorInfo[], 'float32', [{ type: 'float32', data: [epsilon] }]);
  gpu.disposeData(stats.dataId);
  return out;
};

/**
 * PCT's offset-attention (x_r = Âᵀ·V with Â the column-l1-normalised row softmax of q·kᵀ) for the
 * `webgpu` backend under {@link OffsetAttention}, in two streaming passes with O(N·(dq + C))
 * memory (see {@link OffsetAttentionRowStatsProgram} and {@link OffsetAttentionColumnsProgram}).
 * Forward only: `@heed/point-transformer` registers the gradient by name.
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
