import * as tf from '@tensorflow/tfjs-core';
import { generateClassificationSet, type ShapeClassName } from '../data/shapes.js';
import { generateSegmentationSet, type PartCategoryName } from '../data/parts.js';
import type { PCTModel } from '../model/pct-model.js';
import type { RotationMode } from '../data/cloud.js';
import { accuracy, meanShapeIoU } from './metrics.js';

/** Options of {@link evaluateClassification} and {@link evaluateSegmentation}. */
export interface EvaluateOptions {
  /** Seed of the held-out set: use one the training never saw (training derives its own from its seed). */
  seed: number;
  /** Clouds to generate. Default 500. */
  count?: number;
  /** Points per cloud. Default 1024; must be what the model was trained on. */
  points?: number;
  /** Pose of the generated clouds (default the generator's 'so3'); use what the model was trained on. */
  rotation?: RotationMode;
  /** Clouds per forward. Default 16. */
  batchSize?: number;
  /** Classification: the classes in label order (default all built-in). */
  classes?: readonly ShapeClassName[];
  /** Segmentation: the categories in label order (default all built-in). */
  categories?: readonly PartCategoryName[];
  /** Called after each batch with the clouds done so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Held-out classification accuracy: generates `count` fresh clouds from `seed` (the generator's
 * default pose and occlusion, as in training) and compares the argmax of the model's logits
 * (evaluation mode) with the labels.
 *
 * @example
 * ```ts
 * const { accuracy } = await evaluateClassification(model, { seed: 424242, count: 500, points: 256 });
 * ```
 */
export async function evaluateClassification(model: PCTModel, options: EvaluateOptions): Promise<{ accuracy: number; count: number }> {
  const count = options.count ?? 500, n = options.points ?? 1024, bs = options.batchSize ?? 16;
  const set = generateClassificationSet({ count, seed: options.seed, points: n, ...(options.rotation ? { rotation: options.rotation } : {}), ...(options.classes ? { classes: options.classes } : {}) });
  const predicted = new Int32Array(count);
  for (let first = 0; first < count; first += bs) {
    const b = Math.min(bs, count - first);
    const pred = tf.tidy(() => {
      const pts = tf.tensor3d(set.points.subarray(first * n * 3, (first + b) * n * 3), [b, n, 3]);
      const { logits } = model.predict(pts);
      return tf.argMax(logits, -1);
    });
    predicted.set((await pred.data()) as Int32Array, first);
    pred.dispose();
    options.onProgress?.(first + b, count);
  }
  return { accuracy: accuracy(predicted, set.labels), count };
}

/**
 * Held-out part-segmentation mIoU in the ShapeNet-part convention (see {@link meanShapeIoU}):
 * each point's prediction is the argmax over its shape's CATEGORY's parts only (the category is
 * known, as in the standard evaluation), then per-shape mean part IoU, then mean over shapes.
 *
 * @example
 * ```ts
 * const { mIoU } = await evaluateSegmentation(segModel, { seed: 424242, count: 200, points: 256 });
 * ```
 */
export async function evaluateSegmentation(model: PCTModel, options: EvaluateOptions): Promise<{ mIoU: number; count: number }> {
  const count = options.count ?? 500, n = options.points ?? 1024, bs = options.batchSize ?? 16;
  const set = generateSegmentationSet({ count, seed: options.seed, points: n, ...(options.rotation ? { rotation: options.rotation } : {}), ...(options.categories ? { categories: options.categories } : {}) });
  const parts = set.partNames.length;
  const predicted = new Int32Array(count * n);
  for (let first = 0; first < count; first += bs) {
    const b = Math.min(bs, count - first);
    const cats = Array.from(set.categories.subarray(first, first + b));
    const logits = tf.tidy(() => {
      const pts = tf.tensor3d(set.points.subarray(first * n * 3, (first + b) * n * 3), [b, n, 3]);
      return model.predict(pts, { categories: cats }).logits;
    });
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    for (let s = 0; s < b; s++) {
      const allowed = set.partsOfCategory[cats[s]!]!;
      for (let i = 0; i < n; i++) {
        const row = (s * n + i) * parts;
        let best = allowed[0]!;
        for (const p of allowed) if (values[row + p]! > values[row + best]!) best = p;
        predicted[(first + s) * n + i] = best;
      }
    }
    options.onProgress?.(first + b, count);
  }
  const shapes = Array.from(set.categories, (c) => set.partsOfCategory[c]!);
  return { mIoU: meanShapeIoU(predicted, set.partLabels, shapes), count };
}
