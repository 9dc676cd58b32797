import * as tf from '@tensorflow/tfjs-core';

/**
 * The reference PCT's `cal_loss` (smoothing = True): cross-entropy against smoothed one-hot
 * targets — the true class gets 1 − ε, every other class ε / (C − 1) — averaged over rows.
 * `logits` [M, C] (or [B, N, C], flattened to rows), `labels` int32 [M] (or [B, N]).
 * ε = 0 gives the plain cross-entropy.
 *
 * @example
 * ```ts
 * const loss = labelSmoothingCrossEntropy(logits, tf.tensor1d([3, 1], 'int32'), 0.2); // scalar
 * ```
 */
export function labelSmoothingCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, epsilon = 0.2): tf.Scalar {
  const classes = logits.shape[logits.rank - 1]!;
  if (classes < 2) throw new Error(`labelSmoothingCrossEntropy: needs at least 2 classes, got ${classes}`);
  if (!(epsilon >= 0 && epsilon < 1)) throw new Error(`labelSmoothingCrossEntropy: epsilon must be in [0, 1), got ${epsilon}`);
  return tf.tidy(() => {
    const rows = tf.reshape(logits, [-1, classes]);
    const flat = tf.reshape(labels, [-1]);
    if (flat.shape[0] !== rows.shape[0]) throw new Error(`labelSmoothingCrossEntropy: ${flat.shape[0]} labels for ${rows.shape[0]} rows of logits`);
    const oneHot = tf.oneHot(tf.cast(flat, 'int32'), classes);
    const target = tf.add(tf.mul(oneHot, 1 - epsilon - epsilon / (classes - 1)), epsilon / (classes - 1));
    const logProb = tf.logSoftmax(rows);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logProb), 1))) as tf.Scalar;
  });
}
