/**
 * Finds a WebGPU implementation for Node: Dawn from the `webgpu` package, on whatever Vulkan
 * driver the environment names, or SwiftShader from Debian's chromium package when none is named.
 * Browsers already have `navigator.gpu`; then nothing here runs.
 */
import { existsSync } from 'node:fs';

/** Debian's chromium ships a SwiftShader Vulkan ICD that Dawn accepts (PLATFORM.md). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface WebGPUForTests {
  adapter: GPUAdapter;
  device: GPUDevice;
  /** Human-readable adapter description, e.g. "google / swiftshader". */
  description: string;
}

let pending: Promise<WebGPUForTests | string> | undefined;

/**
 * Resolves to a WebGPU adapter + device, or to the reason there is none. Installs `navigator.gpu`
 * (and the WebGPU globals) on `globalThis` so tfjs-backend-webgpu registers itself when imported.
 */
export function findWebGPU(): Promise<WebGPUForTests | string> {
  pending ??= (async () => {
    const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
    if (!nav?.gpu) {
      if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
        // Must be set before Dawn loads the Vulkan loader; works in forked workers (not threads).
        process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      }
      process.env.XDG_RUNTIME_DIR ??= '/tmp';
      const { create, globals } = await import('webgpu');
      Object.assign(globalThis, globals);
      // The object from create() must stay referenced for the life of the process, or Dawn
      // crashes when it is garbage-collected: keeping it on navigator does that.
      const gpu = create([]);
      Object.defineProperty(globalThis, 'navigator', {
        value: { ...(nav ?? {}), gpu },
        configurable: true,
        writable: true,
      });
    }
    const gpu = (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu;
    const adapter = await gpu.requestAdapter();
    if (!adapter) return `no WebGPU adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'})`;
    const device = await adapter.requestDevice();
    const info = adapter.info;
    return { adapter, device, description: `${info.vendor} / ${info.architecture} / ${info.description}` };
  })();
  return pending;
}
