import type { BackendName } from '../protocol.js';

/** What the worker found on this machine, for {@link chooseAutoBackend}. */
export interface MachineProbe {
  /** The WebGPU adapter, when `navigator.gpu` gives one. */
  gpu?: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean };
}

/**
 * Whether a WebGPU adapter is a software rasteriser on the CPU (Chromium's SwiftShader, Mesa's
 * lavapipe/llvmpipe, Microsoft's WARP): it says so (`isFallbackAdapter`) or its names do.
 *
 * @example
 * ```ts
 * isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' }); // true
 * ```
 */
export function isSoftwareAdapter(gpu: NonNullable<MachineProbe['gpu']>): boolean {
  if (gpu.isFallbackAdapter) return true;
  return /swiftshader|llvmpipe|lavapipe|software|warp|basic render/i.test([gpu.vendor, gpu.architecture, gpu.device, gpu.description].join(' '));
}

/**
 * The backend `auto` picks, and why (shown in the status line):
 * - a hardware WebGPU adapter → `webgpu` (tfjs with Heed's fused WGSL kernels; not measured
 *   against `ort-webgpu`: the machines here have no GPU);
 * - otherwise → `ort-wasm`, the fastest forward pass on the CPU. Measured 2026-12-01 in headless
 *   Chromium 156 on the 2-core CI VM (other jobs running), shipped PCT on the bunny (256 points),
 *   medians of 24 runs after warm-up: ort-wasm (2 threads) 23–27 ms (best 14), tfjs-wasm (SIMD,
 *   threads) 30–32 ms (best 27), tfjs-cpu 806 ms; 1024-point reference checkpoint: ort-wasm
 *   212 ms, tfjs-wasm 244 ms. A software adapter (SwiftShader) never wins: webgpu 2.1 s,
 *   ort-webgpu 2.5 s per forward. The price: onnxruntime's first picture comes ≈ 2.5–3 s later
 *   (compiling its 14 MB wasm, exporting the model, first-run warm-up).
 *
 * @example
 * ```ts
 * chooseAutoBackend({}); // { backend: 'ort-wasm', reason: 'fastest on this machine's CPU; no WebGPU adapter' }
 * ```
 */
export function chooseAutoBackend(probe: MachineProbe): { backend: BackendName; reason: string } {
  if (probe.gpu && !isSoftwareAdapter(probe.gpu)) return { backend: 'webgpu', reason: 'a hardware WebGPU adapter' };
  const why = probe.gpu ? 'WebGPU adapter is a software fallback' : 'no WebGPU adapter';
  return { backend: 'ort-wasm', reason: `fastest on this machine's CPU; ${why}` };
}
