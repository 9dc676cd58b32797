import * as tf from '@tensorflow/tfjs-core';

/**
 * Activates a tfjs backend in Node — by default the fastest tfjs one here (wasm; cpu if wasm cannot
 * start); 'webgpu' (Dawn: a GPU's Vulkan driver, else SwiftShader) only when asked — and returns
 * its name. Kept in one place so every command reports the backend it really used.
 */
export async function useCliBackend(preferred?: string): Promise<string> {
  // PROD silences tfjs's "install tfjs-node" banner, which would pollute --json output.
  tf.env().set('PROD', true);
  await import('@tensorflow/tfjs-backend-cpu');
  const wanted = preferred ?? 'wasm';
  if (wanted === 'webgpu') {
    // Asked for by name: no silent fallback, a missing adapter is an error that says why.
    const { initWebGPU } = await import('@heed/webgpu');
    const init = await initWebGPU({ fallback: null }).catch((e: Error) => {
      throw new Error(`--backend webgpu: no usable WebGPU adapter (${e.message})`);
    });
    return init.backend;
  }
  if (wanted === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(wanted))) await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}
