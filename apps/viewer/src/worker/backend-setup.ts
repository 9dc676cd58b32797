import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { initWebGPU } from '@heed/webgpu';
import type { BackendChoice, BackendReport, TfjsBackendName } from '../protocol.js';
import { type MachineProbe, chooseAutoBackend } from './auto-backend.js';
import { ortThreads } from './ort-runtime.js';

// Every wasm build is bundled and served from the site itself: nothing is fetched from a CDN.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/**
 * Makes `requested` the backend models run on in this worker. WebGPU goes through @heed/webgpu
 * (its fused kernels registered); without an adapter the worker falls back to wasm and says why.
 * The onnxruntime engines keep tfjs on wasm for what follows a forward pass (mixing matrices,
 * statistics, rollout); `ort-webgpu` without an adapter falls back to `ort-wasm`. `auto` picks by
 * {@link chooseAutoBackend} and says why in `autoReason`.
 *
 * @example
 * ```ts
 * const report = await useBackend('webgpu'); // { backend: 'wasm', fallbackReason: 'WebGPU unavailable: …' } without an adapter
 * ```
 */
export async function useBackend(requested: BackendChoice): Promise<BackendReport> {
  if (requested === 'auto') {
    const { backend, reason } = chooseAutoBackend(await probeMachine());
    return { ...(await useBackend(backend)), requested, autoReason: reason };
  }
  if (requested === 'ort-wasm' || requested === 'ort-webgpu') {
    await useTfjs('wasm');
    if (requested === 'ort-webgpu') {
      const gpu = (await probeMachine()).gpu;
      if (gpu) return { backend: requested, requested, adapter: `onnxruntime-web WebGPU on ${[gpu.vendor, gpu.architecture, gpu.description || gpu.device].filter(Boolean).join(' / ')}` };
      return { backend: 'ort-wasm', requested, adapter: ortWasmAdapter(), fallbackReason: 'no WebGPU adapter' };
    }
    return { backend: requested, requested, adapter: ortWasmAdapter() };
  }
  if (requested === 'webgpu') {
    try {
      const init = await initWebGPU({ fallback: null });
      const info = init.adapterInfo;
      const adapter = [info?.vendor, info?.architecture, info?.description || info?.device].filter(Boolean).join(' / ') || 'WebGPU adapter';
      // A Heed kernel the device failed on runs as composed ops: say which.
      const unavailable = Object.keys(init.unavailableKernels ?? {});
      const kernels = unavailable.length ? `; composed ops instead of ${unavailable.join(', ')} (the device failed them)` : '';
      return { backend: 'webgpu', requested, adapter: `${adapter}; features: ${init.features?.join(', ') || 'none'}${kernels}` };
    } catch (error) {
      const report = await useBackend('wasm');
      return { ...report, requested, fallbackReason: (error as Error).message };
    }
  }
  await useTfjs(requested);
  const adapter = requested === 'wasm'
    ? `tfjs-wasm, ${(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD'}, ${(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 'threads' : 'one thread'}`
    : 'tfjs-cpu (plain JavaScript)';
  return { backend: requested, requested, adapter };
}

async function useTfjs(name: TfjsBackendName): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs could not start its ${name} backend`);
  await tf.ready();
}

function ortWasmAdapter(): string {
  const threads = ortThreads();
  return `onnxruntime-web wasm, SIMD, ${threads} thread${threads > 1 ? 's' : ''}`;
}

let probed: Promise<MachineProbe> | undefined;

/** The WebGPU adapter this worker would get (asked once). */
function probeMachine(): Promise<MachineProbe> {
  probed ??= (async () => {
    try {
      const adapter = await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) return {};
      const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
      const fallback = info.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
      return { gpu: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, ...(fallback !== undefined ? { isFallbackAdapter: fallback } : {}) } };
    } catch {
      return {};
    }
  })();
  return probed;
}
