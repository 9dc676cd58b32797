import * as tf from '@tensorflow/tfjs-core';
import { attentionRow } from '../attention-maps/attention-row.js';
import { disposeAttentionMaps } from '../attention/attention-map.js';
import type { PCTModel } from '../model/pct-model.js';
import { nearestPoint } from './nearest-point.js';
import type { PreparedCloud } from './prepare-cloud.js';
import { toOriginal } from './unit-sphere.js';

/**
 * What {@link queryAttention} returns.
 *
 * @example
 * ```ts
 * const { xyz, weights, queryPoint } = await queryAttention(model, prepared, positions, 1, 0);
 * ```
 */
export interface AttentionQuery {
  /** The attention layer, 1-based (1 = `pt_last.sa1`). */
  layer: number;
  /** The layer's state-dict name, e.g. 'pt_last.sa2'. */
  name: string;
  /** The query as given: an index into the INPUT cloud. */
  query: number;
  /** The layer point that stands for it: the one nearest to the input point (normalised frame). */
  queryPoint: number;
  /** The layer's points in the normalised (model) frame, flat xyz [M·3]. */
  xyzNormalised: Float32Array;
  /** The layer's points in the input cloud's original coordinates, flat xyz [M·3]. */
  xyz: Float64Array;
  /**
   * [M]: the weights with which the query's output mixes each layer point, aligned with `xyz` —
   * for offset-attention the query's COLUMN of the l1-normalised matrix, for NPCT its softmax row
   * (see `attentionRow`).
   */
  weights: Float32Array;
}

/**
 * The number of attention layers of a model (4 for every PCT variant).
 *
 * @example
 * ```ts
 * attentionLayerCount(model); // 4
 * ```
 */
export function attentionLayerCount(model: PCTModel): number {
  return model.encoder.stack.layers.length;
}

/**
 * One query's attention in one layer, for a cloud prepared by `prepareCloud`. `query` indexes the
 * input cloud (`inputPositions`, flat xyz, as read — before resampling); the layer point nearest to
 * it in the normalised frame is the query (for PCT the layer works on 256 FPS centres, so the input
 * point itself is usually not one of them). Runs the model once; every tensor is disposed.
 * Throws a RangeError for a layer outside 1..{@link attentionLayerCount} or a query outside the
 * input cloud.
 *
 * @example
 * ```ts
 * const prepared = prepareCloud(cloud.positions);
 * const q = await queryAttention(model, prepared, cloud.positions, 4, 17);
 * q.weights; // Float32Array(256), aligned with q.xyz (original coordinates)
 * ```
 */
export async function queryAttention(model: PCTModel, prepared: PreparedCloud, inputPositions: ArrayLike<number>, layer: number, query: number): Promise<AttentionQuery> {
  const layers = attentionLayerCount(model);
  if (!Number.isInteger(layer) || layer < 1 || layer > layers) throw new RangeError(`layer ${layer} does not exist: the model has attention layers 1–${layers}`);
  const inputCount = Math.floor(inputPositions.length / 3);
  if (!Number.isInteger(query) || query < 0 || query >= inputCount) {
    throw new RangeError(`query ${query} is not a point of the cloud (it has ${inputCount} points: 0–${inputCount - 1})`);
  }
  const n = prepared.points.length / 3;
  const points = tf.tensor3d(prepared.points, [1, n, 3]);
  const { logits, attention } = model.predict(points, { returnAttention: 'factors' });
  try {
    const map = attention![layer - 1]!;
    const xyzNormalised = (await map.xyz.data()) as Float32Array;
    const queryPoint = nearestLayerPoint(xyzNormalised, prepared, inputPositions, query);
    const row = attentionRow(map, queryPoint);
    const weights = (await row.data()) as Float32Array;
    row.dispose();
    return { layer, name: map.name, query, queryPoint, xyzNormalised, xyz: toOriginal(xyzNormalised, prepared.transform), weights };
  } finally {
    disposeAttentionMaps(attention);
    tf.dispose([points, logits]);
  }
}

/**
 * The layer point that stands for input point `query`: the nearest one in the normalised frame
 * (a layer of PCT works on FPS centres, so the input point itself is usually not among them).
 *
 * @example
 * ```ts
 * const queryPoint = nearestLayerPoint(layerXyzNormalised, prepared, cloud.positions, 17);
 * ```
 */
export function nearestLayerPoint(layerXyzNormalised: ArrayLike<number>, prepared: Pick<PreparedCloud, 'transform'>, inputPositions: ArrayLike<number>, query: number): number {
  const { center: [cx, cy, cz], scale } = prepared.transform;
  return nearestPoint(
    layerXyzNormalised,
    (inputPositions[3 * query]! - cx) / scale,
    (inputPositions[3 * query + 1]! - cy) / scale,
    (inputPositions[3 * query + 2]! - cz) / scale,
  );
}
