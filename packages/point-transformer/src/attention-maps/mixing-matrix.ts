import * as tf from '@tensorflow/tfjs-core';
import type { AttentionMap } from '../attention/attention-map.js';
import { offsetAttentionWeights } from '../attention/offset-attention.js';

/**
 * The layer's row-stochastic mixing weights [B, N, N]: row q holds the weights with which query
 * q's attention output mixes the N points. Rows sum to 1 except in offset-attention, where row q
 * sums to s/(1e-9 + s) with s the total softmax weight all queries give point q: a point that
 * (almost) no query attends to gets a row of (almost) zeros, and its x_r is (almost) zero.
 * For offset-attention that is the TRANSPOSE of the reference's l1-normalised matrix (query q's
 * x_r mixes with column q); for scaled-dot attention it is the matrix itself. Computed from the
 * query/key factors when the map carries no matrix.
 *
 * @example
 * ```ts
 * const w = mixingMatrix(attention[0]); // [B, 256, 256]; tf.sum(w, -1) ≈ 1
 * ```
 */
export function mixingMatrix(map: AttentionMap): tf.Tensor3D {
  return tf.tidy(() => {
    if (map.kind === 'scaled-dot') {
      return map.matrix ? tf.clone(map.matrix) : (tf.softmax(tf.mul(tf.matMul(map.query, map.key, false, true), map.scale)) as tf.Tensor3D);
    }
    const m = map.matrix ?? offsetAttentionWeights(map.query, map.key, map.epsilon);
    return tf.transpose(m, [0, 2, 1]) as tf.Tensor3D;
  });
}
