import * as tf from '@tensorflow/tfjs-core';
import type { AttentionMap } from '@heed/point-transformer';
import type { AttentionQueries, OnnxTensor } from '@heed/onnx/points';
import type { LayerMaps } from './attention-summary.js';

/**
 * How @heed/onnx's attention-output convention maps onto @heed/point-transformer's kinds: with
 * `columns` (PCT's offset-attention) query j mixes the points with column j — an 'offset' map,
 * whose mixing matrix is the transpose; with `rows` the matrix is the mixing matrix — a
 * 'scaled-dot' map.
 *
 * @example
 * ```ts
 * attentionKind('columns'); // 'offset'
 * ```
 */
export function attentionKind(queries: AttentionQueries): AttentionMap['kind'] {
  return queries === 'columns' ? 'offset' : 'scaled-dot';
}

/** Heads of an attention output [B, S, S] (1) or [B, H, S, S] (H), and S; throws for other shapes. */
export function attentionShape(name: string, dims: readonly number[]): { heads: number; s: number } {
  if ((dims.length !== 3 && dims.length !== 4) || dims.at(-1) !== dims.at(-2)) {
    throw new Error(`${name} is [${dims.join(', ')}], not an attention map [batch, S, S] or [batch, heads, S, S]`);
  }
  return { heads: dims.length === 4 ? dims[1]! : 1, s: dims.at(-1)! };
}

/**
 * One attention output of an ONNX run as the maps @heed/point-transformer's attention code takes,
 * one per head, for cloud 0 of the batch: the matrix [1, S, S] and its points [1, S, 3] (normalised
 * frame, `xyz` holds at least S points). The graph gives the matrix itself, not query/key factors:
 * the factors are empty [1, S, 0] tensors that only carry the shape (nothing reads their values
 * when a map has its matrix). The caller disposes the maps (`disposeAttentionMaps` over all heads at once).
 *
 * @example
 * ```ts
 * const layer = onnxLayerMaps('attention_1', outputs.attention_1, outputs.xyz_1.data, 'offset');
 * ```
 */
export function onnxLayerMaps(name: string, attention: OnnxTensor, xyz: Float32Array, kind: AttentionMap['kind'], mapName = name): LayerMaps {
  const { heads, s } = attentionShape(name, attention.dims);
  if (!(attention.data instanceof Float32Array)) throw new Error(`${name}: expected float32 attention weights`);
  if (xyz.length < 3 * s) throw new Error(`${name}: ${s} points attend, but only ${xyz.length / 3} points were given for them`);
  const points = tf.tensor3d(xyz.subarray(0, 3 * s), [1, s, 3]);
  const factors = tf.zeros([1, s, 0]) as tf.Tensor3D;
  const maps: AttentionMap[] = [];
  for (let h = 0; h < heads; h++) {
    const matrix = tf.tensor3d(attention.data.subarray(h * s * s, (h + 1) * s * s), [1, s, s]);
    // The heads share points and factors: disposeAttentionMaps over all of them disposes those once.
    maps.push({ name: mapName, kind, xyz: points, query: factors, key: factors, scale: 1, epsilon: 1e-9, matrix });
  }
  return { name: mapName, kind, heads: maps };
}
