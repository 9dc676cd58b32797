import * as tf from '@tensorflow/tfjs-core';
import { batchedMatMul } from '@heed/attention';
import { OffsetAttention, type OffsetAttentionAttrs } from '../kernels/kernel-names.js';
import '../kernels/offset-attention-gradient.js';

/** Options of {@link offsetAttention}. */
export interface OffsetAttentionOptions {
  /** Added to each column sum of the softmax before the l1 normalisation. Default 1e-9 (PCT). */
  epsilon?: number;
  /** Also return the [B, N, N] l1-normalised matrix. Default false, which lets a fused kernel run. */
  returnWeights?: boolean;
}

/** What {@link offsetAttention} returns. */
export interface OffsetAttentionResult {
  /** x_r, channels-last [B, N, C]: out[j] = Σ_i Â[i, j] · value[i]. */
  output: tf.Tensor3D;
  /** Â [B, N, N] (rows i = the reference's softmax rows, columns l1-normalised); on request only. */
  weights?: tf.Tensor3D;
}

/**
 * The attention half of PCT's offset-attention (`SA_Layer` in the reference port), channels-last:
 *
 * ```
 * E = query · keyᵀ                       [B, N, N], no scaling
 * A = softmax(E) over the last axis
 * Â = A / (epsilon + Σ_i A[i, :])        l1 over the query axis (dim=1 of the reference)
 * x_r = Âᵀ · value                       [B, N, C] (the reference's x_v · attention)
 * ```
 *
 * When weights are not requested and the active backend has a kernel registered under
 * {@link OffsetAttention}, that kernel runs; otherwise composed tfjs ops do. Differentiable either
 * way (the kernel's gradient is registered by name).
 *
 * @example
 * ```ts
 * const qk = tf.randomNormal([1, 256, 64]) as tf.Tensor3D;  // PCT ties query and key
 * const v = tf.randomNormal([1, 256, 256]) as tf.Tensor3D;
 * const { output, weights } = offsetAttention(qk, qk, v, { returnWeights: true });
 * // output [1, 256, 256]; every column of weights sums to ≈ 1
 * ```
 */
export function offsetAttention(
  query: tf.Tensor3D, key: tf.Tensor3D, value: tf.Tensor3D, options: OffsetAttentionOptions = {},
): OffsetAttentionResult {
  checkShapes(query, key, value);
  const epsilon = options.epsilon ?? 1e-9;
  if (!options.returnWeights && tf.getKernel(OffsetAttention, tf.getBackend()) !== undefined) {
    const attrs: OffsetAttentionAttrs = { epsilon };
    return { output: tf.engine().runKernel(OffsetAttention, { query, key, value }, attrs) as tf.Tensor3D };
  }
  return tf.tidy(() => {
    const weights = offsetAttentionWeights(query, key, epsilon);
    const output = batchedMatMul(weights, value, { transposeA: true }) as tf.Tensor3D;
    return options.returnWeights ? { output, weights } : { output };
  });
}

/**
 * Â of {@link offsetAttention}: row-wise softmax of query·keyᵀ, then each column divided by
 * (epsilon + its sum). [B, N, N].
 *
 * @example
 * ```ts
 * const qk = tf.randomNormal([1, 8, 4]) as tf.Tensor3D;
 * tf.sum(offsetAttentionWeights(qk, qk), 1).print(); // ≈ all ones
 * ```
 */
export function offsetAttentionWeights(query: tf.Tensor3D, key: tf.Tensor3D, epsilon = 1e-9): tf.Tensor3D {
  return tf.tidy(() => {
    const a = tf.softmax(batchedMatMul(query, key, { transposeB: true }));
    return tf.div(a, tf.add(tf.sum(a, 1, true), epsilon)) as tf.Tensor3D;
  });
}

function checkShapes(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor): void {
  const ok = q.rank === 3 && k.rank === 3 && v.rank === 3
    && q.shape[0] === k.shape[0] && k.shape[0] === v.shape[0]
    && q.shape[1] === k.shape[1] && k.shape[1] === v.shape[1] && q.shape[2] === k.shape[2];
  if (!ok) {
    throw new Error(`offsetAttention: expected query [B, N, d], key [B, N, d], value [B, N, C]; got [${q.shape}], [${k.shape}], [${v.shape}]`);
  }
}
