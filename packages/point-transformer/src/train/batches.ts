import { type AugmentOptions, augmentPointClouds } from '../data/augment.js';
import { Random, mixSeed } from '../data/random.js';
import { generateClassificationSet } from '../data/shapes.js';
import type { RotationMode } from '../data/cloud.js';
import { generateSegmentationSet } from '../data/parts.js';
import type { PCTTask } from '../model/pct-config.js';

/** Augmentation of training batches: `augmentPointClouds`' options, less `points`/`pointLabels`. */
export type TrainAugment = Omit<AugmentOptions, 'points' | 'pointLabels'>;

/** One host-side batch: xyz [B·N·3], labels [B] (classification) or [B·N] (part ids), categories [B] (segmentation). */
export interface HostBatch {
  points: Float32Array;
  labels: Int32Array;
  categories?: Int32Array;
  size: number;
}

/** How the generator poses clouds (both training and held-out sets should use the same). */
export interface GeneratorOptions {
  /** Pose of each generated cloud: 'so3' (the generator's default), 'up' (upright, any heading — ModelNet-like), 'none'. */
  rotation?: RotationMode;
}

/** The training clouds of one epoch, in order (shuffled by the generator). */
export interface EpochData {
  points: Float32Array;
  labels: Int32Array;
  categories?: Int32Array;
  count: number;
}

/** Label streams of the training generator, kept apart from any held-out seed the user picks. */
const TRAIN_STREAM = 0x7a17;

/**
 * The procedural training set of one epoch: `count` FRESH clouds per epoch (seeded by
 * (seed, epoch), so an epoch is reproducible and resuming regenerates it exactly) — the generator
 * gives unlimited data, so no epoch repeats another's clouds.
 *
 * @example
 * ```ts
 * const data = epochData('classification', { seed: 1, epoch: 0, count: 512, points: 256 });
 * ```
 */
export function epochData(task: PCTTask, o: { seed: number; epoch: number; count: number; points: number; generator?: GeneratorOptions }): EpochData {
  const seed = mixSeed(o.seed, TRAIN_STREAM, o.epoch);
  if (task === 'classification') {
    const set = generateClassificationSet({ ...o.generator, count: o.count, seed, points: o.points });
    return { points: set.points, labels: set.labels, count: o.count };
  }
  const set = generateSegmentationSet({ ...o.generator, count: o.count, seed, points: o.points });
  return { points: set.points, labels: set.partLabels, categories: set.categories, count: o.count };
}

/**
 * Batch `index` of an epoch (clouds index·B … index·B + B − 1), copied and augmented with a
 * generator seeded by (seed, epoch, index) — deterministic, so a resumed run sees the same batch.
 * `augment: false` copies only.
 *
 * @example
 * ```ts
 * const batch = makeBatch(data, 'classification', { seed: 1, epoch: 0, index: 3, batchSize: 8, points: 256, augment: { rotateUp: true } });
 * ```
 */
export function makeBatch(data: EpochData, task: PCTTask, o: { seed: number; epoch: number; index: number; batchSize: number; points: number; augment: TrainAugment | false }): HostBatch {
  const n = o.points, b = o.batchSize, first = o.index * b;
  if (first + b > data.count) throw new Error(`makeBatch: batch ${o.index} of ${b} runs past the ${data.count} clouds of the epoch`);
  const points = data.points.slice(first * n * 3, (first + b) * n * 3);
  const labels = task === 'classification' ? data.labels.slice(first, first + b) : data.labels.slice(first * n, (first + b) * n);
  if (o.augment !== false) {
    augmentPointClouds(points, new Random(mixSeed(o.seed, TRAIN_STREAM, o.epoch, o.index)), {
      ...o.augment, points: n, ...(task === 'segmentation' ? { pointLabels: labels } : {}),
    });
  }
  const batch: HostBatch = { points, labels, size: b };
  if (data.categories) batch.categories = data.categories.slice(first, first + b);
  return batch;
}
