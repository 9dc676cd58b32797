import * as tf from '@tensorflow/tfjs-core';

/** Result blocks [m, n] from which 2-D matMuls per batch slice beat one batched matMul on wasm. */
const MIN_SLICE_BLOCK = 64 * 64;

/**
 * `op(a) @ op(b)` for rank-3 tensors [B, m, k] · [B, k, n] (op = optional transpose of the last
 * two axes). Differentiable.
 *
 * Why not plain `tf.matMul`: tfjs-wasm's batched matMul is far slower than its 2-D matMul and a
 * transposed operand costs ~5× (PLATFORM.md), so on wasm each batch slice runs a 2-D matMul
 * against explicitly transposed operands; other backends get one batched matMul.
 *
 * @example
 * ```ts
 * const energy = batchedMatMul(q, k, { transposeB: true }); // [B, N, d] · [B, N, d]ᵀ → [B, N, N]
 * ```
 */
export function batchedMatMul(a: tf.Tensor, b: tf.Tensor, options: { transposeA?: boolean; transposeB?: boolean } = {}): tf.Tensor3D {
  const { transposeA = false, transposeB = false } = options;
  if (a.rank !== 3 || b.rank !== 3 || a.shape[0] !== b.shape[0]) {
    throw new Error(`batchedMatMul: expected [B, m, k] and [B, k, n], got [${a.shape}] and [${b.shape}]`);
  }
  return tf.tidy(() => {
    const m = a.shape[transposeA ? 2 : 1]!, n = b.shape[transposeB ? 1 : 2]!;
    if (tf.getBackend() !== 'wasm' || m * n < MIN_SLICE_BLOCK) return tf.matMul(a, b, transposeA, transposeB) as tf.Tensor3D;
    const a2 = transposeA ? tf.transpose(a, [0, 2, 1]) : a;
    const b2 = transposeB ? tf.transpose(b, [0, 2, 1]) : b;
    const slice = (t: tf.Tensor, i: number) => tf.reshape(tf.slice(t, [i, 0, 0], [1, -1, -1]), t.shape.slice(1) as [number, number]);
    const products = Array.from({ length: a.shape[0]! }, (_, i) => tf.matMul(slice(a2, i), slice(b2, i)));
    return tf.stack(products) as tf.Tensor3D;
  });
}
