/**
 * Gradient checks: tf.grads (float32, the code under test) against central differences of an
 * independent float64 reference, through a fixed random projection of the outputs so every
 * output element contributes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { maxRelativeError, seededRandom } from '@heed/testing';

/** One differentiable input: flat float64 values and the tensor shape they take. */
export interface GradInput {
  values: number[];
  shape: number[];
}

/**
 * Largest relative error between tf.grads of Σ r·tfFn(xs) and the central differences of
 * Σ r·refFn(xs) over every element of every input (r: seeded uniform weights).
 */
export function gradientError(
  tfFn: (...xs: tf.Tensor[]) => tf.Tensor,
  refFn: (...xs: number[][]) => number[],
  inputs: GradInput[],
  h = 1e-5,
): number {
  const values = inputs.map((x) => x.values);
  const rand = seededRandom(1234);
  const r = refFn(...values).map(() => rand() * 2 - 1);
  const loss = (...xs: number[][]) => refFn(...xs).reduce((acc, y, i) => acc + y * r[i]!, 0);
  const numeric = inputs.map((_, i) =>
    values[i]!.map((_, j) => {
      const shifted = (delta: number) => values.map((v, p) => (p === i ? v.map((x, q) => (q === j ? x + delta : x)) : v));
      return (loss(...shifted(h)) - loss(...shifted(-h))) / (2 * h);
    }),
  );
  const tensors = inputs.map((x) => tf.tensor(x.values, x.shape));
  const grads = tf.grads((...xs: tf.Tensor[]) => {
    const y = tfFn(...xs);
    return tf.sum(tf.mul(y, tf.tensor(r, y.shape)));
  })(tensors);
  const analytic = grads.map((g) => Array.from(g.dataSync()));
  tf.dispose([...tensors, ...grads]);
  return maxRelativeError(analytic, numeric);
}
