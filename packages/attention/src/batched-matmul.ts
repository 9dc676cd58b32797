import * as tf from '@tensorflow/tfjs-core';

/**
 * Scores per [m, n] block from which one 2-D matMul per batch slice beats one batched matMul on
 * tfjs-wasm. Below it (e.g. 8×8 blocks when training a tiny model) per-op overhead dominates.
 */
const MIN_SLICE_BLOCK = 64 * 64;

/**
 * Whether work over `slices` batch slices of [m, n] results should run slice by slice. Why: on
 * tfjs-wasm a batched matMul is ~25× slower than the same work as 2-D matMuls, and `transposeB`
 * ~5× slower than a pre-transposed operand (measured; PLATFORM.md).
 */
export function prefersSlices(slices: number, m: number, n: number): boolean {
  return tf.getBackend() === 'wasm' && slices > 1 && m * n >= MIN_SLICE_BLOCK;
}

/** The 2-D slices [rows, cols] of a [slices, rows, cols] tensor (tf.slice: wasm's Unpack is slow). */
export function sliceBatch(t: tf.Tensor): tf.Tensor2D[] {
  const [slices, rows, cols] = t.shape as [number, number, number];
  return Array.from({ length: slices }, (_, i) => tf.reshape(tf.slice(t, [i, 0, 0], [1, rows, cols]), [rows, cols]));
}

/**
 * `a @ b` (or `a @ bᵀ`) over any matching leading batch dims: one batched matMul, or on wasm
 * (see {@link prefersSlices}) one 2-D matMul per slice against a pre-transposed operand.
 * Differentiable.
 *
 * @example
 * ```ts
 * const scores = batchedMatMul(q, k, true); // [B, H, Tq, d] × [B, H, Tk, d] → [B, H, Tq, Tk]
 * ```
 */
export function batchedMatMul(a: tf.Tensor, b: tf.Tensor, transposeB = false): tf.Tensor {
  return tf.tidy(() => {
    const lead = a.shape.slice(0, -2);
    const slices = lead.reduce((x, y) => x * y, 1);
    const [m, kDim] = a.shape.slice(-2) as [number, number];
    const n = b.shape[b.rank - (transposeB ? 2 : 1)]!;
    if (a.rank < 3 || !prefersSlices(slices, m, n)) return tf.matMul(a, b, false, transposeB);
    const bRows = b.shape[b.rank - 2]!, bCols = b.shape[b.rank - 1]!;
    let b3 = tf.reshape(b, [slices, bRows, bCols]);
    if (transposeB) b3 = tf.transpose(b3, [0, 2, 1]);
    const as = sliceBatch(tf.reshape(a, [slices, m, kDim])), bs = sliceBatch(b3);
    return tf.reshape(tf.stack(as.map((ai, i) => tf.matMul(ai, bs[i]!))), [...lead, m, n]);
  });
}
