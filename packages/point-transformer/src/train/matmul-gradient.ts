import * as tf from '@tensorflow/tfjs-core';
import '../register-gradients.js';

/** Swaps the last two axes. */
function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = [...Array(x.rank).keys()];
  perm[x.rank - 2] = x.rank - 1;
  perm[x.rank - 1] = x.rank - 2;
  return tf.transpose(x, perm);
}

/** `op(x) · op(y)` with any transpose done by an explicit `transpose`, never by a matMul flag. */
function matMulExplicit(x: tf.Tensor, y: tf.Tensor, transposeX: boolean, transposeY: boolean): tf.Tensor {
  return tf.matMul(transposeX ? swapLast(x) : x, transposeY ? swapLast(y) : y);
}

let registered = false;

/**
 * Re-registers tfjs' `BatchMatMul` gradient with the same mathematics (tfjs-core's
 * `batchMatMulGradConfig`, case by case) but with every transposed operand transposed explicitly
 * before a plain matMul. Why: tfjs-wasm's matMul with `transposeA`/`transposeB` leaves XNNPACK's
 * fast path — measured on the 2-core dev machine, [16384, 128]ᵀ·[16384, 128] takes 246 ms with
 * the flag and 32 ms as transpose + matMul; a PCT training step (B = 8, N = 256) goes from ≈ 8 s
 * to ≈ 2.3 s. Every backward matMul in the stock gradient uses one of the flags.
 *
 * The gradient registry is global (not per backend), so this affects every later `tf.grad` in the
 * process; results are the same up to float rounding. Idempotent. {@link trainPCT} calls it.
 *
 * @example
 * ```ts
 * registerTransposeFreeMatMulGradient();
 * const { grads } = tf.variableGrads(() => loss(), model.trainableVariables());
 * ```
 */
export function registerTransposeFreeMatMulGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const g = dy as tf.Tensor;
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return { a: () => matMulExplicit(g, b, false, true), b: () => matMulExplicit(a, g, true, false) };
      if (!transposeA && transposeB) return { a: () => matMulExplicit(g, b, false, false), b: () => matMulExplicit(g, a, true, false) };
      if (transposeA && !transposeB) return { a: () => matMulExplicit(b, g, false, true), b: () => matMulExplicit(a, g, false, false) };
      return { a: () => matMulExplicit(b, g, true, true), b: () => matMulExplicit(g, a, true, true) };
    },
  });
}
