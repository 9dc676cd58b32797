import type { GroupingStage } from '../model/neighbour-embedding.js';
import type { PCTTask, PCTVariant } from '../model/pct-config.js';
import type { OptimizerKind } from './optimizer.js';
import type { GeneratorOptions, TrainAugment } from './batches.js';

/**
 * Everything that fixes a training run (and its schedule): saved in every checkpoint so a resume
 * continues exactly the same run.
 */
export interface TrainConfig {
  task: PCTTask;
  variant: PCTVariant;
  /** PCT only: the neighbour-embedding stages; omitted = the model's default. */
  stages?: GroupingStage[];
  /** Classes (classification) or part labels (segmentation). */
  numClasses: number;
  /** Segmentation: object categories. */
  numCategories?: number;
  /** Label names in label order (classes, or 'category/part'). */
  labelNames: string[];
  epochs: number;
  batchSize: number;
  points: number;
  /** Fresh clouds generated per epoch; steps per epoch = ⌊count / batchSize⌋ (the rest is dropped). */
  cloudsPerEpoch: number;
  /**
   * true (default): each epoch generates its own fresh clouds; false: every epoch reuses epoch 0's
   * clouds (a fixed training set of `cloudsPerEpoch`, e.g. to overfit in a test).
   */
  freshEachEpoch?: boolean;
  /** Generator options of the training clouds (and of the per-epoch validation). Default {} (so3 poses). */
  generator?: GeneratorOptions;
  seed: number;
  optimizer: OptimizerKind;
  learningRate: number;
  minLearningRate: number;
  momentum: number;
  weightDecay: number;
  labelSmoothing: number;
  augment: TrainAugment | false;
}

/** Where a run stands: the JSON half of a checkpoint. */
export interface TrainState {
  format: 'heed-pct-train';
  version: 1;
  config: TrainConfig;
  /** Optimisation steps done (the next step's index). */
  globalStep: number;
  /** Epochs completed. */
  epoch: number;
  totalSteps: number;
  /** Seconds of training so far (over all resumed segments). */
  seconds: number;
  /**
   * The randomness needs no saved generator state: every draw (epoch data, batch augmentation,
   * dropout) is seeded by (config.seed, epoch, step), so this records those coordinates only.
   */
  rng: { seed: number; epoch: number; stepInEpoch: number };
}

/**
 * A training checkpoint: the model's weights as safetensors (reference names, `saveSafetensors`),
 * the optimizer slots as safetensors, and the {@link TrainState} JSON. No Node APIs; the CLI
 * writes the three parts to `<dir>/checkpoint.safetensors`, `checkpoint.optimizer.safetensors`
 * and `checkpoint.json`.
 *
 * @example
 * ```ts
 * onCheckpoint: (c: TrainingCheckpoint) => { save('w.safetensors', c.weights); save('c.json', JSON.stringify(c.state)); }
 * ```
 */
export interface TrainingCheckpoint {
  weights: Uint8Array;
  optimizer: Uint8Array;
  state: TrainState;
}

/**
 * Checks that parsed JSON is a {@link TrainState} this version can resume.
 *
 * @example
 * ```ts
 * const state = parseTrainState(JSON.parse(text), 'out/checkpoint.json');
 * ```
 */
export function parseTrainState(value: unknown, source = 'checkpoint'): TrainState {
  const s = value as Partial<TrainState> | null;
  if (!s || s.format !== 'heed-pct-train') throw new Error(`${source}: not a Heed PCT training checkpoint (format field missing)`);
  if (s.version !== 1) throw new Error(`${source}: checkpoint version ${String(s.version)} is not supported (expected 1)`);
  if (!s.config || !Number.isInteger(s.globalStep) || !Number.isInteger(s.totalSteps)) throw new Error(`${source}: checkpoint state is incomplete`);
  return s as TrainState;
}
