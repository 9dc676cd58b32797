/** Accuracy and attention localisation of a model on fresh images of the shape task. */
import * as tf from '@tensorflow/tfjs-core';
import { generateShapeBatch, shapeBatchTensors } from '../data/batch.js';
import type { ShapeTaskOptions } from '../data/shape-task.js';
import type { VisionModel } from '../models/vision-model.js';
import { attentionInsideRatios } from './attention-inside-ratio.js';

/** Options of {@link evaluateVision}. */
export interface EvaluateOptions {
  /** Seed of the evaluation images (use one the model was not trained on). */
  seed: number;
  /** Number of images. */
  count: number;
  /** Images per forward pass. Default 100. */
  batchSize?: number;
  /** Which of the model's maps to score; default its first (`model.mapNames[0]`). */
  map?: string;
  /** Task options; default the task's defaults (what the shipped models were trained on). */
  task?: ShapeTaskOptions;
}

/** What {@link evaluateVision} measures. */
export interface VisionEvaluation {
  /** Share of images classified correctly. */
  accuracy: number;
  /** Mean over images of (map mass inside the object ÷ object's share of the image); see {@link attentionInsideRatios}. */
  attentionInsideRatio: number;
  /** Number of images evaluated. */
  images: number;
}

/**
 * Renders `count` images of seed `seed`, classifies them and scores where the model looked.
 * Every image counts in the ratio, correctly classified or not.
 *
 * @example
 * ```ts
 * const model = await loadShippedVisionModel('cbam');
 * const { accuracy, attentionInsideRatio } = await evaluateVision(model, { seed: 1234, count: 500 });
 * ```
 */
export async function evaluateVision(model: VisionModel, options: EvaluateOptions): Promise<VisionEvaluation> {
  const { seed, count, batchSize = 100, task } = options;
  const map = options.map ?? model.mapNames[0]!;
  if (!model.mapNames.includes(map)) throw new Error(`evaluateVision: model has no map "${map}" (has ${model.mapNames.join(', ')})`);
  let correct = 0, ratioSum = 0;
  for (let start = 0; start < count; start += batchSize) {
    const batch = generateShapeBatch({ ...task, size: model.imageSize, seed, start, count: Math.min(batchSize, count - start) });
    const [hits, ratios] = tf.tidy(() => {
      const { images, labels, masks } = shapeBatchTensors(batch);
      const out = model.forward(images);
      const predicted = tf.argMax(out.logits, 1);
      return [tf.sum(tf.cast(tf.equal(predicted, labels), 'float32')), tf.sum(attentionInsideRatios(out.maps[map]!, masks))];
    });
    correct += (await hits.data())[0]!;
    ratioSum += (await ratios.data())[0]!;
    tf.dispose([hits, ratios]);
  }
  return { accuracy: correct / count, attentionInsideRatio: ratioSum / count, images: count };
}
