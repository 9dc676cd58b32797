/**
 * A WGSL kernel the device will not compile or run does not throw in tfjs: WebGPU reports the
 * error on the side (a console warning) and the output buffer is garbage. So after registering
 * Heed's kernels, each runs once on a tiny input inside WebGPU error scopes; one that fails is
 * unregistered — the model code then takes its composed or JavaScript path — and reported.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FarthestPointSample, FusedScaledDotProductAttention, KNearestNeighbours, OffsetAttention } from '@heed/attention';
import { SUBGROUPS_FLAG } from './kernels/subgroups.js';

/** One tiny call of a fused kernel: its inputs and attributes. */
const PROBES: Record<string, () => { inputs: tf.NamedTensorMap; attrs: tf.NamedAttrMap }> = {
  [FusedScaledDotProductAttention]: () => ({
    inputs: { q: tf.ones([1, 5, 16]), k: tf.ones([1, 5, 16]), v: tf.ones([1, 5, 16]), keyLengths: tf.tensor1d([5], 'int32') },
    attrs: { scale: 0.25, causal: true },
  }),
  [FarthestPointSample]: () => ({ inputs: { xyz: tf.randomUniform([1, 9, 3], 0, 1, 'float32', 1) }, attrs: { numSamples: 4 } }),
  [KNearestNeighbours]: () => ({
    inputs: { query: tf.randomUniform([1, 3, 3], 0, 1, 'float32', 2), points: tf.randomUniform([1, 9, 3], 0, 1, 'float32', 3) },
    attrs: { k: 2 },
  }),
  [OffsetAttention]: () => ({
    inputs: { query: tf.ones([1, 5, 16]), key: tf.ones([1, 5, 16]), value: tf.ones([1, 5, 8]) },
    attrs: { epsilon: 1e-9 },
  }),
};

/** The first WebGPU error `run` causes (validation, internal, out of memory), or what it throws. */
async function firstError(device: GPUDevice, run: () => Promise<void>): Promise<string | undefined> {
  const scopes: GPUErrorFilter[] = ['validation', 'internal', 'out-of-memory'];
  for (const scope of scopes) device.pushErrorScope(scope);
  let thrown: string | undefined;
  try {
    await run();
  } catch (error) {
    thrown = (error as Error).message;
  }
  const errors = [];
  for (let i = 0; i < scopes.length; i++) errors.push(await device.popErrorScope());
  return thrown ?? errors.find((e) => e)?.message;
}

async function probe(name: string, gpu: WebGPUBackend): Promise<string | undefined> {
  return firstError(gpu.device, async () => {
    const { inputs, attrs } = PROBES[name]!();
    try {
      const out = tf.engine().runKernel(name, inputs, attrs) as tf.Tensor;
      await out.data();
      out.dispose();
    } finally {
      tf.dispose(Object.values(inputs));
    }
  });
}

/** What {@link checkFusedKernels} found. */
export interface KernelCheck {
  /** Kernels the device failed on (now unregistered), with the error. */
  unavailable: Record<string, string>;
  /** Set when a kernel ran only without subgroup operations: why they are now off. */
  subgroupsOff?: string;
}

/**
 * Runs each of Heed's kernels registered for the active `webgpu` backend once on a tiny input;
 * unregisters those the device fails on, and says why, by kernel name. A kernel that fails with
 * subgroup operations is tried once more without them (flag `HEED_SUBGROUPS` off, which then
 * stays off). `initWebGPU` calls it and reports the result.
 *
 * @example
 * ```ts
 * const { unavailable } = await checkFusedKernels(); // {} on a healthy device
 * ```
 */
export async function checkFusedKernels(): Promise<KernelCheck> {
  const gpu = tf.backend() as WebGPUBackend;
  const check: KernelCheck = { unavailable: {} };
  for (const name of Object.keys(PROBES)) {
    if (!tf.getKernel(name, 'webgpu')) continue;
    let error = await probe(name, gpu);
    if (error && tf.env().getBool(SUBGROUPS_FLAG) && gpu.device.features.has('subgroups')) {
      tf.env().set(SUBGROUPS_FLAG, false);
      if (await probe(name, gpu)) {
        tf.env().set(SUBGROUPS_FLAG, true);
      } else {
        check.subgroupsOff = `${name} failed with subgroup operations (${error}); they are off`;
        error = undefined;
      }
    }
    if (error) {
      tf.unregisterKernel(name, 'webgpu');
      check.unavailable[name] = error;
    }
  }
  return check;
}
