import * as tf from '@tensorflow/tfjs-core';
import {
  PART_CATEGORIES, attentionRollout, attentionStatistics, disposeAttentionMaps, mixingMatrix, partIds, prepareCloud,
} from '@heed/point-transformer';
import { randomSample } from '@heed/pointcloud-io';
import { nearestIndex } from '../math/nearest-index.js';
import type { BackendName, LayerAttention, ModelRun } from '../protocol.js';
import type { LoadedModel } from './model-catalog.js';

/**
 * Clouds larger than this are first reduced to a seeded random subset of this many points, and
 * farthest point sampling runs on the subset: FPS over all of a 10⁶-point scan costs ≈ 2 s in
 * JavaScript, over 2¹⁶ points ≈ 0.1 s, and picks centres just as spread. Smaller clouds (every
 * ModelNet / ShapeNet cloud) go through exactly what `heed attention` does.
 */
export const FPS_SUBSET_LIMIT = 65_536;

/** Options of {@link runModel}. */
export interface RunOptions {
  /** Segmentation: the object category by name; absent → the category the model is surest of. */
  category?: string;
  backend: BackendName;
}

/**
 * Runs a model once over a cloud (flat xyz in its own coordinates) and brings back everything the
 * viewer colours with: each layer's mixing matrix and statistics, the rollout,
 * the prediction, and each input point's nearest layer point. Every tensor is disposed.
 *
 * Segmentation without a given category runs the cloud once per category in one batch (the
 * encoder, hence the attention, does not depend on the category) and keeps the category whose
 * parts the model predicts most confidently; labels are restricted to that category's parts.
 *
 * @example
 * ```ts
 * const run = await runModel(await loadShippedModel('pct-classification'), cloud.positions, { backend: 'wasm' });
 * run.layers[0].mixing; // [M·M]
 * ```
 */
export async function runModel(loaded: LoadedModel, positions: Float32Array, options: RunOptions): Promise<ModelRun> {
  const t0 = performance.now();
  const { model, descriptor } = loaded;
  const inputCount = positions.length / 3;
  const fpsInput = inputCount > FPS_SUBSET_LIMIT ? randomSample(positions, FPS_SUBSET_LIMIT, { seed: 0 }).cloud.positions : positions;
  const prepared = prepareCloud(fpsInput, { numPoints: descriptor.points });
  const n = prepared.points.length / 3;
  const t1 = performance.now();
  const segmentation = descriptor.task === 'segmentation';
  const categories = segmentation ? (options.category ? [categoryIndex(options.category)] : PART_CATEGORIES.map((_, i) => i)) : undefined;
  const batch = categories?.length ?? 1;
  const points = tf.tidy(() => tf.tile(tf.tensor3d(prepared.points, [1, n, 3]), [batch, 1, 1]) as tf.Tensor3D);
  const { logits, attention } = model.predict(points, { returnAttention: true, ...(categories ? { categories } : {}) });
  const maps = attention!;
  try {
    const logitsHost = (await logits.data()) as Float32Array;
    const t2 = performance.now();
    const layers: LayerAttention[] = [];
    for (const map of maps) {
      const mixing = tf.tidy(() => tf.slice(mixingMatrix(map), [0, 0, 0], [1, -1, -1]));
      const stats = attentionStatistics(map);
      const [mix, distance, entropy] = await Promise.all([mixing.data(), stats.meanDistance.data(), stats.entropy.data()]);
      tf.dispose([mixing, stats.meanDistance, stats.entropy]);
      layers.push({ name: map.name, kind: map.kind, heads: 1, mixing: mix as Float32Array, meanDistance: [distance[0]!], entropy: [entropy[0]!] });
    }
    const rolloutTensor = tf.tidy(() => tf.slice(attentionRollout(maps), [0, 0, 0], [1, -1, -1]));
    const rollout = (await rolloutTensor.data()) as Float32Array;
    rolloutTensor.dispose();
    const xyzNormalised = (await maps[0]!.xyz.data()) as Float32Array;
    const m = xyzNormalised.length / 3 / batch;
    const layerXyz = new Float32Array(3 * m);
    const { center, scale } = prepared.transform;
    for (let i = 0; i < 3 * m; i++) layerXyz[i] = xyzNormalised[i]! * scale + center[i % 3]!;
    const t3 = performance.now();
    const nearestLayerPoint = nearestIndex(positions, layerXyz);
    const t4 = performance.now();
    const prediction = segmentation
      ? onLayerPoints(segmentationLabels(logitsHost, batch, n, loaded.labels.length, categories!, !options.category), prepared.points, layerXyz, prepared.transform)
      : { probabilities: softmax(logitsHost) };
    return {
      modelId: descriptor.id, layerXyz, nearestLayerPoint, layers, rollout, labels: loaded.labels, backend: options.backend,
      fpsOver: fpsInput.length / 3,
      ...prediction,
      timings: { prepareMs: t1 - t0, forwardMs: t2 - t1, attentionMs: t3 - t2, nearestMs: t4 - t3, totalMs: t4 - t0 },
    };
  } finally {
    disposeAttentionMaps(maps);
    tf.dispose([points, logits]);
  }
}

/**
 * Segmentation logits follow the model's input order; the attention layers may work on the same
 * points in another order (PCT's grouping keeps all points but reorders them by FPS), so each
 * layer point takes the label of the input point it is (nearest to).
 */
function onLayerPoints<T extends Pick<ModelRun, 'partLabels' | 'category'>>(prediction: T, inputNormalised: Float32Array, layerXyz: Float32Array, transform: { center: ArrayLike<number>; scale: number }): T {
  const input = inputNormalised.map((v, i) => v * transform.scale + transform.center[i % 3]!);
  const index = nearestIndex(layerXyz, input);
  return { ...prediction, partLabels: Int32Array.from(index, (i) => prediction.partLabels![i]!) };
}

function categoryIndex(name: string): number {
  const index = PART_CATEGORIES.findIndex((c) => c.name === name);
  if (index < 0) throw new Error(`unknown part category "${name}" (expected ${PART_CATEGORIES.map((c) => c.name).join(', ')})`);
  return index;
}

function softmax(logits: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(logits));
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}

/** Per-point argmax over the category's own parts; with several candidate categories, the surest one. */
function segmentationLabels(logits: Float32Array, batch: number, n: number, parts: number, categories: number[], auto: boolean): Pick<ModelRun, 'partLabels' | 'category'> {
  let best = { score: -Infinity, labels: new Int32Array(n), category: categories[0]! };
  for (let b = 0; b < batch; b++) {
    const own = partIds(PART_CATEGORIES[categories[b]!]!);
    const labels = new Int32Array(n);
    let score = 0;
    for (let i = 0; i < n; i++) {
      const row = logits.subarray((b * n + i) * parts, (b * n + i + 1) * parts);
      const rowMax = Math.max(...Array.from(row));
      let denominator = 0;
      for (let c = 0; c < parts; c++) denominator += Math.exp(row[c]! - rowMax);
      let arg = own[0]!;
      for (const c of own) if (row[c]! > row[arg]!) arg = c;
      labels[i] = arg;
      score += Math.exp(row[arg]! - rowMax) / denominator;
    }
    if (score > best.score) best = { score, labels, category: categories[b]! };
  }
  return { partLabels: best.labels, category: { name: PART_CATEGORIES[best.category]!.name, chosen: auto ? 'auto' : 'given' } };
}
