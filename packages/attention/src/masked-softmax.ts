import * as tf from '@tensorflow/tfjs-core';
import './register-gradients.js';

/** Which keys a query may attend to. */
export interface MaskOptions {
  /**
   * Valid key lengths: shape [B] (one length per batch element, shared by every query) or [B, Tq]
   * (one per query). Keys at positions ≥ the length are masked. Intermediate axes of the scores
   * (e.g. heads in [B, H, Tq, Tk]) are broadcast over.
   */
  validLens?: tf.Tensor | number[] | number[][];
  /** Boolean tensor broadcastable to the scores; `true` means "may attend". */
  mask?: tf.Tensor;
}

/**
 * Combines `validLens` and `mask` into one boolean tensor broadcastable to scores of shape
 * `scoresShape` ([..., Tq, Tk]), or undefined when nothing is masked.
 *
 * @example
 * ```ts
 * attentionKeep([2, 1, 4], { validLens: [1, 3] })!.print(); // [[[T,F,F,F]], [[T,T,T,F]]]
 * ```
 */
export function attentionKeep(scoresShape: number[], { validLens, mask }: MaskOptions): tf.Tensor | undefined {
  return tf.tidy(() => {
    let keep: tf.Tensor | undefined;
    if (validLens !== undefined) keep = keepFromValidLens(scoresShape, validLens);
    if (mask !== undefined) {
      if (mask.dtype !== 'bool') throw new Error(`mask: expected dtype bool, got ${mask.dtype}`);
      keep = keep ? tf.logicalAnd(keep, mask) : mask.clone();
    }
    return keep;
  });
}

function keepFromValidLens(shape: number[], validLens: tf.Tensor | number[] | number[][]): tf.Tensor {
  if (shape.length < 2) throw new Error(`validLens: scores must have rank ≥ 2, got shape [${shape}]`);
  const lens = validLens instanceof tf.Tensor ? tf.cast(validLens, 'float32') : tf.tensor(validLens, undefined, 'float32');
  const tk = shape[shape.length - 1]!;
  const tq = shape[shape.length - 2]!;
  const b = shape[0]!;
  const middle = shape.length - 3; // axes between batch and Tq (e.g. heads); may be -1 for rank 2
  let target: number[];
  if (lens.rank === 1 && lens.shape[0] === b) {
    target = shape.length === 2 ? [b, 1] : [b, ...ones(middle), 1, 1];
  } else if (lens.rank === 2 && lens.shape[0] === b && lens.shape[1] === tq && shape.length >= 3) {
    target = [b, ...ones(middle), tq, 1];
  } else {
    throw new Error(
      `validLens: expected shape [${b}] or [${b}, ${tq}] for scores of shape [${shape}], got [${lens.shape}]`,
    );
  }
  const keyPositions = tf.range(0, tk, 1, 'float32');
  return tf.less(keyPositions, tf.reshape(lens, target));
}

const ones = (n: number) => new Array<number>(Math.max(n, 0)).fill(1);

/**
 * Softmax over the last axis that ignores masked keys. A row whose keys are all masked becomes all
 * zeros (never NaN), and logits of any magnitude (±1e4 included) are exact because each row's
 * maximum kept logit is subtracted first. Differentiable.
 *
 * @example
 * ```ts
 * const scores = tf.tensor3d([[[1, 2, 3, 4]], [[1, 2, 3, 4]]]); // [B=2, Tq=1, Tk=4]
 * const w = maskedSoftmax(scores, { validLens: [2, 0] });
 * // w[0] = softmax([1, 2]) then zeros; w[1] = all zeros
 * ```
 */
export function maskedSoftmax(scores: tf.Tensor, options: MaskOptions = {}): tf.Tensor {
  return tf.tidy(() => {
    const keep = attentionKeep(scores.shape, options);
    if (!keep) return tf.softmax(scores);
    const keepAll = tf.broadcastTo(keep, scores.shape);
    // A finite stand-in for −∞ keeps max() finite for fully masked rows.
    const lowest = tf.fill(scores.shape, -3.4e38);
    const rowMax = tf.max(tf.where(keepAll, scores, lowest), -1, true);
    // Masked entries are replaced before exp so neither the value nor its gradient can be inf/NaN.
    const shifted = tf.where(keepAll, tf.sub(scores, rowMax), tf.zerosLike(scores));
    const e = tf.mul(tf.exp(shifted), tf.cast(keepAll, scores.dtype));
    // A row with any kept key sums to ≥ 1 (its maximum contributes e^0); a fully masked row sums
    // to 0 and is divided by 1, giving zeros.
    const sum = tf.maximum(tf.sum(e, -1, true), 1);
    return tf.div(e, sum);
  });
}
