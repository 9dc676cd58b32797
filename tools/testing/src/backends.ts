/**
 * The tfjs backends every Heed package is tested on, and a switch between them that treats
 * WebGPU honestly: in CI a missing adapter fails the test run; locally it skips, loudly.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { findWebGPU } from './webgpu-adapter.js';

export const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** True when running under CI, where WebGPU tests must run and never skip. */
export const inCI = process.env.CI === 'true' || process.env.CI === '1';

let webgpuRegistered: Promise<boolean> | undefined;

async function registerWebGPU(): Promise<boolean> {
  const found = await findWebGPU();
  if (typeof found === 'string') {
    if (inCI) throw new Error(`WebGPU is required in CI but unavailable: ${found}`);
    console.warn(`\n*** WebGPU tests SKIPPED on this machine: ${found} ***\n`);
    return false;
  }
  // tfjs-backend-webgpu registers itself at import time only when navigator.gpu exists.
  await import('@tensorflow/tfjs-backend-webgpu');
  return true;
}

/**
 * Makes `name` the active tfjs backend. Resolves false only for WebGPU outside CI when no adapter
 * exists (the caller skips); throws in CI instead.
 */
export async function useBackend(name: BackendName): Promise<boolean> {
  if (name === 'webgpu') {
    webgpuRegistered ??= registerWebGPU();
    if (!(await webgpuRegistered)) return false;
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend "${name}" failed to initialise`);
  await tf.ready();
  return true;
}

/**
 * Like {@link useBackend}, but marks the running test as skipped (never as passed) when the backend
 * is unavailable. Pass the test context: `it('…', async (ctx) => { await backendOrSkip(ctx, name); … })`.
 */
export async function backendOrSkip(ctx: { skip: (note?: string) => never }, name: BackendName): Promise<void> {
  if (!(await useBackend(name))) ctx.skip(`${name} unavailable on this machine`);
}

/** The raw GPUDevice behind the active webgpu backend (for kernels that bypass tfjs ops). */
export function activeGPUDevice(): GPUDevice {
  const backend = tf.backend() as unknown as { device?: GPUDevice };
  if (!backend.device) throw new Error(`active backend "${tf.getBackend()}" has no GPUDevice`);
  return backend.device;
}
