import * as tf from '@tensorflow/tfjs-core';

/**
 * The fixed sinusoidal position table of "Attention Is All You Need": row i is the encoding of
 * position i, with `P[i, 2j] = sin(i / 10000^(2j/dim))` and `P[i, 2j+1] = cos(i / 10000^(2j/dim))`.
 * An odd `dim` ends with a sine column. Returns [maxLen, dim] float32.
 *
 * Computed in float64 JavaScript and rounded once, so it is identical on every backend (float32
 * `sin` of large arguments differs between backends) and costs no kernels.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 10, 16]); // [B, T, dim]
 * const withPositions = tf.add(x, sinusoidalPositionalEncoding(10, 16)); // broadcasts over B
 * ```
 */
export function sinusoidalPositionalEncoding(maxLen: number, dim: number): tf.Tensor2D {
  if (!Number.isInteger(maxLen) || maxLen < 0 || !Number.isInteger(dim) || dim < 1) {
    throw new Error(`sinusoidalPositionalEncoding: need integers maxLen ≥ 0 and dim ≥ 1, got ${maxLen}, ${dim}`);
  }
  const table = new Float32Array(maxLen * dim);
  for (let i = 0; i < maxLen; i++) {
    for (let c = 0; c < dim; c++) {
      const angle = i / Math.pow(10000, (c - (c % 2)) / dim); // columns 2j and 2j+1 share 2j/dim
      table[i * dim + c] = c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return tf.tensor2d(table, [maxLen, dim]);
}
