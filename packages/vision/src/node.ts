/**
 * `@heed/vision/node`: the parts that touch the file system (Node only). Everything else in
 * @heed/vision runs in browsers too.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { VisionModelKind } from './models/vision-model.js';
import { TRAINING_RECIPES, trainFromRecipe } from './train/recipes.js';
import type { TrainProgress, TrainResult } from './train/train-vision-model.js';
import { serializeVisionModel } from './weights/weights-file.js';

/** Options of {@link trainToFolder}. */
export interface TrainToFolderOptions {
  /** Folder for `<kind>.json` and `<kind>.train.jsonl` (created if missing). */
  out: string;
  /** Overrides the recipe's seed. */
  seed?: number;
  /** How to reproduce this run, stored in the weight file's metadata. */
  command?: string;
  onProgress?: (progress: TrainProgress) => void;
}

/** Where {@link trainToFolder} wrote, and how training went. */
export interface TrainToFolderResult {
  weightsPath: string;
  logPath: string;
  result: TrainResult;
}

/**
 * Trains `kind` with the recipe of the shipped weights ({@link TRAINING_RECIPES}) on the active
 * tfjs backend, then writes the weight file (with provenance metadata: command, seed, backend,
 * Node version, wall time, last held-out check) and the JSON-lines training log.
 *
 * @example
 * ```ts
 * import { trainToFolder } from '@heed/vision/node';
 * const { weightsPath, result } = await trainToFolder('cbam', { out: 'weights', onProgress: (p) => bar.update(p.step) });
 * ```
 */
export async function trainToFolder(kind: VisionModelKind, options: TrainToFolderOptions): Promise<TrainToFolderResult> {
  const recipe = TRAINING_RECIPES[kind];
  const seed = options.seed ?? recipe.seed;
  mkdirSync(options.out, { recursive: true });
  const logPath = join(options.out, `${kind}.train.jsonl`);
  const weightsPath = join(options.out, `${kind}.json`);
  writeFileSync(logPath, '');
  const { model, result } = await trainFromRecipe(recipe, {
    seed, onProgress: options.onProgress, onLogLine: (line) => appendFileSync(logPath, `${line}\n`),
  });
  try {
    const metadata = {
      command: options.command, seed, backend: tf.getBackend(), node: process.version,
      wallTimeSeconds: Math.round(result.wallTimeMs / 1000), steps: result.steps,
      finalTrainLoss: result.finalLoss, finalTrainAccuracy: result.finalAccuracy, validation: result.validation,
    };
    writeFileSync(weightsPath, `${JSON.stringify(await serializeVisionModel(model, metadata))}\n`);
  } finally {
    model.dispose();
  }
  return { weightsPath, logPath, result };
}
