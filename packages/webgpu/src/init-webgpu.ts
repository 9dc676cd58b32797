import * as tf from '@tensorflow/tfjs-core';
import { registerFusedKernels } from './register-fused-kernels.js';
import { watchDeviceLoss } from './device-loss.js';
import { checkFusedKernels } from './kernel-check.js';

/** Options of {@link initWebGPU}. */
export interface InitWebGPUOptions {
  /** Adapter preference passed to `requestAdapter`. Default 'high-performance'. */
  powerPreference?: GPUPowerPreference;
  /**
   * Backend to use when WebGPU is unavailable. Default 'wasm'; `null` throws instead — except
   * after a device loss, when work must go on and `null` means wasm.
   */
  fallback?: 'wasm' | 'cpu' | null;
  /** Extra Dawn toggles in Node, e.g. ['enable-dawn-features=allow_unsafe_apis']. */
  dawnFlags?: string[];
}

/** What {@link initWebGPU} got. */
export interface WebGPUInit {
  /** The active tfjs backend name: 'webgpu', or the fallback. */
  backend: string;
  /** Vendor / architecture / description of the adapter, when WebGPU is active. */
  adapterInfo?: { vendor: string; architecture: string; device: string; description: string };
  /** Limits the device was created with (the adapter's maxima for those that matter here). */
  limits?: Record<string, number>;
  /** Optional features enabled on the device (subgroups, timestamp-query, shader-f16…). */
  features?: string[];
  /** Why the fallback is active, or notes on the driver choice. */
  reason?: string;
  /**
   * Heed kernels this device failed to compile or run on a tiny input (see `checkFusedKernels`):
   * unregistered, so the model code takes its composed path for them. Absent when all run.
   */
  unavailableKernels?: Record<string, string>;
}

const USEFUL_FEATURES: GPUFeatureName[] = ['subgroups', 'timestamp-query', 'shader-f16'] as GPUFeatureName[];
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupsPerDimension',
] as const;

let pending: Promise<WebGPUInit> | undefined;

/**
 * Makes WebGPU the active tfjs backend, in browsers and in Node (Dawn), with the adapter's larger
 * limits and useful features, and registers Heed's fused kernels for it. Without an adapter it
 * activates the fallback backend and says why. Safe to call more than once.
 *
 * The device is watched: when it is lost (driver reset, GPU process crash, `device.destroy()`),
 * a new device replaces it, or the fallback backend when none can be had, and the tensors given to
 * {@link preserveAcrossDeviceLoss} come back under the same objects (see `device-loss.ts`).
 *
 * @example
 * ```ts
 * import { initWebGPU } from '@heed/webgpu';
 * const { backend, adapterInfo, reason } = await initWebGPU();
 * console.log(backend, adapterInfo?.description ?? reason);
 * ```
 */
export function initWebGPU(options: InitWebGPUOptions = {}): Promise<WebGPUInit> {
  pending ??= activate(options, 'initial');
  return pending;
}

/**
 * Creates a device and makes it tfjs's `webgpu` backend; on failure activates the fallback.
 * `attempt` 'recovery' is a device loss being repaired: it never throws, since the caller's
 * work must go on — a `null` fallback then means wasm.
 */
async function activate(options: InitWebGPUOptions, attempt: 'initial' | 'recovery'): Promise<WebGPUInit> {
  try {
    const { device, init } = await createDevice(options);
    // The package registers 'webgpu' at import when navigator.gpu exists; ours replaces that
    // factory (before either is initialised) so the device carries the limits and features above.
    const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', () => new WebGPUBackend(device, init.adapter), 3);
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs failed to initialise the webgpu backend');
    registerFusedKernels();
    const check = await checkFusedKernels();
    const unavailable = Object.keys(check.unavailable);
    if (unavailable.length) console.warn(`[heed] this WebGPU device fails ${unavailable.join(', ')}: using composed ops for them`, check.unavailable);
    watchDeviceLoss(device, tf.findBackend('webgpu')!, () => {
      pending = activate(options, 'recovery');
      return pending;
    });
    const notes = [init.report.reason, check.subgroupsOff].filter(Boolean).join('; ');
    return { ...init.report, reason: notes || undefined, ...(unavailable.length ? { unavailableKernels: check.unavailable } : {}) };
  } catch (error) {
    const reason = `WebGPU unavailable: ${(error as Error).message}`;
    if (options.fallback === null && attempt === 'initial') throw new Error(reason);
    const fallback = options.fallback ?? 'wasm';
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    if (fallback === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend(fallback);
    console.warn(`[heed] ${reason} — using ${fallback}`);
    return { backend: fallback, reason };
  }
}

/** Asks for the adapter's larger limits and useful features. */
async function createDevice(options: InitWebGPUOptions): Promise<{ device: GPUDevice; init: { adapter: GPUAdapterInfo; report: WebGPUInit } }> {
  const notes: string[] = [];
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (!nav?.gpu && typeof process !== 'undefined' && process.versions?.node) {
    const { installNodeGPU } = await import('./node-gpu.js');
    notes.push(await installNodeGPU(options.dawnFlags));
  }
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new Error('this environment has no navigator.gpu');
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter found');
  const features = USEFUL_FEATURES.filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits });
  const info = adapter.info;
  return {
    device,
    init: {
      adapter: info,
      report: {
        backend: 'webgpu',
        adapterInfo: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description },
        limits: requiredLimits,
        features: [...device.features] as string[],
        reason: notes.join('; ') || undefined,
      },
    },
  };
}
