/**
 * The bottleneck MLP C → C/r → ReLU → C that SE and CBAM's channel gate put on pooled channel
 * descriptors, with its weights in tfjs Dense layout ([in, out], as `x · W`).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Weights of the bottleneck MLP. From a PyTorch `nn.Linear`, `w = linear.weight.T`.
 * Biases are optional: senet.pytorch's SE has none, attention-module's CBAM has both.
 */
export interface MlpWeights {
  /** [C, hidden] */
  w1: tf.Tensor2D;
  /** [hidden] */
  b1?: tf.Tensor1D;
  /** [hidden, C] */
  w2: tf.Tensor2D;
  /** [C] */
  b2?: tf.Tensor1D;
}

/**
 * Hidden width of the bottleneck: `max(minHidden, floor(channels / reduction))`, so that C < r
 * still gets a usable layer (PyTorch ports build a zero-width one).
 *
 * @example
 * ```ts
 * bottleneckWidth(64, 16); // 4
 * bottleneckWidth(8, 16);  // 1
 * ```
 */
export function bottleneckWidth(channels: number, reduction = 16, minHidden = 1): number {
  if (!(reduction > 0)) throw new Error(`reduction must be positive, got ${reduction}`);
  return Math.max(minHidden, Math.floor(channels / reduction));
}

/**
 * `relu(x W1 + b1) W2 + b2` on rows [R, C] → [R, C].
 *
 * @example
 * ```ts
 * const w = { w1: tf.randomNormal([64, 4]) as tf.Tensor2D, w2: tf.randomNormal([4, 64]) as tf.Tensor2D };
 * bottleneckMlp(tf.randomNormal([2, 64]) as tf.Tensor2D, w).shape; // [2, 64]
 * ```
 */
export function bottleneckMlp(x: tf.Tensor2D, weights: MlpWeights): tf.Tensor2D {
  return tf.tidy(() => addBias(tf.matMul(hidden(x, weights), weights.w2), weights.b2));
}

/**
 * `Σᵢ mlp(descriptorsᵢ)` in one pass: the descriptors are stacked into a single first-layer matMul,
 * and because the second layer is linear the hidden activations are summed before it, so it runs
 * once on [B, hidden] (the bias counted once per descriptor). This is how CBAM's channel gate
 * applies its shared MLP to the average- and max-pooled descriptors.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 8, 8, 32]);
 * const w = { w1: tf.randomNormal([32, 2]) as tf.Tensor2D, w2: tf.randomNormal([2, 32]) as tf.Tensor2D };
 * sharedMlpSum([globalAvgPool(x), globalMaxPool(x)], w); // [2, 32] = mlp(avg) + mlp(max)
 * ```
 */
export function sharedMlpSum(descriptors: tf.Tensor2D[], weights: MlpWeights): tf.Tensor2D {
  return tf.tidy(() => {
    const n = descriptors.length;
    if (n === 0) throw new Error('sharedMlpSum: no descriptors');
    const [b, c] = descriptors[0]!.shape;
    const h = hidden(tf.concat(descriptors, 0), weights);
    const summed = tf.sum(tf.reshape(h, [n, b, h.shape[1]]), 0) as tf.Tensor2D;
    const out = tf.matMul<tf.Tensor2D>(summed, weights.w2);
    if (out.shape[1] !== c) throw new Error(`sharedMlpSum: MLP maps ${c} channels to ${out.shape[1]}`);
    return weights.b2 ? tf.add<tf.Tensor2D>(out, tf.mul(weights.b2, n)) : out;
  });
}

function hidden(x: tf.Tensor2D, weights: MlpWeights): tf.Tensor2D {
  const c = x.shape[1];
  if (weights.w1.shape[0] !== c) {
    throw new Error(`bottleneck MLP: w1 is [${weights.w1.shape}] but the input has ${c} channels`);
  }
  return tf.relu(addBias(tf.matMul(x, weights.w1), weights.b1));
}

function addBias(x: tf.Tensor2D, bias: tf.Tensor1D | undefined): tf.Tensor2D {
  return bias ? tf.add(x, bias) : x;
}
