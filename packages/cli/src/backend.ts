import * as tf from '@tensorflow/tfjs-core';

/**
 * Activates the fastest tfjs backend the CLI has in Node (wasm; cpu if wasm cannot start) and
 * returns its name. Kept in one place so every command reports the backend it really used.
 */
export async function useCliBackend(preferred?: string): Promise<string> {
  // PROD silences tfjs's "install tfjs-node" banner, which would pollute --json output.
  tf.env().set('PROD', true);
  await import('@tensorflow/tfjs-backend-cpu');
  const wanted = preferred ?? 'wasm';
  if (wanted === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(wanted))) await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}
