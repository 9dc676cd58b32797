import type { ModelRun } from '../protocol.js';

/**
 * What the points are coloured by:
 * - `query`: the weights with which the query point's output mixes every point, in one layer/head;
 * - `received`: how much attention each point receives, averaged over all queries (column means);
 * - `rollout`: the query's row of the attention rollout across all layers;
 * - `parts`: a part segmenter's predicted labels;
 * - `source`: the cloud's own colours, or its scalar field (intensity…).
 */
export type ColorMode = 'query' | 'received' | 'rollout' | 'parts' | 'source';

/** Every {@link ColorMode}, in the order the picker lists them. */
export const COLOR_MODES: readonly ColorMode[] = ['query', 'received', 'rollout', 'parts', 'source'];

/**
 * The points a layer works on and, for every input point, the index of its nearest one: the run's
 * `layerXyz` / `nearestLayerPoint`, unless the layer carries its own (a user's ONNX model whose
 * attention outputs attend over different points). `layer` is 1-based; absent → the run's.
 *
 * @example
 * ```ts
 * const { xyz, nearest } = layerPoints(run, 2);
 * ```
 */
export function layerPoints(run: ModelRun, layer?: number): { xyz: Float32Array; nearest: Uint32Array } {
  const own = layer === undefined ? undefined : run.layers[layer - 1]?.points;
  return own ?? { xyz: run.layerXyz, nearest: run.nearestLayerPoint };
}

/**
 * The layer point that stands for input point `query`: its nearest (the index computed once per run).
 *
 * @example
 * ```ts
 * const q = queryLayerPoint(run, 700);
 * ```
 */
export function queryLayerPoint(run: ModelRun, query: number, layer?: number): number {
  const { nearest } = layerPoints(run, layer);
  if (!Number.isInteger(query) || query < 0 || query >= nearest.length) {
    throw new RangeError(`query ${query} is not a point of the cloud (0–${nearest.length - 1})`);
  }
  return nearest[query]!;
}

/**
 * One value per layer point for an attention mode: `layer` is 1-based, `head` 0-based.
 * Returns a view into the run's arrays where it can (no copy for `query`/`rollout`). The values
 * belong to the layer's points ({@link layerPoints}); the rollout's to the run's.
 *
 * @example
 * ```ts
 * const weights = attentionValues(run, 'query', { layer: 1, head: 0, query: 700 }); // Float32Array [M]
 * ```
 */
export function attentionValues(run: ModelRun, mode: 'query' | 'received' | 'rollout', at: { layer: number; head: number; query: number }): Float32Array {
  if (mode === 'rollout') {
    if (!run.rollout) throw new RangeError(`${run.modelId}: its attention outputs work on different points, so there is no rollout across them`);
    const m = run.layerXyz.length / 3;
    const q = queryLayerPoint(run, at.query);
    return run.rollout.subarray(q * m, (q + 1) * m);
  }
  const layer = run.layers[at.layer - 1];
  if (!layer) throw new RangeError(`layer ${at.layer} does not exist: the model has layers 1–${run.layers.length}`);
  if (!Number.isInteger(at.head) || at.head < 0 || at.head >= layer.heads) throw new RangeError(`head ${at.head} does not exist in layer ${at.layer} (heads 0–${layer.heads - 1})`);
  const m = layerPoints(run, at.layer).xyz.length / 3;
  const matrix = layer.mixing.subarray(at.head * m * m, (at.head + 1) * m * m);
  if (mode === 'query') {
    const q = queryLayerPoint(run, at.query, at.layer);
    return matrix.subarray(q * m, (q + 1) * m);
  }
  const received = new Float32Array(m);
  for (let q = 0; q < m; q++) for (let j = 0; j < m; j++) received[j]! += matrix[q * m + j]!;
  for (let j = 0; j < m; j++) received[j]! /= m;
  return received;
}

/**
 * Smallest and largest finite value.
 *
 * @example
 * ```ts
 * extent([0.2, 0.1, 0.7]); // { min: 0.1, max: 0.7 }
 * ```
 */
export function extent(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 1 };
}
