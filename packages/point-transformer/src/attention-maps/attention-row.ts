import * as tf from '@tensorflow/tfjs-core';
import type { AttentionMap } from '../attention/attention-map.js';

/** Options of {@link attentionRow}. */
export interface AttentionRowOptions {
  /** Which cloud of the batch. Default 0. */
  batch?: number;
  /** Query rows per block when the offset-attention normalisers are computed. Default 256. */
  chunk?: number;
}

/**
 * One query's attention weights over the layer's N points, [N], without the full [N, N] matrix:
 * row `queryIndex` of {@link mixingMatrix} — for offset-attention the query's COLUMN of the
 * l1-normalised matrix (the weights with which its x_r mixes each point), for scaled-dot attention
 * its softmax row.
 *
 * Cost when the map has no matrix: scaled-dot O(N·d); offset-attention needs every row's softmax
 * normaliser, so O(N²·d) time but only O(chunk·N) memory (rows in blocks of `chunk`).
 * With a matrix present, the row/column is sliced out.
 *
 * @example
 * ```ts
 * const { attention } = model.predict(points, { returnAttention: 'factors' });
 * const w = attentionRow(attention![3], 17); // [256]: how query 17 mixes the 256 centres in sa4
 * ```
 */
export function attentionRow(map: AttentionMap, queryIndex: number, options: AttentionRowOptions = {}): tf.Tensor1D {
  const b = options.batch ?? 0;
  const [batch, n] = map.query.shape;
  if (!Number.isInteger(b) || b < 0 || b >= batch) throw new Error(`attentionRow: batch ${b} out of range [0, ${batch})`);
  if (!Number.isInteger(queryIndex) || queryIndex < 0 || queryIndex >= n) {
    throw new Error(`attentionRow: queryIndex ${queryIndex} out of range [0, ${n}) for ${map.name}`);
  }
  return tf.tidy(() => {
    if (map.matrix) {
      const m = tf.squeeze(tf.slice(map.matrix, [b, 0, 0], [1, n, n]), [0]);
      const line = map.kind === 'offset' ? tf.slice(m, [0, queryIndex], [n, 1]) : tf.slice(m, [queryIndex, 0], [1, n]);
      return tf.reshape(line, [n]) as tf.Tensor1D;
    }
    const q = tf.squeeze(tf.slice(map.query, [b, 0, 0], [1, -1, -1]), [0]); // [N, d]
    const k = tf.squeeze(tf.slice(map.key, [b, 0, 0], [1, -1, -1]), [0]);
    if (map.kind === 'scaled-dot') {
      const scores = tf.mul(tf.matMul(tf.slice(q, [queryIndex, 0], [1, -1]), k, false, true), map.scale);
      return tf.reshape(tf.softmax(scores), [n]) as tf.Tensor1D;
    }
    // Column j of softmax_rows(Q Kᵀ): exp(q_i·k_j − logsumexp_i), then l1 over i.
    const chunk = options.chunk ?? 256;
    const kT = tf.transpose(k);
    const lse: tf.Tensor[] = [];
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      lse.push(tf.tidy(() => tf.logSumExp(tf.mul(tf.matMul(tf.slice(q, [start, 0], [rows, -1]), kT), map.scale), 1)));
    }
    const column = tf.reshape(tf.matMul(q, tf.slice(k, [queryIndex, 0], [1, -1]), false, true), [n]);
    const p = tf.exp(tf.sub(tf.mul(column, map.scale), tf.concat(lse)));
    return tf.div(p, tf.add(tf.sum(p), map.epsilon)) as tf.Tensor1D;
  });
}
