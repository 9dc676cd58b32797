import { SHAPE_CLASSES } from '../data/shapes.js';
import { PART_CATEGORIES } from '../data/parts.js';
import type { GroupingStage } from '../model/neighbour-embedding.js';
import type { TrainConfig } from './checkpoint.js';

/** The options a caller usually sets; {@link resolveTrainConfig} fills in the rest. */
export type TrainConfigOptions = Partial<TrainConfig> & Pick<TrainConfig, 'task'>;

/**
 * Neighbour-embedding stages for `points` input points: the reference's {512, 256 centres, k 32}
 * at N = 1024, otherwise N/2 and N/4 centres with k = 16 for N < 1024 (classification);
 * segmentation keeps every point ('all') at both stages, k = 32 (16 for N < 1024).
 *
 * @example
 * ```ts
 * scaledStages('classification', 256); // [{ numSamples: 128, k: 16 }, { numSamples: 64, k: 16 }]
 * ```
 */
export function scaledStages(task: TrainConfig['task'], points: number): GroupingStage[] {
  const k = points >= 1024 ? 32 : 16;
  if (task === 'segmentation') return [{ numSamples: 'all', k }, { numSamples: 'all', k }];
  return [{ numSamples: Math.floor(points / 2), k }, { numSamples: Math.floor(points / 4), k }];
}

/**
 * A complete {@link TrainConfig} from a few choices. Defaults: PCT; 1024 points; 250 epochs
 * (the reference) of 1024 fresh clouds; batch 8; SGD lr 0.01 → 1e-4 (the reference's 100·lr and
 * eta_min = lr), momentum 0.9, weight decay 5e-4 — or Adam lr 1e-3 → 1e-5, weight decay 1e-4;
 * label smoothing 0.2; augmentation: the reference's anisotropic scale and translation, jitter
 * and rotation about +y for ShapeNet-style data. Classification labels are all built-in shape
 * classes, segmentation labels all parts of all built-in categories.
 *
 * Note for the procedural shape classes: some differ only in proportions (sphere vs ellipsoid,
 * cylinder vs disc), which anisotropic scaling blurs; pass `augment: { scale: false }` for them.
 *
 * @example
 * ```ts
 * resolveTrainConfig({ task: 'classification', points: 256, epochs: 30, augment: { scale: false } });
 * ```
 */
export function resolveTrainConfig(o: TrainConfigOptions): TrainConfig {
  const variant = o.variant ?? 'pct';
  const points = o.points ?? 1024;
  const optimizer = o.optimizer ?? 'sgd';
  const learningRate = o.learningRate ?? (optimizer === 'sgd' ? 0.01 : 1e-3);
  const labelNames = o.labelNames ?? (o.task === 'classification'
    ? SHAPE_CLASSES.map((c) => c.name)
    : PART_CATEGORIES.flatMap((c) => c.parts.map((p) => `${c.name}/${p}`)));
  const config: TrainConfig = {
    task: o.task,
    variant,
    numClasses: o.numClasses ?? labelNames.length,
    labelNames,
    epochs: o.epochs ?? 250,
    batchSize: o.batchSize ?? 8,
    points,
    cloudsPerEpoch: o.cloudsPerEpoch ?? 1024,
    freshEachEpoch: o.freshEachEpoch ?? true,
    generator: o.generator ?? {},
    seed: o.seed ?? 1,
    optimizer,
    learningRate,
    minLearningRate: o.minLearningRate ?? learningRate / 100,
    momentum: o.momentum ?? 0.9,
    weightDecay: o.weightDecay ?? (optimizer === 'sgd' ? 5e-4 : 1e-4),
    labelSmoothing: o.labelSmoothing ?? 0.2,
    augment: o.augment ?? { rotateUp: true },
  };
  if (variant === 'pct') config.stages = o.stages ?? scaledStages(o.task, points);
  if (o.task === 'segmentation') config.numCategories = o.numCategories ?? PART_CATEGORIES.length;
  return config;
}
