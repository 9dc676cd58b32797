import * as tf from '@tensorflow/tfjs-core';
import { flashAttentionConfig } from './kernels/flash-attention.js';
import { farthestPointSampleConfig } from './kernels/farthest-point-sample.js';
import { kNearestNeighboursConfig } from './kernels/k-nearest-neighbours.js';
import { offsetAttentionConfig } from './kernels/offset-attention.js';

const configs: tf.KernelConfig[] = [flashAttentionConfig, farthestPointSampleConfig, kNearestNeighboursConfig, offsetAttentionConfig];

/**
 * The kernel names this package registers for the `webgpu` backend.
 *
 * @example
 * ```ts
 * fusedKernelNames.every((name) => tf.getKernel(name, 'webgpu')); // true after initWebGPU()
 * ```
 */
export const fusedKernelNames: string[] = configs.map((c) => c.kernelName);

/** Registers every fused kernel for `webgpu` (idempotent). {@link initWebGPU} calls it. */
export function registerFusedKernels(): void {
  for (const config of configs) {
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
  }
}
