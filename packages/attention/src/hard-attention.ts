/**
 * Hard attention: each query pools only its top-k keys. The selection is not differentiable;
 * the straight-through option trains through it anyway.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchedMatMul } from './batched-matmul.js';
import { attentionKeep, maskedSoftmax, type MaskOptions } from './masked-softmax.js';

/** Options of {@link hardAttention}. */
export interface HardAttentionOptions extends MaskOptions {
  /** Keys kept per query, 1 ≤ k ≤ Tk. Default 1 (argmax). */
  k?: number;
  /**
   * Forward: the hard result. Backward: the gradient of soft attention (full masked softmax over
   * all keys), i.e. out = soft + stopGradient(hard − soft), for both `output` and `weights`.
   * Default false: the selection is treated as a constant, so gradients flow only through the
   * renormalised softmax over the selected keys (none for k = 1) and through the values.
   */
  straightThrough?: boolean;
}

/** Output of {@link hardAttention}. */
export interface HardAttentionResult {
  /**
   * int32 [..., Tq, k]: the selected keys, highest score first (ties: lower index first). A slot
   * with no selectable key left (fewer than k unmasked keys) holds −1.
   */
  indices: tf.Tensor;
  /**
   * [..., Tq, Tk], dense: softmax over the selected keys only, zero elsewhere. For k = 1 that is
   * one-hot; a fully masked query's row is all zeros.
   */
  weights: tf.Tensor;
  /** [..., Tq, dv]: weights·values. */
  output: tf.Tensor;
}

/**
 * Top-k hard attention over scores [..., Tq, Tk] and values [..., Tk, dv] (scores from any
 * scoring function, e.g. `scaledDotScore`). Masked keys (`validLens` / `mask`, as in
 * `maskedSoftmax`) are never selected.
 *
 * @example
 * ```ts
 * const scores = tf.tensor3d([[[0.1, 3, 2, -1]]]);           // [B=1, Tq=1, Tk=4]
 * const v = tf.tensor3d([[[1, 0], [2, 0], [3, 0], [4, 0]]]); // [1, 4, 2]
 * const { indices, weights, output } = hardAttention(scores, v, { k: 1, straightThrough: true });
 * // indices [[[1]]], weights [[[0, 1, 0, 0]]], output [[[2, 0]]]; gradients are those of softmax attention
 * ```
 */
export function hardAttention(scores: tf.Tensor, v: tf.Tensor, options: HardAttentionOptions = {}): HardAttentionResult {
  const { k = 1, straightThrough = false, ...maskOptions } = options;
  const tk = scores.shape[scores.rank - 1]!;
  if (scores.rank < 2 || v.rank !== scores.rank || v.shape[v.rank - 2] !== tk) {
    throw new Error(`hardAttention: expected scores [..., Tq, Tk] and values [..., Tk, dv], got [${scores.shape}], [${v.shape}]`);
  }
  if (!Number.isInteger(k) || k < 1 || k > tk) throw new Error(`hardAttention: k must be an integer in [1, ${tk}], got ${k}`);
  return tf.tidy(() => {
    const keep = attentionKeep(scores.shape, maskOptions);
    const indices = nonDifferentiable(scores, (s) => topKIndices(s, keep, k));
    const selected = nonDifferentiable(indices, (i) => selectionMask(i, tk));
    const hardWeights = maskedSoftmax(scores, { mask: selected });
    const hardOutput = batchedMatMul(hardWeights, v);
    if (!straightThrough) return { indices, weights: hardWeights, output: hardOutput };
    const softWeights = maskedSoftmax(scores, maskOptions);
    return {
      indices,
      weights: straightThroughEstimator(hardWeights, softWeights),
      output: straightThroughEstimator(hardOutput, batchedMatMul(softWeights, v)),
    };
  });
}

/** Top-k key indices [..., Tq, k] among the kept keys, −1 where a row has fewer than k kept keys. */
function topKIndices(s: tf.Tensor, keep: tf.Tensor | undefined, k: number): tf.Tensor {
  if (!keep) return tf.topk(s, k).indices;
  const keepAll = tf.broadcastTo(keep, s.shape);
  const { indices } = tf.topk(tf.where(keepAll, s, tf.fill(s.shape, -3.4e38)), k);
  // Masked keys sort last (their stand-in score is the lowest), so slot j is real iff j < #kept.
  const kept = tf.sum(tf.cast(keepAll, 'int32'), -1, true);
  return tf.where(tf.less(tf.range(0, k, 1, 'int32'), kept), indices, tf.fill(indices.shape, -1, 'int32'));
}

/**
 * Boolean [..., Tq, Tk]: key j is among the row's indices. Compared as [..., Tq, Tk, k] and reduced
 * over the last axis: a reduction over any other axis transposes, and tfjs-webgpu 4.22 cannot
 * transpose int32/bool data (nor cast it to float32 without keeping the int32 buffer).
 */
function selectionMask(indices: tf.Tensor, tk: number): tf.Tensor {
  return tf.any(tf.equal(tf.expandDims(indices, -2), tf.reshape(tf.range(0, tk, 1, 'int32'), [tk, 1])), -1);
}

/**
 * fn(x) with a zero gradient for x. Runs fn inside a customGrad so that its ops (topk,
 * comparisons: none has a registered gradient) stay off the tape, where they would make any
 * tf.grad through hardAttention throw.
 */
function nonDifferentiable(x: tf.Tensor, fn: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  return tf.customGrad((...args) => {
    const input = args[0] as tf.Tensor;
    return { value: tf.tidy(() => fn(input)), gradFunc: () => tf.zeros(input.shape, 'float32') };
  })(x);
}

/** Forward: `hard`. Backward: the incoming gradient goes to `soft` only (soft + stopGradient(hard − soft)). */
function straightThroughEstimator(hard: tf.Tensor, soft: tf.Tensor): tf.Tensor {
  const estimator = tf.customGrad((...args) => {
    const h = args[0] as tf.Tensor;
    return { value: tf.clone(h), gradFunc: (dy: tf.Tensor) => [tf.zerosLike(h), tf.clone(dy)] };
  });
  return estimator(hard, soft);
}
