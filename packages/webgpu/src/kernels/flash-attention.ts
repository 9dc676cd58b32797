import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FusedScaledDotProductAttention, type FusedAttentionAttrs, type FusedAttentionInputs } from '@heed/attention';
import { FlashAttentionProgram, chooseTiles } from './flash-attention-program.js';

const flashAttention: KernelFunc = ({ inputs, backend, attrs }) => {
  const { q, k, v, keyLengths } = inputs as FusedAttentionInputs;
  const { scale, causal } = attrs as unknown as FusedAttentionAttrs;
  const gpu = backend as WebGPUBackend;
  const [bh, tq, d] = q.shape as [number, number, number];
  const dv = v.shape[2]!;
  const tiles = chooseTiles(d, dv, gpu.device.limits);
  const program = new FlashAttentionProgram(bh, tq, d, dv, tiles);
  const uniforms = [{ type: 'float32', data: [scale] }, { type: 'int32', data: [causal ? 1 : 0] }];
  return gpu.runWebGPUProgram(program, [q, k, v, keyLengths] as TensorInfo[], 'float32', uniforms);
};

/** Fused scaled-dot-product attention for the `webgpu` backend (see {@link FlashAttentionProgram}). */
export const flashAttentionConfig: KernelConfig = {
  kernelName: FusedScaledDotProductAttention,
  backendName: 'webgpu',
  kernelFunc: flashAttention,
};
