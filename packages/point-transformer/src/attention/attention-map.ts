import type * as tf from '@tensorflow/tfjs-core';

/**
 * Which attention a layer computes:
 * - `'offset'`: PCT's offset-attention. Its matrix Â [B, N, N] is the reference's l1-normalised
 *   `attention` (rows: softmax over keys; columns: divided by their sum). Query j's output mixes
 *   the points with Â's COLUMN j.
 * - `'scaled-dot'`: NPCT's plain self-attention, softmax(q·kᵀ/√d) over keys. Query i's output mixes
 *   the points with row i.
 */
export type AttentionKind = 'offset' | 'scaled-dot';

/**
 * One attention layer's attention, as a model returns it on request. The tensors belong to the
 * caller (dispose them, e.g. with {@link disposeAttentionMaps}).
 */
export interface AttentionMap {
  /** The layer's state-dict prefix, e.g. 'pt_last.sa1'. */
  name: string;
  kind: AttentionKind;
  /** Coordinates of the N points the layer works on, [B, N, 3] (PCT: the 256 second-stage centres). */
  xyz: tf.Tensor3D;
  /** The layer's query projections [B, N, d] (what rows and statistics are computed from). */
  query: tf.Tensor3D;
  /** The layer's key projections [B, N, d] (the same tensor as `query` when PCT ties them). */
  key: tf.Tensor3D;
  /** Multiplies query·keyᵀ before the softmax: 1 for offset-attention, 1/√d for scaled-dot. */
  scale: number;
  /** Added to the column sums of offset-attention (1e-9). */
  epsilon: number;
  /** The full [B, N, N] matrix, when requested (`returnAttention: true`); absent for 'factors'. */
  matrix?: tf.Tensor3D;
}

/**
 * Disposes every tensor of the given attention maps (a shared query/key is disposed once).
 *
 * @example
 * ```ts
 * const { logits, attention } = model.predict(points, { returnAttention: true });
 * disposeAttentionMaps(attention);
 * ```
 */
export function disposeAttentionMaps(maps: readonly AttentionMap[] | undefined): void {
  const all = new Set<tf.Tensor>();
  for (const m of maps ?? []) [m.xyz, m.query, m.key, m.matrix].forEach((t) => t && all.add(t));
  all.forEach((t) => t.dispose());
}
