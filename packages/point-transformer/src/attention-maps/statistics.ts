import * as tf from '@tensorflow/tfjs-core';
import type { AttentionMap } from '../attention/attention-map.js';
import { mixingMatrix } from './mixing-matrix.js';

/** Per-cloud summaries of one layer's attention; [B] tensors owned by the caller. */
export interface AttentionStatistics {
  /** Mean over queries of Σ_j w_qj·‖xyz_q − xyz_j‖: how far, in xyz units, the layer looks. */
  meanDistance: tf.Tensor1D;
  /** Mean over queries of −Σ_j w_qj·ln w_qj (nats); ln N for uniform attention, 0 for one-hot. */
  entropy: tf.Tensor1D;
}

/**
 * Mean attention distance and mean entropy of a layer, over the rows of its
 * {@link mixingMatrix} (so for offset-attention over each query's column). Builds the [B, N, N]
 * matrices (weights and pairwise distances), so memory is O(B·N²).
 *
 * @example
 * ```ts
 * const { meanDistance, entropy } = attentionStatistics(attention![0]);
 * meanDistance.print(); // e.g. [0.41]
 * ```
 */
export function attentionStatistics(map: AttentionMap): AttentionStatistics {
  return tf.tidy(() => {
    const w = mixingMatrix(map);
    const xyz = map.xyz;
    const sq = tf.sum(tf.square(xyz), -1);
    const gram = tf.matMul(xyz, xyz, false, true);
    const d2 = tf.sub(tf.add(tf.expandDims(sq, 2), tf.expandDims(sq, 1)), tf.mul(gram, 2));
    const distance = tf.sqrt(tf.relu(d2));
    const meanDistance = tf.mean(tf.sum(tf.mul(w, distance), -1), -1) as tf.Tensor1D;
    const safe = tf.where(tf.greater(w, 0), w, tf.onesLike(w));
    const entropy = tf.mean(tf.neg(tf.sum(tf.mul(w, tf.log(safe)), -1)), -1) as tf.Tensor1D;
    return { meanDistance, entropy };
  });
}
