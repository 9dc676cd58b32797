import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` `times` times and returns how many tensors were left alive by the later runs
 * (the first run may create caches). Zero means no leak.
 */
export async function tensorsLeakedBy(fn: () => unknown | Promise<unknown>, times = 3): Promise<number> {
  await fn();
  const before = tf.memory().numTensors;
  for (let i = 0; i < times; i++) await fn();
  return tf.memory().numTensors - before;
}
