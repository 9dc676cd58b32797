import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.max(x, axis)` with a cheaper gradient: the gradient goes to every element equal to the
 * maximum (as tfjs' own), but the mask is `x − max == 0` on same-shaped tensors. Why: tfjs' max
 * gradient compares `x` with the broadcast maximum, and tfjs-wasm's broadcasting `Equal` is slow
 * (measured on the 2-core dev machine: 0.6 s for PCT's [8, 256, 16, 256] neighbour max — more than
 * a tenth of a training step); the broadcasting `Sub` is not.
 *
 * @example
 * ```ts
 * const pooled = maxOver(tf.randomNormal([2, 128, 16, 64]), 2); // [2, 128, 64]
 * ```
 */
export function maxOver(x: tf.Tensor, axis: number): tf.Tensor {
  const reduce = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const kept = tf.max(input, axis, true);
    save([input, kept]);
    return {
      value: tf.squeeze(kept, [axis]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedInput, savedMax] = saved as [tf.Tensor, tf.Tensor];
        const isMax = tf.cast(tf.equal(tf.sub(savedInput, savedMax), 0), 'float32');
        return [tf.mul(isMax, tf.expandDims(dy, axis))];
      },
    };
  });
  return reduce(x);
}
