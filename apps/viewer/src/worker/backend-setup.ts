import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { initWebGPU } from '@heed/webgpu';
import type { BackendName, BackendReport } from '../protocol.js';

// Every wasm build is bundled and served from the site itself: nothing is fetched from a CDN.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/**
 * Makes `requested` the active tfjs backend in this worker. WebGPU goes through @heed/webgpu (its
 * fused kernels registered); without an adapter the worker falls back to wasm and says why.
 *
 * @example
 * ```ts
 * const report = await useBackend('webgpu'); // { backend: 'wasm', fallbackReason: 'WebGPU unavailable: …' } without an adapter
 * ```
 */
export async function useBackend(requested: BackendName): Promise<BackendReport> {
  if (requested === 'webgpu') {
    try {
      const init = await initWebGPU({ fallback: null });
      const info = init.adapterInfo;
      const adapter = [info?.vendor, info?.architecture, info?.description || info?.device].filter(Boolean).join(' / ') || 'WebGPU adapter';
      return { backend: 'webgpu', requested, adapter: `${adapter}; features: ${init.features?.join(', ') || 'none'}` };
    } catch (error) {
      const report = await useBackend('wasm');
      return { ...report, requested, fallbackReason: (error as Error).message };
    }
  }
  if (!(await tf.setBackend(requested))) throw new Error(`tfjs could not start its ${requested} backend`);
  await tf.ready();
  const adapter = requested === 'wasm'
    ? `tfjs-wasm, ${(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD'}, ${(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 'threads' : 'one thread'}`
    : 'tfjs-cpu (plain JavaScript)';
  return { backend: requested, requested, adapter };
}
