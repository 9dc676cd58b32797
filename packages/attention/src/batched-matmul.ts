import * as tf from '@tensorflow/tfjs-core';

/**
 * Scores per [m, n] block from which one 2-D matMul per batch slice beats one batched matMul on
 * tfjs-wasm (measured: 5× faster at 256×256). Below it per-op overhead dominates (measured: 65×65
 * blocks while training a tiny ViT ran 4× slower sliced).
 */
const MIN_SLICE_BLOCK = 128 * 128;

/**
 * Whether work over `slices` batch slices of [m, n] results should run slice by slice. Why: on
 * tfjs-wasm a batched matMul is ~25× slower than the same work as 2-D matMuls, and `transposeB`
 * ~5× slower than a pre-transposed operand (measured; PLATFORM.md).
 */
export function prefersSlices(slices: number, m: number, n: number): boolean {
  return tf.getBackend() === 'wasm' && slices > 1 && m * n >= MIN_SLICE_BLOCK;
}

/**
 * The 2-D slices [rows, cols] of a [slices, rows, cols] tensor, by one `split` — measured on
 * tfjs-wasm for [8, 256, 256]: split 1.7 ms for all eight, `slice` 7 ms each, `unstack` 26 ms.
 */
export function sliceBatch(t: tf.Tensor): tf.Tensor2D[] {
  const [slices, rows, cols] = t.shape as [number, number, number];
  return tf.split(t, slices, 0).map((s) => tf.reshape(s, [rows, cols]));
}

/** Which operands {@link batchedMatMul} transposes (their last two axes). */
export interface BatchedMatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * `op(a) @ op(b)` over matching leading batch dims ([..., m, k] · [..., k, n]; op = optional
 * transpose of the last two axes): one batched matMul, or on wasm (see {@link prefersSlices}) one
 * 2-D matMul per slice against explicitly transposed operands. Differentiable.
 *
 * @example
 * ```ts
 * const scores = batchedMatMul(q, k, { transposeB: true }); // [B, H, Tq, d] · [B, H, Tk, d]ᵀ → [B, H, Tq, Tk]
 * ```
 */
export function batchedMatMul(a: tf.Tensor, b: tf.Tensor, { transposeA = false, transposeB = false }: BatchedMatMulOptions = {}): tf.Tensor {
  const lead = a.shape.slice(0, -2);
  if (a.rank < 2 || b.rank !== a.rank || lead.join() !== b.shape.slice(0, -2).join()) {
    throw new Error(`batchedMatMul: expected [..., m, k] and [..., k, n] with the same leading dims, got [${a.shape}] and [${b.shape}]`);
  }
  return tf.tidy(() => {
    const slices = lead.reduce((x, y) => x * y, 1);
    const m = a.shape[a.rank - (transposeA ? 1 : 2)]!, n = b.shape[b.rank - (transposeB ? 2 : 1)]!;
    if (a.rank < 3 || !prefersSlices(slices, m, n)) return tf.matMul(a, b, transposeA, transposeB);
    const as3 = (t: tf.Tensor, transpose: boolean) => {
      const t3 = tf.reshape(t, [slices, ...t.shape.slice(-2)]);
      return sliceBatch(transpose ? tf.transpose(t3, [0, 2, 1]) : t3);
    };
    const as = as3(a, transposeA), bs = as3(b, transposeB);
    // concat, not stack: stack's gradient is wasm's slow unstack, concat's is a split
    return tf.reshape(tf.concat(as.map((ai, i) => tf.reshape(tf.matMul(ai, bs[i]!), [1, m, n]))), [...lead, m, n]);
  });
}
