import * as tf from '@tensorflow/tfjs-core';

/**
 * `x W + b` over the last axis of `x` ([..., in] → [..., out]), with `w` [in, out] and `b` [out].
 *
 * Why reshape to 2-D: one 2-D matMul is the fast path on every backend (tfjs-wasm's batched matMul
 * is ~25× slower, PLATFORM.md), and a projection mixes features only, never positions.
 *
 * @example
 * ```ts
 * const y = linear(tf.ones([2, 5, 8]), tf.ones([8, 3]), tf.zeros([3])); // [2, 5, 3], all 8
 * ```
 */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const [inDim, outDim] = w.shape as [number, number];
  if (w.rank !== 2 || x.shape[x.rank - 1] !== inDim) {
    throw new Error(`linear: x [${x.shape}] does not fit weight [${w.shape}] (expected [${x.shape[x.rank - 1]}, out])`);
  }
  if (b && (b.rank !== 1 || b.shape[0] !== outDim)) throw new Error(`linear: bias [${b.shape}] should be [${outDim}]`);
  return tf.tidy(() => {
    const y = tf.matMul(tf.reshape(x, [-1, inDim]), w);
    return tf.reshape(b ? tf.add(y, b) : y, [...x.shape.slice(0, -1), outDim]);
  });
}
