/**
 * The gradient of {@link OffsetAttention}, registered once by name so that every backend's fused
 * forward kernel trains. It recomputes the weights from the saved inputs with composed tfjs ops.
 *
 * With E = Q Kᵀ, A = softmax_rows(E), s_j = ε + Σ_i A_ij, Â = A / s, out = Âᵀ V and G = dout:
 * dV = Â G; dÂ = V Gᵀ; dA_ij = (dÂ_ij − Σ_i' dÂ_i'j Â_i'j) / s_j;
 * dE = A ⊙ (dA − rowsum(dA ⊙ A)); dQ = dE K; dK = dEᵀ Q.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../register-gradients.js';
import { batchedMatMul } from '@heed/attention';
import { OffsetAttention, type OffsetAttentionAttrs } from './kernel-names.js';

tf.registerGradient({
  kernelName: OffsetAttention,
  inputsToSave: ['query', 'key', 'value'],
  gradFunc: (dy, saved, attrs) => {
    const [q, k, v] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    const { epsilon } = attrs as unknown as OffsetAttentionAttrs;
    const g = dy as tf.Tensor3D;
    const parts = () => {
      const a = tf.softmax(batchedMatMul(q, k, { transposeB: true }));
      const s = tf.add(tf.sum(a, 1, true), epsilon);
      return { a, s, norm: tf.div(a, s) };
    };
    const energyGrad = () => {
      const { a, s, norm } = parts();
      const dNorm = batchedMatMul(v, g, { transposeB: true });
      const dA = tf.div(tf.sub(dNorm, tf.sum(tf.mul(dNorm, norm), 1, true)), s);
      return tf.mul(a, tf.sub(dA, tf.sum(tf.mul(dA, a), -1, true)));
    };
    return {
      query: () => batchedMatMul(energyGrad(), k),
      key: () => batchedMatMul(energyGrad(), q, { transposeA: true }),
      value: () => batchedMatMul(parts().norm, g),
    };
  },
});
