/**
 * Subgroup operations (WGSL `enable subgroups;`) where the device has them. tfjs-backend-webgpu
 * puts its own declarations ahead of a program's code, and WGSL wants directives (`enable`,
 * `requires`, `diagnostic`) before any declaration: on the devices Heed's kernels run on, shader
 * modules are created with the program's directives moved to the top.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/**
 * tfjs flag: `false` keeps Heed's kernels off subgroup operations even where the device has them
 * (default `true`) — for benchmarks that compare the two paths, and as a way out of a driver bug.
 *
 * @example
 * ```ts
 * tf.env().set(SUBGROUPS_FLAG, false);
 * ```
 */
export const SUBGROUPS_FLAG = 'HEED_SUBGROUPS';
tf.env().registerFlag(SUBGROUPS_FLAG, () => true);

const DIRECTIVE = /^[ \t]*(?:enable|requires|diagnostic)\b[^;\n]*;[ \t]*$/gm;

/**
 * WGSL `code` with its directives moved ahead of everything else, each once, in order.
 *
 * @example
 * ```ts
 * hoistDirectives('struct U { a : i32 };\nenable subgroups;\nfn f() {}'); // 'enable subgroups;\nstruct U { a : i32 };\n\nfn f() {}'
 * ```
 */
export function hoistDirectives(code: string): string {
  const directives = [...new Set(code.match(DIRECTIVE)?.map((d) => d.trim()) ?? [])];
  return directives.length ? `${directives.join('\n')}\n${code.replace(DIRECTIVE, '')}` : code;
}

const hoisting = new WeakSet<GPUDevice>();

/**
 * Whether a kernel should use subgroup operations on `gpu`'s device: it has the `subgroups`
 * feature (requested by `initWebGPU`) and {@link SUBGROUPS_FLAG} is on. When so, shader modules
 * of that device get their directives hoisted (once per device), so a program may begin its code
 * with `enable subgroups;`.
 *
 * @example
 * ```ts
 * const program = new FarthestPointSampleProgram(b, n, m, threads, useSubgroups(gpu));
 * ```
 */
export function useSubgroups(gpu: WebGPUBackend): boolean {
  const device = gpu.device;
  if (!tf.env().getBool(SUBGROUPS_FLAG) || !device.features.has('subgroups')) return false;
  if (!hoisting.has(device)) {
    hoisting.add(device);
    const create = device.createShaderModule.bind(device);
    device.createShaderModule = (descriptor) => create({ ...descriptor, code: hoistDirectives(descriptor.code) });
  }
  return true;
}
