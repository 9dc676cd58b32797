/**
 * The gradient of {@link FusedScaledDotProductAttention}, registered once by name so that every
 * backend's fused forward kernel trains. It recomputes the weights from the saved inputs (as
 * FlashAttention's backward does) with composed tfjs ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchedMatMul } from '../batched-matmul.js';
import { maskedSoftmax } from '../masked-softmax.js';
import { FusedScaledDotProductAttention, type FusedAttentionAttrs } from './kernel-names.js';

tf.registerGradient({
  kernelName: FusedScaledDotProductAttention,
  inputsToSave: ['q', 'k', 'v', 'keyLengths'],
  gradFunc: (dy, saved, attrs) => {
    const [q, k, v, keyLengths] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor1D];
    const { scale, causal } = attrs as unknown as FusedAttentionAttrs;
    const grad = dy as tf.Tensor3D;
    const tq = q.shape[1], tk = k.shape[1];
    const weights = () => {
      let mask = tf.less(tf.range(0, tk, 1, 'int32'), tf.reshape(keyLengths, [-1, 1, 1]));
      if (causal) mask = tf.logicalAnd(mask, tf.cast(tf.linalg.bandPart(tf.ones([tq, tk]), -1, 0), 'bool'));
      return maskedSoftmax(tf.mul(batchedMatMul(q, k, { transposeB: true }), scale), { mask });
    };
    // dS = P ⊙ (dP − rowsum(dP ⊙ P)), the softmax Jacobian applied to dP = dy Vᵀ.
    const scoreGrad = () => {
      const p = weights();
      const dp = batchedMatMul(grad, v, { transposeB: true });
      return tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), -1, true)));
    };
    return {
      q: () => tf.mul(batchedMatMul(scoreGrad(), k), scale),
      k: () => tf.mul(batchedMatMul(tf.transpose(scoreGrad(), [0, 2, 1]), q), scale),
      v: () => batchedMatMul(tf.transpose(weights(), [0, 2, 1]), grad),
      keyLengths: () => tf.zerosLike(keyLengths),
    };
  },
});
