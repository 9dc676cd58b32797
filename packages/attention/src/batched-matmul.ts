import * as tf from '@tensorflow/tfjs-core';

/**
 * `a @ b` (or `a @ bᵀ`) over any matching leading batch dims.
 *
 * Why not plain `tf.matMul`: on tfjs-wasm a batched matMul is ~25× slower than the same work as
 * 2-D matMuls, and a 2-D matMul with `transposeB` ~5× slower than one on a pre-transposed operand
 * (measured; see PLATFORM.md). On wasm we therefore transpose once and run one 2-D matMul per
 * batch slice; other backends get a single batched matMul. Both are differentiable.
 */
export function batchedMatMul(a: tf.Tensor, b: tf.Tensor, transposeB = false): tf.Tensor {
  return tf.tidy(() => {
    const lead = a.shape.slice(0, -2);
    const slices = lead.reduce((x, y) => x * y, 1);
    if (tf.getBackend() !== 'wasm' || a.rank < 3) return tf.matMul(a, b, false, transposeB);
    const [m, kDim] = a.shape.slice(-2) as [number, number];
    const bRows = b.shape[b.rank - 2]!, bCols = b.shape[b.rank - 1]!;
    const a3 = tf.reshape(a, [slices, m, kDim]);
    let b3 = tf.reshape(b, [slices, bRows, bCols]);
    if (transposeB) b3 = tf.transpose(b3, [0, 2, 1]);
    const as = tf.unstack(a3), bs = tf.unstack(b3);
    const products = as.map((ai, i) => tf.matMul(ai, bs[i]!));
    const n = products[0]!.shape[1]!;
    return tf.reshape(tf.stack(products), [...lead, m, n]);
  });
}
