import * as tf from '@tensorflow/tfjs-core';
import { type AttentionMap, PART_CATEGORIES, disposeAttentionMaps, partIds, prepareCloud } from '@heed/point-transformer';
import { randomSample } from '@heed/pointcloud-io';
import { nearestIndex } from '../math/nearest-index.js';
import type { BackendName, ModelRun } from '../protocol.js';
import { summariseAttention } from './attention-summary.js';
import type { LoadedModel } from './model-catalog.js';

/**
 * Clouds larger than this are first reduced to a seeded random subset of this many points, and
 * farthest point sampling runs on the subset: FPS over all of a 10⁶-point scan costs ≈ 2 s in
 * JavaScript, over 2¹⁶ points ≈ 0.1 s, and picks centres just as spread. Smaller clouds (every
 * ModelNet / ShapeNet cloud) go through exactly what `heed attention` does.
 */
export const FPS_SUBSET_LIMIT = 65_536;

/** One forward pass over a batch of prepared clouds: host logits, and attention maps the caller disposes. */
export interface Forward {
  logits: Float32Array;
  maps: AttentionMap[];
}

/**
 * Runs the model over `batch` copies of one prepared cloud (flat [n·3], normalised), with one
 * object category per copy for a part segmenter that takes categories.
 */
export type ForwardPass = (cloud: Float32Array, n: number, batch: number, categories?: number[]) => Promise<Forward>;

/** Options of {@link runModel}. */
export interface RunOptions {
  /** Segmentation: the object category by name; absent → the category the model is surest of. */
  category?: string;
  backend: BackendName;
  /** How the model runs; default: its tfjs layers on the active tfjs backend ({@link tfjsForward}). */
  forward?: ForwardPass;
}

/**
 * The model's own tfjs layers as a {@link ForwardPass}.
 *
 * @example
 * ```ts
 * const { logits, maps } = await tfjsForward(loaded)(prepared.points, 256, 1);
 * ```
 */
export function tfjsForward(loaded: LoadedModel): ForwardPass {
  return async (cloud, n, batch, categories) => {
    const points = tf.tidy(() => tf.tile(tf.tensor3d(cloud, [1, n, 3]), [batch, 1, 1]) as tf.Tensor3D);
    const { logits, attention } = loaded.model.predict(points, { returnAttention: true, ...(categories ? { categories } : {}) });
    try {
      return { logits: (await logits.data()) as Float32Array, maps: attention! };
    } catch (e) {
      disposeAttentionMaps(attention);
      throw e;
    } finally {
      tf.dispose([points, logits]);
    }
  };
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
  const { descriptor } = loaded;
  const inputCount = positions.length / 3;
  const fpsInput = inputCount > FPS_SUBSET_LIMIT ? randomSample(positions, FPS_SUBSET_LIMIT, { seed: 0 }).cloud.positions : positions;
  const prepared = prepareCloud(fpsInput, { numPoints: descriptor.points });
  const n = prepared.points.length / 3;
  const t1 = performance.now();
  const segmentation = descriptor.task === 'segmentation';
  const categories = segmentation ? (options.category ? [categoryIndex(options.category)] : PART_CATEGORIES.map((_, i) => i)) : undefined;
  const batch = categories?.length ?? 1;
  const { logits, maps } = await (options.forward ?? tfjsForward(loaded))(prepared.points, n, batch, categories);
  try {
    const t2 = performance.now();
    const summary = await summariseAttention(maps.map((map) => ({ name: map.name, kind: map.kind, heads: [map] })), positions, prepared.transform);
    const { attentionMs, nearestMs, ...attention } = summary;
    const prediction = segmentation
      ? onLayerPoints(segmentationLabels(logits, batch, n, loaded.labels.length, categories!, !options.category), prepared.points, attention.layerXyz, prepared.transform)
      : { probabilities: softmax(logits) };
    return {
      modelId: descriptor.id, ...attention, labels: loaded.labels, backend: options.backend,
      fpsOver: fpsInput.length / 3,
      ...prediction,
      timings: { prepareMs: t1 - t0, forwardMs: t2 - t1, attentionMs, nearestMs, totalMs: performance.now() - t0 },
    };
  } finally {
    disposeAttentionMaps(maps);
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

/**
 * Class probabilities from logits (numerically stable softmax).
 *
 * @example
 * ```ts
 * softmax([0, Math.log(3)]); // [0.25, 0.75]
 * ```
 */
export function softmax(logits: ArrayLike<number>): number[] {
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
