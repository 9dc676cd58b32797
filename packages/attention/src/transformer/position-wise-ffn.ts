import * as tf from '@tensorflow/tfjs-core';
import { linear } from '../linear.js';

/** Activation between the two layers of {@link positionWiseFFN}. */
export type FFNActivation = 'relu' | 'gelu';

/** Weights of {@link positionWiseFFN} in the `y = x W + b` layout. */
export interface PositionWiseFFNWeights {
  /** [d, dFF] */
  w1: tf.Tensor;
  /** [dFF] */
  b1?: tf.Tensor;
  /** [dFF, d] */
  w2: tf.Tensor;
  /** [d] */
  b2?: tf.Tensor;
}

/** Options of {@link positionWiseFFN}. */
export interface PositionWiseFFNOptions {
  /** Default 'relu'. 'gelu' is the exact erf form (PyTorch's default GELU, not the tanh approximation). */
  activation?: FFNActivation;
  /** Dropout rate after the activation (training only), as in PyTorch's Transformer layers. Default 0. */
  dropout?: number;
  /** Seed for the dropout mask. */
  seed?: number;
}

/**
 * The position-wise feed-forward network of a Transformer block:
 * `dropout(act(x W1 + b1)) W2 + b2`, applied to every position of [..., d] independently.
 *
 * @example
 * ```ts
 * const [d, dFF] = [16, 64];
 * const w = { w1: tf.randomNormal([d, dFF]), b1: tf.zeros([dFF]), w2: tf.randomNormal([dFF, d]), b2: tf.zeros([d]) };
 * const y = positionWiseFFN(tf.randomNormal([2, 10, d]), w, { activation: 'gelu' }); // [2, 10, 16]
 * ```
 */
export function positionWiseFFN(x: tf.Tensor, weights: PositionWiseFFNWeights, options: PositionWiseFFNOptions = {}): tf.Tensor {
  const { activation = 'relu', dropout = 0, seed } = options;
  return tf.tidy(() => {
    const hidden = linear(x, weights.w1, weights.b1);
    const activated = activation === 'gelu' ? gelu(hidden) : tf.relu(hidden);
    const dropped = dropout ? tf.dropout(activated, dropout, undefined, seed) : activated;
    return linear(dropped, weights.w2, weights.b2);
  });
}

/** x · Φ(x) = x/2 · (1 + erf(x/√2)) */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}
