import * as tf from '@tensorflow/tfjs-core';

/** Learned scale and shift of {@link layerNorm}, each [d]. */
export interface LayerNormWeights {
  /** [d], initialised to ones */
  gamma: tf.Tensor;
  /** [d], initialised to zeros */
  beta: tf.Tensor;
}

/** Options shared by {@link addNorm} and {@link residualSublayer}. */
export interface AddNormOptions {
  /** Dropout rate on the sublayer output before the residual add (training only). Default 0. */
  dropout?: number;
  /** Seed for the dropout mask. */
  seed?: number;
  /** Added to the variance; default 1e-5 (PyTorch's default). */
  epsilon?: number;
}

/** Options of {@link residualSublayer}. */
export interface ResidualOptions extends AddNormOptions {
  /** Pre-norm `x + f(LN(x))` when true; post-norm `LN(x + f(x))` (the original Transformer) when false. */
  normFirst?: boolean;
}

/**
 * Layer normalisation over the last axis: `(x − mean) / √(var + ε) · gamma + beta`, with the
 * biased variance (as PyTorch's and Keras's LayerNorm).
 *
 * @example
 * ```ts
 * const y = layerNorm(tf.tensor2d([[1, 2, 3]]), { gamma: tf.ones([3]), beta: tf.zeros([3]) });
 * // ≈ [[-1.2247, 0, 1.2247]]
 * ```
 */
export function layerNorm(x: tf.Tensor, { gamma, beta }: LayerNormWeights, epsilon = 1e-5): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(normalised, gamma), beta);
  });
}

/**
 * "Add & Norm" of the post-norm Transformer: `LN(x + dropout(y))`, where `y` is a sublayer's
 * output for input `x`.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 5, 16]);
 * const y = tf.randomNormal([2, 5, 16]); // e.g. an attention or FFN output for x
 * const out = addNorm(x, y, { gamma: tf.ones([16]), beta: tf.zeros([16]) }, { dropout: 0.1 }); // [2, 5, 16]
 * ```
 */
export function addNorm(x: tf.Tensor, y: tf.Tensor, norm: LayerNormWeights, options: AddNormOptions = {}): tf.Tensor {
  return tf.tidy(() => layerNorm(tf.add(x, dropout(y, options)), norm, options.epsilon));
}

/**
 * A residual connection around `sublayer`, post-norm (`LN(x + f(x))`, see {@link addNorm}) or
 * pre-norm (`x + f(LN(x))`, `normFirst: true`; trains more stably in deep stacks). Dropout hits
 * `f`'s output before the add, as in PyTorch's Transformer layers.
 *
 * `sublayer` returns `{ output, ...extras }`; the extras (e.g. attention weights) are passed
 * through unchanged, with `output` replaced by the connection's output.
 *
 * @example
 * ```ts
 * const d = 16;
 * const w = () => tf.randomNormal([d, d], 0, 0.2);
 * const attention = { wq: w(), wk: w(), wv: w(), wo: w() };
 * const x = tf.randomNormal([2, 5, d]);
 * const { output, weights } = residualSublayer(
 *   x, (h) => multiHeadAttention(h, h, h, attention, { numHeads: 4 }),
 *   { gamma: tf.ones([d]), beta: tf.zeros([d]) }, { normFirst: true },
 * ); // output [2, 5, 16], weights [2, 4, 5, 5]
 * ```
 */
export function residualSublayer<R extends { output: tf.Tensor }>(
  x: tf.Tensor,
  sublayer: (h: tf.Tensor) => R,
  norm: LayerNormWeights,
  options: ResidualOptions = {},
): R {
  const run = (): tf.TensorContainer => {
    if (!options.normFirst) {
      const inner = sublayer(x);
      return { ...inner, output: addNorm(x, inner.output, norm, options) } as unknown as tf.TensorContainer;
    }
    const inner = sublayer(layerNorm(x, norm, options.epsilon));
    return { ...inner, output: tf.add(x, dropout(inner.output, options)) } as unknown as tf.TensorContainer;
  };
  // tidy keeps every tensor reachable from the returned object (output and extras) and frees the rest.
  return tf.tidy(run) as unknown as R;
}

function dropout(y: tf.Tensor, { dropout: rate, seed }: AddNormOptions): tf.Tensor {
  return rate ? tf.dropout(y, rate, undefined, seed) : y;
}
