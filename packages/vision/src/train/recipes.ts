/**
 * The exact recipes that produced the shipped weights, shared by `heed vision train` and anyone
 * reproducing them: architecture, initial-weight seed, data seed, schedule.
 */
import { type CbamCnnConfig, DEFAULT_CBAM_CNN, createCbamCnn } from '../models/cbam-cnn.js';
import { DEFAULT_TINY_VIT, type TinyVitConfig, createTinyVit } from '../models/tiny-vit.js';
import type { VisionModel, VisionModelKind } from '../models/vision-model.js';
import { type TrainOptions, type TrainResult, trainVisionModel } from './train-vision-model.js';

/** How one shipped model was trained. */
export interface TrainingRecipe {
  kind: VisionModelKind;
  config: CbamCnnConfig | TinyVitConfig;
  /** Seed of the training images and of the initial weights. */
  seed: number;
  /** Everything of {@link TrainOptions} but the seed and callbacks. */
  train: Omit<TrainOptions, 'seed' | 'onProgress' | 'onLogLine'>;
}

/**
 * Seed of the held-out images checked after every epoch (never used for training).
 *
 * @example
 * ```ts
 * await evaluateVision(model, { seed: VALIDATION_SEED, count: 200 }); // what the training log reports
 * ```
 */
export const VALIDATION_SEED = 999_001;

/**
 * The recipes of weights/cbam.json and weights/vit.json.
 *
 * @example
 * ```ts
 * TRAINING_RECIPES.vit.train.epochs; // 16
 * ```
 */
export const TRAINING_RECIPES: Record<VisionModelKind, TrainingRecipe> = {
  cbam: {
    kind: 'cbam',
    config: DEFAULT_CBAM_CNN,
    seed: 1,
    train: {
      epochs: 12, stepsPerEpoch: 150, batchSize: 32, learningRate: 3e-3, schedule: 'cosine', weightDecay: 1e-4,
      validation: { seed: VALIDATION_SEED, count: 200 },
    },
  },
  vit: {
    kind: 'vit',
    config: DEFAULT_TINY_VIT,
    seed: 1,
    train: {
      epochs: 16, stepsPerEpoch: 150, batchSize: 32, learningRate: 3e-3, schedule: 'cosine', weightDecay: 1e-2,
      validation: { seed: VALIDATION_SEED, count: 200 },
    },
  },
};

/** Options of {@link trainFromRecipe}. */
export interface RecipeRunOptions {
  /** Overrides the recipe's seed (images and initial weights). */
  seed?: number;
  onProgress?: TrainOptions['onProgress'];
  onLogLine?: TrainOptions['onLogLine'];
}

/**
 * Builds the model of a recipe with fresh seeded weights and trains it on the active backend.
 *
 * @example
 * ```ts
 * const { model, result } = await trainFromRecipe(TRAINING_RECIPES.cbam, { onProgress: (p) => bar.update(p.step) });
 * console.log(result.validation); // held-out accuracy and attention ratio
 * ```
 */
export async function trainFromRecipe(recipe: TrainingRecipe, options: RecipeRunOptions = {}): Promise<{ model: VisionModel; result: TrainResult }> {
  const seed = options.seed ?? recipe.seed;
  const model = recipe.kind === 'vit'
    ? createTinyVit({ seed, config: recipe.config as TinyVitConfig })
    : createCbamCnn({ seed, config: recipe.config as CbamCnnConfig });
  const result = await trainVisionModel(model, {
    ...recipe.train, seed, onProgress: options.onProgress, onLogLine: options.onLogLine,
  });
  return { model, result };
}
