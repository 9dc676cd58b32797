import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.tidy` for a function that returns an interface-typed object of tensors (interfaces lack the
 * index signature `tf.TensorContainer` asks for). Every tensor reachable from the result is kept.
 * Internal: not exported from the package.
 *
 * @example
 * ```ts
 * const r: SpatialGateResult = tidyObject(() => ({ map: tf.sigmoid(z) }));
 * ```
 */
export function tidyObject<T extends object>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
