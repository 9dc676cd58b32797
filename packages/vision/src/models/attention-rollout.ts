/**
 * Spatial maps from a Vision Transformer's attention weights: the class token's attention in one
 * layer, and attention rollout (Abnar & Zuidema, 2020) through all layers.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Attention rollout: per layer, the head-averaged attention plus the identity (the residual
 * path), rows renormalised — `Â = (mean_h A + I) / rowsum` — then the product over layers,
 * last layer on the left: `R = Â_L ⋯ Â_1`. Row i of R says how much each input token flows into
 * output token i. Takes per-layer weights [B, H, T, T] (first layer first), returns R [B, T, T].
 *
 * @example
 * ```ts
 * const rollout = attentionRollout([w1, w2]); // each [B, H, 65, 65] → [B, 65, 65]
 * const clsRow = tf.slice(rollout, [0, 0, 1], [-1, 1, -1]); // class token ← patches
 * ```
 */
export function attentionRollout(layerWeights: tf.Tensor[]): tf.Tensor3D {
  if (layerWeights.length === 0) throw new Error('attentionRollout: no layers');
  return tf.tidy(() => {
    let rollout: tf.Tensor3D | undefined;
    for (const weights of layerWeights) {
      if (weights.rank !== 4) throw new Error(`attentionRollout: expected [B, H, T, T], got [${weights.shape}]`);
      const t = weights.shape[2]!;
      const withResidual = tf.add(tf.mean(weights, 1), tf.eye(t));
      const normalised = tf.div(withResidual, tf.sum(withResidual, -1, true)) as tf.Tensor3D;
      rollout = rollout ? (tf.matMul(normalised, rollout) as tf.Tensor3D) : normalised;
    }
    return rollout!;
  });
}

/**
 * The class token's row of a [B, T, T] token-to-token matrix (attention or rollout) without its
 * own entry, laid out on the patch grid: [B, grid, grid] where T = 1 + grid². Token 0 is the
 * class token; patches follow in row-major order.
 *
 * @example
 * ```ts
 * classTokenMap(tf.mean(lastLayerWeights, 1), 8); // [B, 8, 8]: last layer, mean over heads
 * ```
 */
export function classTokenMap(tokenMatrix: tf.Tensor3D, grid: number): tf.Tensor3D {
  const [b, t] = tokenMatrix.shape;
  if (t !== 1 + grid * grid) throw new Error(`classTokenMap: ${t} tokens do not make 1 + ${grid}² (class token + patches)`);
  return tf.tidy(() => tf.reshape(tf.slice(tokenMatrix, [0, 0, 1], [b, 1, grid * grid]), [b, grid, grid]) as tf.Tensor3D);
}
