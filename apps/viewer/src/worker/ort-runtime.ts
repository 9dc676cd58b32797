import { type OnnxSession, createOnnxSession } from '@heed/onnx/points';
// onnxruntime-web's runtime files, served by the site itself (nothing from a CDN). vite.config.ts
// resolves `onnxruntime-web` to its plain-wasm build and `onnxruntime-web/webgpu` to its WebGPU
// (asyncify) build, both in their "extern wasm" form: they import these .mjs files by URL, so
// wasm threads start from the .mjs itself rather than from the viewer's worker bundle.
import wasmMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import wasmBinary from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import webgpuMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import webgpuBinary from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { OrtBackendName } from '../protocol.js';

/** onnxruntime wants absolute URLs; Vite's relative base gives them relative to the worker. */
const absolute = (url: string) => new URL(url, self.location.href).href;

/**
 * wasm threads onnxruntime-web may use: every core when the page is cross-origin isolated
 * (vite.config.ts sends COOP/COEP), else one. Its own default takes half the cores (one here).
 */
export function ortThreads(): number {
  return self.crossOriginIsolated ? Math.max(1, navigator.hardwareConcurrency || 1) : 1;
}

/**
 * The runtime files (absolute URLs on this site) of onnxruntime-web's build for `engine`.
 *
 * @example
 * ```ts
 * ort.env.wasm.wasmPaths = ortWasmPaths('ort-wasm'); // { mjs: 'http://…/ort-wasm-simd-threaded-….mjs', wasm: … }
 * ```
 */
export function ortWasmPaths(engine: OrtBackendName): { mjs: string; wasm: string } {
  return engine === 'ort-webgpu' ? { mjs: absolute(webgpuMjs), wasm: absolute(webgpuBinary) } : { mjs: absolute(wasmMjs), wasm: absolute(wasmBinary) };
}

/**
 * Loads ONNX bytes into onnxruntime-web on `engine`, with the runtime files this site serves.
 *
 * @example
 * ```ts
 * const session = await ortSession(exportPCT(model, { attention: true }), 'ort-wasm');
 * ```
 */
export function ortSession(bytes: Uint8Array, engine: OrtBackendName): Promise<OnnxSession> {
  const wasmPaths = ortWasmPaths(engine);
  // Errors only: its warnings (e.g. that shape ops stay on the CPU beside WebGPU) arrive through
  // console.error and would read as failures.
  return createOnnxSession(bytes, { engine, wasmPaths, threads: ortThreads(), logLevel: 'error' });
}

