import * as tf from '@tensorflow/tfjs-core';
import { batchedMatMul } from './batched-matmul.js';
import { maskedSoftmax } from './masked-softmax.js';

/** Options of {@link attentionRows}: the masking of the attention whose rows are wanted. */
export interface AttentionRowsOptions {
  /** Default 1/√d. */
  scale?: number;
  /** Per batch element: keys at positions ≥ the length are masked. Shape [B]. */
  validLens?: number[];
  /** Query i attends keys j ≤ i (top-left aligned). */
  causal?: boolean;
}

/**
 * The attention weights of chosen queries only — softmax(scale · q_r Kᵀ) for each row r — in
 * O(R·Tk) memory, so a viewer can show one point's attention in a cloud far too large for the
 * Tq×Tk matrix. Same masking semantics as {@link scaledDotProductAttention}.
 *
 * @example
 * ```ts
 * const q = tf.randomNormal([1, 8, 100_000, 32]), k = tf.randomNormal([1, 8, 100_000, 32]);
 * const w = attentionRows(q, k, [0, 4242]); // [1, 8, 2, 100000], each row sums to 1
 * ```
 */
export function attentionRows(q: tf.Tensor, k: tf.Tensor, rows: number[], options: AttentionRowsOptions = {}): tf.Tensor {
  const tq = q.shape[q.rank - 2]!, tk = k.shape[k.rank - 2]!, d = q.shape[q.rank - 1]!;
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= tq) throw new Error(`attentionRows: row ${r} is outside 0..${tq - 1}`);
  }
  return tf.tidy(() => {
    const picked = tf.gather(q, tf.tensor1d(rows, 'int32'), q.rank - 2);
    const scores = tf.mul(batchedMatMul(picked, k, { transposeB: true }), options.scale ?? 1 / Math.sqrt(d));
    let mask: tf.Tensor | undefined;
    if (options.causal) {
      const keys = tf.range(0, tk, 1, 'int32');
      mask = tf.lessEqual(tf.reshape(keys, [1, tk]), tf.reshape(tf.tensor1d(rows, 'int32'), [rows.length, 1]));
    }
    return maskedSoftmax(scores, { validLens: options.validLens, mask });
  });
}
