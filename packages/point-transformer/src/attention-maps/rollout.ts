import * as tf from '@tensorflow/tfjs-core';
import type { AttentionMap } from '../attention/attention-map.js';
import { mixingMatrix } from './mixing-matrix.js';

/** Options of {@link attentionRollout}. */
export interface RolloutOptions {
  /** Weight of the attention against the residual identity in each layer. Default 0.5. */
  attentionWeight?: number;
}

/**
 * Attention rollout (Abnar & Zuidema, 2020) across layers that work on the same N points (PCT's
 * `pt_last.sa1..sa4`): R = Ŵ_L ··· Ŵ_1 with Ŵ = α·W + (1 − α)·I rows renormalised, W each layer's
 * {@link mixingMatrix}. Row q of the result [B, N, N] estimates how much each point contributes to
 * query q after the last layer. For offset-attention the layer adds ReLU(BN(T(x − x_r))) to x,
 * not x_r itself, so the rollout is a heuristic there, as it is for any attention with a
 * nonlinear residual.
 *
 * @example
 * ```ts
 * const { attention } = model.predict(points, { returnAttention: true });
 * const r = attentionRollout(attention!); // [B, 256, 256]
 * ```
 */
export function attentionRollout(maps: readonly AttentionMap[], options: RolloutOptions = {}): tf.Tensor3D {
  if (maps.length === 0) throw new Error('attentionRollout: no attention maps');
  const alpha = options.attentionWeight ?? 0.5;
  const shape = maps[0]!.query.shape.slice(0, 2).join(',');
  for (const m of maps) {
    if (m.query.shape.slice(0, 2).join(',') !== shape) {
      throw new Error(`attentionRollout: layers must share their points; ${m.name} has [${m.query.shape.slice(0, 2)}], ${maps[0]!.name} [${shape}]`);
    }
  }
  return tf.tidy(() => {
    const [b, n] = maps[0]!.query.shape;
    const eye = tf.expandDims(tf.eye(n), 0);
    let rollout: tf.Tensor = tf.tile(eye, [b, 1, 1]);
    for (const map of maps) {
      const w = tf.add(tf.mul(mixingMatrix(map), alpha), tf.mul(eye, 1 - alpha));
      const normalised = tf.div(w, tf.sum(w, -1, true));
      rollout = tf.matMul(normalised, rollout);
    }
    return rollout as tf.Tensor3D;
  });
}
